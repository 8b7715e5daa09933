"""A module's numbered subject (an RMA, a return, a repair order) as the engine sees it.

Every such kind keeps its promises on one calendar, names itself by its number, writes its
notices on its own timeline and tells people through escalation steps in the same words. The
module declares what differs (targets, calendar, recipients, texts) in one `NumberedSubject`;
the engine's hooks and the promise calls come from here, so no module writes them again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.core import timeline
from aftersales.sla import clockwork
from aftersales.sla.calendar import CompiledCalendar
from aftersales.sla.escalation import Step, Writes
from aftersales.sla.models import Promise
from aftersales.sla.promises import promise_state
from aftersales.sla.subjects import SubjectKind, register_kind

Recipients = Callable[[Any], list]


def is_late(promise: Promise | None) -> bool | None:
    """Whether the promise was broken (None while it has not been made)."""
    if promise is None:
        return None
    return promise.breached_at is not None or promise.met is False


def local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


@dataclass(frozen=True)
class Message:
    """What a ladder step sends (gettext_noop'd, formatted with number, customer, target and
    due) and the note it leaves on the subject's timeline (formatted with the rule's name)."""

    kind: str
    subject: str
    body: str
    note: str


@dataclass(frozen=True)
class NumberedSubject:
    kind: str
    model: type[models.Model]
    calendar_code: str
    notice_kind: str
    # The detail page's URL name, reversed with the number (or the pk when by_pk).
    url_name: str
    target_labels: dict[str, str]
    # The breach note, gettext_noop'd: "RMA: %(target)s missed (due %(due)s)."
    breach_text: str
    is_active: Callable[[Any], bool] = lambda obj: True
    view_perm: str = ""
    by_pk: bool = False
    # The model keeps the earliest running due moment in `next_due_at` (its queue's order).
    tracks_next_due: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    # --- promises ------------------------------------------------------------------------------

    def calendar(self) -> CompiledCalendar:
        return clockwork.calendar_for(self.calendar_code)

    def target_label(self, target: str) -> str:
        return _(self.target_labels.get(target, target))

    def promises_of(self, obj: Any) -> list[Promise]:
        return clockwork.promises_of(self.kind, obj.pk)

    def sync(self, obj: Any, promises: Sequence[Promise]) -> None:
        """Copy the earliest running due moment onto the subject (its queue's order)."""
        if not self.tracks_next_due:
            return
        obj.next_due_at = min(
            (p.due_at for p in promises if p.running_since is not None and p.due_at is not None),
            default=None,
        )
        type(obj).objects.filter(pk=obj.pk).update(next_due_at=obj.next_due_at)

    def start(
        self,
        obj: Any,
        target: str,
        *,
        rule: str,
        minutes: int,
        at: dt.datetime,
        contract_id: int | None = None,
    ) -> Promise:
        """Make the promise `target` from `at` by the engine's `rule` and start it."""
        cal = self.calendar()
        promise = clockwork.new_promise(
            kind=self.kind,
            target=target,
            minutes=minutes,
            now=at,
            cal=cal,
            rule=rule,
            customer_id=obj.customer_id,
            contract_id=contract_id,
        )
        clockwork.start([promise], subject_id=obj.pk, cal=cal)
        self.sync(obj, self.promises_of(obj))
        return promise

    def complete(self, obj: Any, target: str, at: dt.datetime) -> Promise | None:
        """The step of `target` was taken at `at`: its promise is met or missed."""
        promises = self.promises_of(obj)
        clockwork.complete(
            promises, [target], cal=self.calendar(), now=at, active=self.is_active(obj)
        )
        self.sync(obj, promises)
        return next((p for p in promises if p.target == target), None)

    def promise_rows(self, obj: Any, now: dt.datetime) -> list[dict]:
        """The subject's promises as its API shows them, in the order of `target_labels`."""
        order = list(self.target_labels)
        rows = sorted(
            self.promises_of(obj),
            key=lambda p: (order.index(p.target) if p.target in order else len(order), p.pk),
        )
        return [
            {
                "target": p.target,
                "label": self.target_label(p.target),
                "due_at": p.due_at,
                "state": promise_state(p, now),
                "completed_at": p.completed_at,
                "late": is_late(p),
            }
            for p in rows
        ]

    def stop(self, obj: Any, at: dt.datetime) -> None:
        """Nothing more is owed: every running promise stops."""
        promises = self.promises_of(obj)
        clockwork.stop(promises, cal=self.calendar(), now=at, active=False)
        self.sync(obj, promises)

    # --- the engine's hooks --------------------------------------------------------------------

    def load(self, ids: Sequence[int]) -> dict[int, Any]:
        return {o.pk: o for o in self.model.objects.filter(pk__in=ids).select_related("customer")}

    def labels(self, ids: Sequence[int]) -> dict[int, str]:
        return dict(self.model.objects.filter(pk__in=ids).values_list("pk", "number"))

    def urls(self, ids: Sequence[int]) -> dict[int, str]:
        if self.by_pk:
            return {pk: reverse(self.url_name, args=[pk]) for pk in ids}
        numbers = self.model.objects.filter(pk__in=ids).values_list("pk", "number")
        return {pk: reverse(self.url_name, args=[number]) for pk, number in numbers}

    def url(self, subject_id: int) -> str:
        return self.urls([subject_id]).get(subject_id, "")

    def notice(self, obj: Any, *, at: dt.datetime, text: str, data: dict) -> timeline.Activity:
        """An unsaved internal notice on the subject's timeline (the sweep writes them at once)."""
        return timeline.entry(
            subject_kind=self.kind,
            subject_id=obj.pk,
            customer_id=obj.customer_id,
            at=at,
            kind=self.notice_kind,
            internal=True,
            text=text,
            data=data,
        )

    def note(self, subject_id: int, *, at: dt.datetime, actor: Any, text: str, data: dict) -> None:
        timeline.record(
            subject_kind=self.kind,
            subject_id=subject_id,
            at=at,
            actor=actor,
            kind=self.notice_kind,
            internal=True,
            text=text,
            data=data,
        )

    def breached(self, obj: Any, promise: Promise, now: dt.datetime, writes: Writes) -> None:
        text = _(self.breach_text) % {
            "target": self.target_label(promise.target),
            "due": local(promise.due_at),
        }
        writes.add(self.notice(obj, at=now, text=text, data={"sla_breach": promise.target}))

    # --- the ladder's actions ------------------------------------------------------------------

    def _tell_all(self, step: Step, users: list, message: Message) -> list[int]:
        obj, told = step.subject, []
        names = {"number": obj.number, "customer": obj.customer.name}
        names["due"] = local(step.promise.due_at)
        for user in users:
            if user.pk in told:
                continue
            told.append(user.pk)
            with translation.override(user.language):
                names["target"] = self.target_label(step.promise.target)
                step.tell(
                    user,
                    kind=message.kind,
                    subject=_(message.subject) % names,
                    body=_(message.body) % names,
                    ref=(self.kind, obj.number),
                )
        step.writes.add(
            self.notice(
                obj,
                at=step.now,
                text=_(message.note) % {"rule": step.rule.name},
                data={"sla_rule": step.rule.pk, "late": step.late, "to": told},
            )
        )
        return told

    def reminder(self, recipients: Recipients, message: Message) -> Callable[[Step], int]:
        """A ladder's "remind" action: tell the subject's own people."""

        def remind(step: Step) -> int:
            told = self._tell_all(step, recipients(step.subject), message)
            return len(told) * len(step.rule.channels)

        return remind

    def escalation(self, recipients: Recipients, message: Message) -> Callable[[Step], int]:
        """A ladder's "notify managers" action: the rule's managers and the subject's people."""

        def notify_managers(step: Step) -> int:
            managers = [m for level in step.rule.levels for m in step.people.managers(level)]
            told = self._tell_all(step, managers + recipients(step.subject), message)
            return len(told) * len(step.rule.channels)

        return notify_managers

    def register(self, **hooks: Any) -> SubjectKind:
        """Register the kind with the engine (from the app's ready()); `hooks` adds the ladder's
        actions (remind=..., notify_managers=...) or overrides a default."""
        kind = SubjectKind(
            code=self.kind,
            load=self.load,
            is_active=self.is_active,
            labels=self.labels,
            url=self.url,
            urls=self.urls,
            view_perm=self.view_perm,
            name=str,
            target_label=self.target_label,
            breached=self.breached,
            note=self.note,
            **hooks,
        )
        register_kind(kind)
        return kind
