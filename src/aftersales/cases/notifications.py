"""What a case tells people, written to the outbox inside the case's transaction (rule 4)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases.models import Activity, Case
from aftersales.notify.services import notify_enqueue


def _send(
    user: User, case: Case, *, kind: str, subject: str, body: str, sms: bool, key: str = ""
) -> None:
    channels = ("email", "sms") if sms else ("email",)
    for channel in channels:
        notify_enqueue(
            channel=channel,
            to_user=user,
            subject=subject,
            body=body,
            kind=kind,
            ref_type="case",
            ref_id=case.number,
            dedupe_key=f"{kind}:{case.number}:{user.pk}:{channel}:{key}" if key else "",
        )


def _summary(case: Case) -> str:
    return _("%(number)s [%(priority)s] %(customer)s: %(title)s") % {
        "number": case.number,
        "priority": case.priority,
        "customer": case.customer.name,
        "title": case.title,
    }


def assigned(case: Case, *, engineer: User, previous: User | None, by: User) -> None:
    with translation.override(engineer.language):
        body = _(
            "You have been assigned case %(summary)s.\n"
            "Please contact the customer%(contact)s and record your response.\n"
        ) % {
            "summary": _summary(case),
            "contact": f" ({case.caller_name} {case.caller_phone})" if case.caller_phone else "",
        }
        _send(
            engineer,
            case,
            kind="case.assigned",
            subject=_("New case %(number)s") % {"number": case.number},
            body=body,
            sms=True,
            key=str(case.version),
        )
    if previous is not None and previous.pk != engineer.pk:
        with translation.override(previous.language):
            _send(
                previous,
                case,
                kind="case.unassigned",
                subject=_("Case %(number)s reassigned") % {"number": case.number},
                body=_("Case %(summary)s is now handled by %(engineer)s.")
                % {"summary": _summary(case), "engineer": engineer},
                sms=False,
                key=str(case.version),
            )


def taken_over(case: Case, *, previous: User, by: User) -> None:
    with translation.override(previous.language):
        _send(
            previous,
            case,
            kind="case.taken_over",
            subject=_("Case %(number)s taken over") % {"number": case.number},
            body=_("%(engineer)s took over case %(summary)s.")
            % {"engineer": by, "summary": _summary(case)},
            sms=False,
            key=str(case.version),
        )


def escalated(case: Case, *, expert: User | None, by: User) -> None:
    if expert is None:
        return
    with translation.override(expert.language):
        _send(
            expert,
            case,
            kind="case.escalated",
            subject=_("Case %(number)s escalated to you") % {"number": case.number},
            body=_("%(engineer)s asks for your help on case %(summary)s.")
            % {"engineer": by, "summary": _summary(case)},
            sms=True,
            key=str(case.version),
        )


def handed_to_rma(case: Case, *, text: str, by: User) -> None:
    """Every RMA administrator hears that a case's hardware part waits for an RMA."""
    admins = User.objects.filter(is_active=True, groups__name=Role.RMA_ADMIN).order_by("pk")
    for admin in admins:
        with translation.override(admin.language):
            _send(
                admin,
                case,
                kind="case.rma_requested",
                subject=_("Case %(number)s waits for an RMA") % {"number": case.number},
                body=_("%(summary)s\nHanded to RMA by %(by)s: %(text)s")
                % {"summary": _summary(case), "by": by, "text": text},
                sms=False,
            )


def _contact_user(case: Case) -> User | None:
    contact = case.contact
    return contact.user if contact is not None and contact.user_id else None


def resolved(case: Case) -> None:
    user = _contact_user(case)
    if user is None:
        return
    with translation.override(user.language):
        _send(
            user,
            case,
            kind="case.resolved",
            subject=_("Case %(number)s resolved") % {"number": case.number},
            body=_(
                "Case %(summary)s has been resolved:\n\n%(solution)s\n\n"
                "Please confirm the resolution in the service portal, or reject it if the "
                "problem remains."
            )
            % {"summary": _summary(case), "solution": case.resolution},
            sms=False,
            key=str(case.version),
        )


def reopened(case: Case, *, by: User) -> None:
    if case.assignee is None or case.assignee_id == by.pk:
        return
    with translation.override(case.assignee.language):
        _send(
            case.assignee,
            case,
            kind="case.reopened",
            subject=_("Case %(number)s reopened") % {"number": case.number},
            body=_("%(who)s reopened case %(summary)s.") % {"who": by, "summary": _summary(case)},
            sms=True,
            key=str(case.version),
        )


def commented(case: Case, *, activity: Activity, by: User) -> None:
    """Tell the assignee about a customer's comment, and the customer about staff's."""
    if case.assignee is not None and case.assignee_id != by.pk:
        with translation.override(case.assignee.language):
            _send(
                case.assignee,
                case,
                kind="case.comment",
                subject=_("New comment on case %(number)s") % {"number": case.number},
                body=f"{by}: {activity.text}",
                sms=False,
                key=str(activity.pk),
            )
    user = _contact_user(case)
    if user is not None and user.pk != by.pk:
        with translation.override(user.language):
            _send(
                user,
                case,
                kind="case.comment",
                subject=_("New comment on case %(number)s") % {"number": case.number},
                body=f"{by}: {activity.text}",
                sms=False,
                key=str(activity.pk),
            )


def auto_close_notice(case: Case) -> None:
    user = _contact_user(case)
    if user is None:
        return
    with translation.override(user.language):
        _send(
            user,
            case,
            kind="case.auto_close_notice",
            subject=_("Case %(number)s will close soon") % {"number": case.number},
            body=_(
                "Case %(summary)s was resolved. It will close automatically unless you "
                "reject the resolution in the service portal."
            )
            % {"summary": _summary(case)},
            sms=False,
            key="notice",
        )
