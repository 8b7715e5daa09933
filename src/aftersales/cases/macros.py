"""Canned replies (macros): who keeps and uses which, and applying one to a case.

A macro is a reply text plus field changes ("waiting for logs": a reply, status waiting).
Applying one runs the existing case services in one transaction, so the promise clocks move
exactly as if each action had been taken by hand; if any step is refused nothing is written.
Personal macros belong to one person; team macros to everybody holding a role (`team`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member, user_roles
from aftersales.accounts.models import User
from aftersales.accounts.roles import STAFF_ROLES, Role
from aftersales.cases import access, services
from aftersales.cases.models import ActivityKind, Case, Macro, Priority, Status, Tag
from aftersales.cases.services.common import required_text
from aftersales.cases.services.tags import case_add_tags
from aftersales.core import timeline
from aftersales.core.errors import ApplicationError, Conflict, Forbidden, Invalid, NotFound
from aftersales.core.parser import NUL_REFUSED
from aftersales.core.schema_types import LONG_TEXT_MAX

MANAGE_TEAM = "cases.manage_team_macros"
NAME_MAX = 80
TAGS_MAX = 10

NOT_FOUND = _("Not found.")
NAME_REQUIRED = _("Give the macro a name.")
NAME_TAKEN = _("An active macro of this name exists already.")
BODY_REQUIRED = _("Write the reply text.")
BAD_STATUS = _("A macro may set the status to responded, waiting for customer or resolved only.")
INTERNAL_NO_STATUS = _(
    "An internal note cannot change the status: the customer sees every status change."
)
BAD_PRIORITY = _("Choose P1, P2, P3 or P4.")
UNKNOWN_TAG = _("Unknown tag: %(name)s.")
TOO_MANY_TAGS = _("A macro adds at most %(limit)s tags.")
BAD_TEAM = _("Choose a staff role as the team.")

# The statuses a macro may set, each reached by one workflow action through its own service
# (so the clocks pause, stop or complete as they do by hand). "In progress" is left out: from
# "waiting" it takes a resume, and a customer's reply resumes the case by itself.
STATUS_ACTIONS: dict[str, str] = {
    Status.RESPONDED: "respond",
    Status.WAITING: "wait",
    Status.RESOLVED: "resolve",
}
_STATUS_SERVICES: dict[str, Callable[..., Case]] = {
    Status.RESPONDED: services.case_respond,
    Status.WAITING: services.case_wait,
    Status.RESOLVED: services.case_resolve,
}
# Placeholders of a macro's text, filled in when it is applied; any other brace stays as typed.
PLACEHOLDERS = ("customer", "contact", "case_number", "engineer")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
TEAMS = tuple(r for r in Role if r in STAFF_ROLES)


# --- who may ------------------------------------------------------------------------------


def can_keep_macros(user: Any) -> bool:
    """Staff who work or edit cases keep personal macros and use their teams' ones."""
    return is_staff_member(user) and (can(user, access.WORK) or can(user, access.CHANGE))


def can_manage_team_macros(user: Any) -> bool:
    return is_staff_member(user) and can(user, MANAGE_TEAM)


def can_edit_macro(user: Any, macro: Macro) -> bool:
    """A personal macro: its owner; a team macro: whoever manages team macros."""
    if macro.owner_id is not None:
        return macro.owner_id == user.pk and can_keep_macros(user)
    return can_manage_team_macros(user)


def _teams(user: Any) -> set[str]:
    return user_roles(user) & set(TEAMS)


def _gate(user: Any) -> None:
    """Customers learn nothing of macros (404); staff who do not work cases hear no (403)."""
    if not is_staff_member(user):
        raise NotFound(NOT_FOUND)
    if not can_keep_macros(user):
        raise Forbidden(NOT_ALLOWED)


# --- reads --------------------------------------------------------------------------------


def _usable_scope(user: Any) -> Q:
    return Q(owner=user) | Q(owner__isnull=True, team__in=_teams(user))


def _search(qs: QuerySet[Macro], q: str) -> QuerySet[Macro]:
    q = (q or "").strip()
    return qs.filter(Q(name__icontains=q) | Q(body__icontains=q)) if q else qs


def macros_usable(*, user: Any, q: str = "") -> QuerySet[Macro]:
    """The user's usable macros: their active personal ones and their roles' team ones."""
    _gate(user)
    qs = Macro.objects.filter(_usable_scope(user), is_active=True)
    return _search(qs, q).select_related("owner").prefetch_related("add_tags")


def macro_list(*, user: Any, q: str = "", inactive: bool = False) -> QuerySet[Macro]:
    """The console's list: the usable ones, every team's for whoever manages team macros;
    retired ones too with `inactive`."""
    _gate(user)
    scope = _usable_scope(user)
    if can_manage_team_macros(user):
        scope |= Q(owner__isnull=True)
    qs = Macro.objects.filter(scope)
    if not inactive:
        qs = qs.filter(is_active=True)
    return _search(qs, q).select_related("owner").prefetch_related("add_tags")


def macro_get_for_user(*, user: Any, pk: int, write: bool = False) -> Macro:
    """One macro the user may see (another person's personal macro: 404); `write` also
    requires the right to edit it (403)."""
    macro = macro_list(user=user, inactive=True).filter(pk=pk).first()
    if macro is None:
        raise NotFound(NOT_FOUND)
    if write and not can_edit_macro(user, macro):
        raise Forbidden(NOT_ALLOWED)
    return macro


def macro_get_usable(*, user: Any, pk: int) -> Macro:
    """An active macro the user may apply; anything else is a 404."""
    macro = macros_usable(user=user).filter(pk=pk).first()
    if macro is None:
        raise NotFound(NOT_FOUND)
    return macro


def render_text(text: str, *, case: Case, by: Any) -> str:
    """Fill the placeholders {customer}, {contact}, {case_number} and {engineer} (the applying
    user's name); in one pass, so a name that looks like a placeholder stays as it is."""
    values = {
        "customer": case.customer.name,
        "contact": (case.contact.name if case.contact_id else "") or case.caller_name,
        "case_number": case.number,
        "engineer": str(by),
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text or "")


def macro_blocker(*, user: Any, case: Case, macro: Macro, actions: Iterable[str]) -> str:
    """Why the macro cannot be applied to the case now ("" when it can): the status step's
    action or the priority change is not open to the user; `actions` from available_actions."""
    actions = set(actions)
    if macro.set_status and STATUS_ACTIONS[macro.set_status] not in actions:
        return str(_("the case cannot be set to “%(status)s” now")) % {
            "status": macro.get_set_status_display()
        }
    if macro.set_priority and "update" not in actions:
        return str(_("you may not change the priority"))
    return ""


# --- writes -------------------------------------------------------------------------------


def _plain_text(value: str | None, field: str, limit: int, required: Any) -> str:
    if "\x00" in (value or ""):
        raise Invalid(NUL_REFUSED, field=field)
    return required_text(value or "", field, limit, message=required)


def _tags(names: Iterable[str] | None) -> list[Tag]:
    wanted = list(dict.fromkeys((n or "").strip() for n in names or ()))
    if len(wanted) > TAGS_MAX:
        raise Invalid(TOO_MANY_TAGS % {"limit": TAGS_MAX}, field="add_tags")
    found = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    for name in wanted:
        if name not in found:
            raise Invalid(UNKNOWN_TAG % {"name": name[:40]}, field="add_tags")
    return [found[name] for name in wanted]


def _check_fields(
    *, name: str, body: str, internal: bool, set_status: str, set_priority: str
) -> tuple[str, str]:
    name = _plain_text(name, "name", NAME_MAX, NAME_REQUIRED)
    body = _plain_text(body, "body", LONG_TEXT_MAX, BODY_REQUIRED)
    if set_status and set_status not in STATUS_ACTIONS:
        raise Invalid(BAD_STATUS, field="set_status")
    if set_status and internal:
        raise Invalid(INTERNAL_NO_STATUS, field="set_status")
    if set_priority and set_priority not in Priority.values:
        raise Invalid(BAD_PRIORITY, field="set_priority")
    return name, body


def _check_unique(name: str, *, owner_id: int | None, team: str, exclude: int | None) -> None:
    same = Macro.objects.filter(name__iexact=name, is_active=True)
    same = same.filter(owner_id=owner_id) if owner_id else same.filter(team=team)
    if same.exclude(pk=exclude).exists():
        raise Invalid(NAME_TAKEN, field="name")


def _record(macro: Macro, *, by: User, kind: str, changes: dict | None = None) -> None:
    timeline.record(
        subject=macro,
        kind=kind,
        actor=by,
        at=macro.updated_at,
        text=macro.name,
        changes=changes,
        customer_id=None,
    )


@transaction.atomic
def macro_create(
    *,
    by: User,
    name: str,
    body: str,
    internal: bool = False,
    set_status: str = "",
    set_priority: str = "",
    add_tags: Iterable[str] = (),
    team: str = "",
) -> Macro:
    """A personal macro (no `team`), or one shared with a role (needs manage_team_macros)."""
    _gate(by)
    if team and team not in TEAMS:
        raise Invalid(BAD_TEAM, field="team")
    if team and not can_manage_team_macros(by):
        raise Forbidden(NOT_ALLOWED)
    name, body = _check_fields(
        name=name, body=body, internal=internal, set_status=set_status, set_priority=set_priority
    )
    tags = _tags(add_tags)
    owner = None if team else by
    _check_unique(name, owner_id=owner.pk if owner else None, team=team, exclude=None)
    now = timezone.now()
    macro = Macro.objects.create(
        name=name,
        body=body,
        internal=internal,
        set_status=set_status,
        set_priority=set_priority,
        team=team,
        owner=owner,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    macro.add_tags.set(tags)
    _record(macro, by=by, kind="created")
    return macro


_EDITABLE = ("name", "body", "internal", "set_status", "set_priority")


@transaction.atomic
def macro_update(*, macro: Macro, by: User, **changes: Any) -> Macro:
    """Change the given fields (name, body, internal, set_status, set_priority, add_tags);
    who keeps it (owner or team) stays: make a new one and retire this instead."""
    macro = Macro.objects.select_for_update().get(pk=macro.pk)
    if not can_edit_macro(by, macro):
        raise Forbidden(NOT_ALLOWED)
    unknown = set(changes) - {*_EDITABLE, "add_tags"}
    if unknown:
        raise TypeError(f"macro_update() got unexpected fields {sorted(unknown)}")
    before = timeline.snapshot(macro, _EDITABLE)
    for field in _EDITABLE:
        if changes.get(field) is not None:
            setattr(macro, field, changes[field])
    macro.name, macro.body = _check_fields(
        name=macro.name,
        body=macro.body,
        internal=macro.internal,
        set_status=macro.set_status,
        set_priority=macro.set_priority,
    )
    if macro.is_active:
        _check_unique(macro.name, owner_id=macro.owner_id, team=macro.team, exclude=macro.pk)
    diff = timeline.changes_between(before, macro)
    if changes.get("add_tags") is not None:
        old = sorted(t.name for t in macro.add_tags.all())
        tags = _tags(changes["add_tags"])
        macro.add_tags.set(tags)
        if sorted(t.name for t in tags) != old:
            diff["add_tags"] = [old, sorted(t.name for t in tags)]
    if diff:
        macro.updated_at = timezone.now()
        macro.save(update_fields=[*_EDITABLE, "updated_at"])
        _record(macro, by=by, kind="updated", changes=diff)
    return macro


@transaction.atomic
def macro_retire(*, macro: Macro, by: User) -> Macro:
    """Take the macro out of use; it is kept (and its applications' history names it)."""
    macro = Macro.objects.select_for_update().get(pk=macro.pk)
    if not can_edit_macro(by, macro):
        raise Forbidden(NOT_ALLOWED)
    if macro.is_active:
        macro.is_active = False
        macro.updated_at = timezone.now()
        macro.save(update_fields=["is_active", "updated_at"])
        _record(macro, by=by, kind="deactivated", changes={"is_active": [True, False]})
    return macro


def _step(field: str, run: Callable[[], Any]) -> Any:
    """Run one step of an application; a refusal names the macro field that caused it."""
    try:
        return run()
    except Invalid:
        raise
    except ApplicationError as exc:
        exc.extra.setdefault("field", field)
        raise


@transaction.atomic
def macro_apply(
    *, case: Case, macro: Macro, by: User, text: str | None = None, version: int | None = None
) -> Case:
    """Apply the macro: its reply (or internal note), then its status, priority and tags, each
    through its own service, and one "macro applied" row. `text` is the reply as edited before
    sending (default: the macro's text); placeholders are filled in either way.

    A resolving macro's reply is the solution itself (case_resolve records and mails it), so it
    is not also posted as a comment. Any refusal writes nothing; the error names the field.
    """
    _gate(by)
    usable = Macro.objects.filter(_usable_scope(by), is_active=True, pk=macro.pk)
    if not usable.exists():
        raise NotFound(NOT_FOUND)
    # The case row only: PostgreSQL locks no nullable side of a join (the contact).
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and locked.version != version:
        raise Conflict(services.STALE, extra={"version": locked.version, "field": "version"})
    if text is not None and "\x00" in text:
        raise Invalid(NUL_REFUSED, field="text")
    reply = render_text(macro.body if text is None else text, case=locked, by=by)
    status = macro.set_status
    if status != Status.RESOLVED:
        _step(
            "text",
            lambda: services.case_comment(case=locked, by=by, text=reply, internal=macro.internal),
        )
    if status:
        # The status step's own row names the macro; a resolution carries the reply itself.
        step_text = reply if status == Status.RESOLVED else macro.name
        _step("set_status", lambda: _STATUS_SERVICES[status](case=locked, by=by, text=step_text))
    if macro.set_priority:
        _step(
            "set_priority",
            lambda: services.case_change_priority(case=locked, by=by, priority=macro.set_priority),
        )
    tags = [t.name for t in macro.add_tags.all()]
    if tags:
        # The tags' own service: it checks who may tag and records the TAGGED row.
        _step("add_tags", lambda: case_add_tags(case=locked, by=by, names=tags))
    now = timezone.now()
    timeline.record(
        subject=locked,
        kind=ActivityKind.MACRO,
        actor=by,
        at=now,
        text=macro.name,
        internal=True,  # macros are the staff's tool
        data={"macro": macro.pk, "name": macro.name},
        customer_id=locked.customer_id,
    )
    return Case.objects.get(pk=locked.pk)
