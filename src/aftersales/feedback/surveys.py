"""Every write on satisfaction surveys (《客户满意度调查函》): keyword-only, one transaction each,
its timeline row (subject "survey") in the same transaction, mail and SMS through the outbox.

An invitation goes out after every closed case (reason after_case: the case's contact, its
assignee as the engineer rated) and once a quarter to every active customer (reason
quarterly, period "YYYY-Qn"); the unique constraints on SurveyInvitation make both sweeps
idempotent. One reminder after SurveySettings.reminder_days; the link expires after
link_days and takes one answer. A rating at or below SurveySettings.low_score opens a
follow-up for the customer's service manager.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases.models import Case
from aftersales.cases.models import Status as CaseStatus
from aftersales.core import timeline
from aftersales.core.errors import Conflict, Invalid
from aftersales.core.schema_types import MEDIUM_TEXT_MAX, bounded_text, clip_text
from aftersales.feedback import survey_access as access
from aftersales.feedback import survey_selectors as selectors
from aftersales.feedback.models import (
    FollowUpStatus,
    QuestionKind,
    SurveyAnswer,
    SurveyEventKind,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyQuestion,
    SurveyReason,
    SurveySettings,
    SurveyTemplate,
)
from aftersales.feedback.survey_tokens import make_token, new_nonce
from aftersales.notify.services import notify_enqueue
from aftersales.registry.models import Contact, Customer

SUBJECT = _("Customer satisfaction survey")
REMINDER_SUBJECT = _("Reminder: customer satisfaction survey")
AFTER_CASE_BODY = _(
    "Dear %(name)s, your case %(case)s is closed. Please tell us how we did (one minute, "
    "no login needed): %(link)s The link is valid until %(until)s."
)
QUARTERLY_BODY = _(
    "Dear %(name)s, please tell us how we served you in %(period)s (one minute, no login "
    "needed): %(link)s The link is valid until %(until)s."
)
FOLLOW_UP_SUBJECT = _("Low survey score from %(customer)s")
FOLLOW_UP_BODY = _(
    "%(customer)s rated our service low (%(reason)s). Please call the customer and record "
    "the outcome of your follow-up."
)
SENT_TEXT = _("Survey link sent to %(contact)s.")
RENEWED_TEXT = _("The expired link was replaced by a new one.")
REQUIRED_ANSWER = _("Question %(number)s (“%(question)s”) needs an answer.")
BAD_RATING = _("Question %(number)s (“%(question)s”): choose a rating from %(low)s to %(high)s.")
BAD_YES_NO = _("Question %(number)s (“%(question)s”): answer yes or no.")
BAD_CHOICE = _("Question %(number)s (“%(question)s”): choose one of the offered answers.")
BAD_TEXT = _("Question %(number)s (“%(question)s”): write at most %(limit)s characters.")
UNKNOWN_QUESTION = _("This survey has no question %(key)s.")
ANSWERS_NOT_A_MAPPING = _("Send the answers as an object keyed by question number.")
NO_TEMPLATE = _("No active survey template.")
OUTCOME_REQUIRED = _("Write the outcome of the follow-up.")
VERSION_MADE = _("Version %(version)s made; it is the active one now.")

# Range of each numeric kind of question.
RANGES = {QuestionKind.RATING: (1, 5), QuestionKind.NPS: (0, 10)}
YES = {"yes", "true", "1", "y", "是"}
NO = {"no", "false", "0", "n", "否"}
TEXT_MAX = MEDIUM_TEXT_MAX


def survey_settings() -> SurveySettings:
    """The one settings row (created with the defaults should it be missing)."""
    row = SurveySettings.objects.order_by("pk").first()
    return row if row is not None else SurveySettings.objects.create()


def quarter_of(day: dt.date) -> str:
    """ "2026-Q4" for any day of October to December 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def survey_path(invitation: SurveyInvitation) -> str:
    """The public page of the invitation's current link (relative)."""
    return reverse("surveys:answer", args=[make_token(invitation.nonce)])


def survey_link(invitation: SurveyInvitation) -> str:
    """The absolute link for messages (SITE_URL + path; the path alone without SITE_URL)."""
    return getattr(settings, "SITE_URL", "").rstrip("/") + survey_path(invitation)


def question_text(question: SurveyQuestion) -> str:
    """The question in the active language (English when asked for and written)."""
    english = (translation.get_language() or "").startswith("en")
    return question.text_en if english and question.text_en else question.text


# --- sending -------------------------------------------------------------------------------------


def _language_of(contact: Contact | None) -> str:
    user = getattr(contact, "user", None) if contact is not None else None
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _send(invitation: SurveyInvitation, *, reminder: bool) -> None:
    """Mail and text the link to the contact (each channel it has an address for)."""
    contact = invitation.contact
    if contact is None:
        return
    kind = "survey.reminder" if reminder else "survey.invitation"
    with translation.override(_language_of(contact)):
        values = {
            "name": contact.name,
            "case": invitation.case.number if invitation.case_id else "",
            "period": invitation.period,
            "link": survey_link(invitation),
            "until": f"{timezone.localtime(invitation.expires_at):%Y-%m-%d %H:%M}",
        }
        body = (AFTER_CASE_BODY if invitation.case_id else QUARTERLY_BODY) % values
        subject = str(REMINDER_SUBJECT if reminder else SUBJECT)
        for channel, address in (("email", contact.email), ("sms", contact.phone)):
            if not (address or "").strip():
                continue
            notify_enqueue(
                channel=channel,
                address=address,
                subject=subject,
                body=body,
                kind=kind,
                ref_type="survey",
                ref_id=str(invitation.pk),
                dedupe_key=f"{kind}:{invitation.nonce}:{channel}",
            )


def _create(
    *,
    template: SurveyTemplate,
    reason: str,
    customer: Customer,
    contact: Contact | None,
    now: dt.datetime,
    case: Case | None = None,
    engineer: User | None = None,
    period: str = "",
    by: User | None = None,
) -> SurveyInvitation:
    """Insert, record and send one invitation; the caller holds the transaction. A duplicate
    (the unique constraints) raises IntegrityError before anything else is written."""
    days = survey_settings().link_days
    with transaction.atomic():  # a savepoint: a lost race leaves the caller's work intact
        invitation = SurveyInvitation.objects.create(
            template=template,
            reason=reason,
            customer=customer,
            contact=contact,
            case=case,
            engineer=engineer,
            period=period,
            nonce=new_nonce(),
            sent_at=now,
            expires_at=now + dt.timedelta(days=days),
            created_at=now,
        )
    timeline.record(
        subject=invitation,
        kind=SurveyEventKind.SENT,
        actor=by,
        at=now,
        text=SENT_TEXT % {"contact": contact.name if contact else "—"},
        data={"reason": reason, "case": case.number if case else "", "period": period},
    )
    _send(invitation, reminder=False)
    return invitation


def _reachable_contacts() -> Any:
    """Active contacts with an e-mail or a phone to send the link to."""
    return Contact.objects.filter(is_active=True).exclude(email="", phone="")


def _first_contact(customer_id: int) -> Contact | None:
    return _reachable_contacts().filter(customer_id=customer_id).order_by("pk").first()


def survey_link_for_case(*, case: Case, by: User) -> SurveyInvitation:
    """The closed case's invitation with a live link: created (and sent) when there is none,
    the same while it lives, a fresh link (not sent: staff pass it on) once it expired
    unanswered; 409 when the case is not closed or the survey was answered."""
    access.can_send.enforce(by, case)
    template = selectors.active_template()
    if template is None:
        raise Conflict(NO_TEMPLATE)
    now = timezone.now()
    with transaction.atomic():
        existing = SurveyInvitation.objects.select_for_update().filter(case=case).first()
        if existing is None:
            try:
                return _create(
                    template=template,
                    reason=SurveyReason.AFTER_CASE,
                    customer=case.customer,
                    contact=case.contact or _first_contact(case.customer_id),
                    case=case,
                    engineer=case.assignee,
                    now=now,
                    by=by,
                )
            except IntegrityError:  # the worker (or another click) got there first
                existing = SurveyInvitation.objects.select_for_update().get(case=case)
        if existing.answered_at is not None:
            raise Conflict(access.ALREADY_ANSWERED, extra={"reason": access.ANSWERED})
        if existing.expires_at > now:
            return existing
        existing.nonce = new_nonce()
        existing.expires_at = now + dt.timedelta(days=survey_settings().link_days)
        existing.save(update_fields=["nonce", "expires_at"])
        timeline.record(
            subject=existing, kind=SurveyEventKind.NOTICE, actor=by, at=now, text=RENEWED_TEXT
        )
        return existing


def surveys_send_after_cases(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the survey of every case closed (resolved, not cancelled) within the link's
    validity that has none yet; returns how many were sent. Safe to run twice or at once."""
    config = survey_settings()
    template = selectors.active_template()
    if not config.after_case or template is None:
        return 0
    now = now or timezone.now()
    # A case closed longer ago than a link lives is history: it gets no late survey.
    since = now - dt.timedelta(days=config.link_days)
    due = (
        Case.objects.filter(
            status=CaseStatus.CLOSED,
            resolved_at__isnull=False,
            closed_at__gte=since,
            closed_at__lte=now,
        )
        .exclude(Exists(SurveyInvitation.objects.filter(case=OuterRef("pk"))))
        .select_related("customer", "contact", "assignee")
        .order_by("closed_at", "pk")[:limit]
    )
    sent = 0
    for case in due:
        try:
            with transaction.atomic():
                _create(
                    template=template,
                    reason=SurveyReason.AFTER_CASE,
                    customer=case.customer,
                    contact=case.contact or _first_contact(case.customer_id),
                    case=case,
                    engineer=case.assignee,
                    now=now,
                )
        except IntegrityError:
            continue  # another worker sent this one meanwhile
        sent += 1
    return sent


def surveys_send_quarterly(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Send this quarter's survey to every active customer that existed when the quarter
    began and has a contact to write to; once per customer and quarter."""
    config = survey_settings()
    template = selectors.active_template()
    if not config.quarterly or template is None:
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    period = quarter_of(today)
    began = timezone.make_aware(dt.datetime.combine(quarter_start(today), dt.time.min))
    due = (
        Customer.objects.filter(is_active=True, created_at__lt=began)
        .exclude(
            Exists(
                SurveyInvitation.objects.filter(
                    customer=OuterRef("pk"), reason=SurveyReason.QUARTERLY, period=period
                )
            )
        )
        .filter(Exists(_reachable_contacts().filter(customer=OuterRef("pk"))))
        .order_by("pk")[:limit]
    )
    sent = 0
    for customer in due:
        contact = _first_contact(customer.pk)
        if contact is None:
            continue
        try:
            with transaction.atomic():
                _create(
                    template=template,
                    reason=SurveyReason.QUARTERLY,
                    customer=customer,
                    contact=contact,
                    period=period,
                    now=now,
                )
        except IntegrityError:
            continue
        sent += 1
    return sent


def surveys_remind(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the one reminder of each unanswered, live invitation sent reminder_days ago."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=survey_settings().reminder_days)
    due = list(
        SurveyInvitation.objects.filter(
            answered_at__isnull=True,
            reminded_at__isnull=True,
            sent_at__lte=cutoff,
            expires_at__gt=now,
        )
        .order_by("sent_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    reminded = 0
    for pk in due:
        with transaction.atomic():
            # The claim: another worker that got there first leaves nothing to update.
            claimed = SurveyInvitation.objects.filter(
                pk=pk, reminded_at__isnull=True, answered_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            invitation = SurveyInvitation.objects.select_related("contact", "case").get(pk=pk)
            _send(invitation, reminder=True)
            timeline.record(subject=invitation, kind=SurveyEventKind.REMINDED, at=now)
        reminded += 1
    return reminded


# --- answering -----------------------------------------------------------------------------------


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 3:
        return int(value.strip())
    return None


def _answer_row(question: SurveyQuestion, value: Any) -> SurveyAnswer:
    """The answer row for one value, or Invalid naming the question (loc body.answers.<n>)."""
    key = str(question.order)
    names = {"number": question.order, "question": question_text(question)}

    def refuse(message: Any, **more: Any) -> Invalid:
        return Invalid(message % {**names, **more}, field=key, loc=("body", "answers"))

    row = SurveyAnswer(question=question)
    if question.kind in RANGES:
        low, high = RANGES[question.kind]
        number = _number(value)
        if number is None or not low <= number <= high:
            raise refuse(BAD_RATING, low=low, high=high)
        row.number = number
    elif question.kind == QuestionKind.YES_NO:
        word = str(value).strip().lower() if not isinstance(value, bool) else ""
        if value is True or word in YES:
            row.yes = True
        elif value is False or word in NO:
            row.yes = False
        else:
            raise refuse(BAD_YES_NO)
    elif question.kind == QuestionKind.CHOICE:
        offered = [str(choice) for choice in question.choices or []]
        if not isinstance(value, str) or value not in offered:
            raise refuse(BAD_CHOICE)
        row.choice = value
    else:
        if not isinstance(value, str):
            raise refuse(BAD_TEXT, limit=TEXT_MAX)
        if len(value) > TEXT_MAX:
            raise refuse(BAD_TEXT, limit=TEXT_MAX)
        row.text = value.strip()
    return row


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validated_answers(questions: list[SurveyQuestion], answers: Any) -> list[SurveyAnswer]:
    """One unsaved row per answered question; 422 naming the first question at fault.

    `answers` maps the question's number (its order, as a string) to the value: an integer
    for ratings (1–5) and the recommendation (0–10), true/false (or "yes"/"no") for yes/no,
    one of the offered strings for a choice, a string for free text. Optional questions may
    be left out or blank; an unknown number is refused.
    """
    if not isinstance(answers, dict):
        raise Invalid(ANSWERS_NOT_A_MAPPING, field="answers")
    by_key = {str(q.order): q for q in questions}
    for key in answers:
        if str(key) not in by_key:
            raise Invalid(
                UNKNOWN_QUESTION % {"key": str(key)[:20]},
                field=str(key)[:20],
                loc=("body", "answers"),
            )
    rows = []
    for key, question in by_key.items():
        value = answers.get(key)
        if _blank(value):
            if question.required:
                raise Invalid(
                    REQUIRED_ANSWER
                    % {"number": question.order, "question": question_text(question)},
                    field=key,
                    loc=("body", "answers"),
                )
            continue
        rows.append(_answer_row(question, value))
    return rows


def _score(rows: list[SurveyAnswer]) -> Decimal | None:
    ratings = [r.number for r in rows if r.question.kind == QuestionKind.RATING]
    if not ratings:
        return None
    return (Decimal(sum(ratings)) / Decimal(len(ratings))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def survey_answer(*, token: str, answers: Any) -> SurveyInvitation:
    """Store the one answer a link takes: 404 for a bad link, 409 when answered or expired
    (checked before the answers, so a refused second answer writes nothing), 422 naming the
    question; the score (average rating), the NPS value and, for a low rating, a follow-up."""
    invitation = selectors.invitation_for_token(token)
    now = timezone.now()
    refusal = access.answer_refusal(invitation, now)
    if refusal is not None:
        raise refusal
    rows = validated_answers(selectors.questions_of(invitation.template), answers)
    low_score = survey_settings().low_score
    with transaction.atomic():
        locked = (
            SurveyInvitation.objects.select_for_update(of=("self",))
            .select_related("customer__service_manager", "case")
            .get(pk=invitation.pk)
        )
        refusal = access.answer_refusal(locked, now)
        if refusal is not None:
            raise refusal
        for row in rows:
            row.invitation = locked
        SurveyAnswer.objects.bulk_create(rows)
        locked.answered_at = now
        locked.score = _score(rows)
        locked.nps = next((r.number for r in rows if r.question.kind == QuestionKind.NPS), None)
        locked.save(update_fields=["answered_at", "score", "nps"])
        timeline.record(
            subject=locked,
            kind=SurveyEventKind.ANSWERED,
            at=now,
            data={
                "score": str(locked.score) if locked.score is not None else None,
                "nps": locked.nps,
            },
        )
        lows = [r for r in rows if r.question.kind == QuestionKind.RATING and r.number <= low_score]
        if lows:
            _open_follow_up(locked, lows, now)
    return locked


def _open_follow_up(
    invitation: SurveyInvitation, lows: list[SurveyAnswer], now: dt.datetime
) -> None:
    customer = invitation.customer
    manager = customer.service_manager
    # Stored as data in the questions' own (Chinese) words: "响应速度…: 2; 服务态度…: 1".
    reason = clip_text("; ".join(f"{r.question.text}: {r.number}" for r in lows), 200)
    follow_up = SurveyFollowUp.objects.create(
        invitation=invitation, customer=customer, owner=manager, reason=reason, opened_at=now
    )
    timeline.record(
        subject=invitation,
        kind=SurveyEventKind.FOLLOW_UP,
        at=now,
        text=reason,
        internal=True,
        data={"follow_up": follow_up.pk, "owner": manager.username if manager else None},
    )
    if manager is None:
        return
    with translation.override(manager.language or settings.LANGUAGE_CODE):
        names = {"customer": customer.name, "reason": reason}
        notify_enqueue(
            channel="email",
            to_user=manager,
            subject=FOLLOW_UP_SUBJECT % names,
            body=FOLLOW_UP_BODY % names,
            kind="survey.follow_up",
            ref_type="survey",
            ref_id=str(invitation.pk),
            dedupe_key=f"survey.follow_up:{invitation.pk}",
        )


# --- follow-ups and templates ------------------------------------------------------------------


def follow_up_close(*, follow_up: SurveyFollowUp, by: User, outcome: str) -> SurveyFollowUp:
    """Close an open follow-up with what the service manager did and heard (409 if closed)."""
    access.can_close_follow_up.enforce_who(by, follow_up)
    outcome = bounded_text((outcome or "").strip(), field="outcome", limit=MEDIUM_TEXT_MAX)
    if not outcome:
        raise Invalid(OUTCOME_REQUIRED, field="outcome")
    now = timezone.now()
    with transaction.atomic():
        locked = SurveyFollowUp.objects.select_for_update().get(pk=follow_up.pk)
        access.can_close_follow_up.enforce(by, locked)
        locked.status = FollowUpStatus.CLOSED
        locked.outcome = outcome
        locked.closed_at = now
        locked.save(update_fields=["status", "outcome", "closed_at"])
        timeline.record(
            subject=locked.invitation,
            kind=SurveyEventKind.FOLLOW_UP_CLOSED,
            actor=by,
            at=now,
            text=outcome,
            internal=True,
        )
    return locked


def new_version(*, template: SurveyTemplate, by: User | None = None) -> SurveyTemplate:
    """Copy the template and its questions as the next version of its code, which becomes
    the active one (earlier versions stay, inactive, so their answers keep their words)."""
    if by is not None:
        access.can_version_template.enforce_who(by, template)
    now = timezone.now()
    with transaction.atomic():
        # Two editors at once: the (code, version) constraint refuses the second copy.
        latest = SurveyTemplate.objects.filter(code=template.code).aggregate(top=Max("version"))[
            "top"
        ]
        copy = SurveyTemplate.objects.create(
            code=template.code,
            version=(latest or 0) + 1,
            name=template.name,
            name_en=template.name_en,
            intro=template.intro,
            active=True,
            created_at=now,
        )
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(
                template=copy,
                order=q.order,
                kind=q.kind,
                text=q.text,
                text_en=q.text_en,
                dimension=q.dimension,
                choices=q.choices,
                required=q.required,
            )
            for q in template.questions.order_by("order")
        )
        SurveyTemplate.objects.filter(code=template.code).exclude(pk=copy.pk).update(active=False)
    return copy
