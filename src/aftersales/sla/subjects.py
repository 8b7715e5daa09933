"""Subject kinds registered with the promise engine (dependency inversion, architecture.md).

A module above the engine (cases, later rma, feedback, ...) registers one SubjectKind in its
AppConfig.ready(): how to load its subjects for a sweep batch, whether a subject still runs its
promises, how to remind, reassign and notify managers, how to name and link a subject, how to
record a note on it, and how to react when its promises' due moments change. The engine calls
these hooks and imports no app above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from aftersales.sla.escalation import Step, Writes
    from aftersales.sla.models import Promise


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _no_step(step: Step) -> int:
    return 0


@dataclass(frozen=True)
class SubjectKind:
    """What the engine needs to know about one kind of subject; every hook has a safe default."""

    code: str
    # {id: subject} for a sweep batch, related rows the steps need already loaded.
    load: Callable[[Sequence[int]], dict[int, Any]]
    # Whether the subject's promises still count (a closed case's do not).
    is_active: Callable[[Any], bool] = lambda subject: True
    # Human names and links for boards, penalty lines and messages: {id: text}.
    labels: Callable[[Sequence[int]], dict[int, str]] = lambda ids: {i: str(i) for i in ids}
    url: Callable[[int], str] = lambda subject_id: ""
    # Links of many subjects at once (boards list dozens): {id: url}; default asks url() per id.
    urls: Callable[[Sequence[int]], dict[int, str]] | None = None
    # Subjects assigned to any of these users, as a subquery of subject ids (the board's "mine"
    # and "my team"); None: the kind has no assignee, so its promises show only under "all".
    assigned_to: Callable[[Sequence[int]], QuerySet] | None = None
    # Who sees the kind's promises in lists: staff holding view_perm ("" = any staff member);
    # a customer contact their organisation's, unless contacts_see is False (complaints).
    view_perm: str = ""
    contacts_see: bool = True
    name: Callable[[Any], str] = str
    target_label: Callable[[str], str] = lambda target: target
    # Escalation actions: each returns the number of messages queued.
    remind: Callable[[Step], int] = _no_step
    reassign: Callable[[Step], int] = _no_step
    notify_managers: Callable[[Step], int] = _no_step
    # A promise's due moment passed unmet (the sweep recorded the breach).
    breached: Callable[[Any, Promise, dt.datetime, Writes], None] = _nothing
    # One audited note on the subject: note(subject_id, at=, actor=, text=, data=).
    note: Callable[..., None] = _nothing
    # The sweep changed these subjects' promises: keep any denormalised copy in step.
    changed: Callable[[list[Any], dict[int, list[Promise]]], None] = _nothing
    extra: dict[str, Any] = field(default_factory=dict)


_KINDS: dict[str, SubjectKind] = {}


def register_kind(kind: SubjectKind) -> None:
    """Register (or replace) a subject kind; apps call this from AppConfig.ready()."""
    _KINDS[kind.code] = kind


def unregister_kind(code: str) -> None:
    _KINDS.pop(code, None)


def kind_of(code: str) -> SubjectKind:
    """The registered kind; an unknown code gets a kind with no hooks, so nothing crashes."""
    kind = _KINDS.get(code)
    if kind is None:
        return SubjectKind(code=code, load=lambda ids: {i: i for i in ids})
    return kind


def kinds() -> tuple[str, ...]:
    return tuple(_KINDS)


def any_target_label(target: str) -> str:
    """A target's name when its kind is not known (a chart over every kind): the first kind
    that names it, else the code itself."""
    for kind in _KINDS.values():
        label = str(kind.target_label(target))
        if label and label != target:
            return label
    return target


def subject_labels(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Names of many subjects of any kinds, one call per kind."""
    by_kind: dict[str, list[int]] = {}
    for code, subject_id in pairs:
        by_kind.setdefault(code, []).append(subject_id)
    names: dict[tuple[str, int], str] = {}
    for code, ids in by_kind.items():
        for subject_id, text in kind_of(code).labels(sorted(set(ids))).items():
            names[(code, subject_id)] = text
    return names


def subject_urls(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Links to many subjects of any kinds, one call per kind ("" when the kind has none)."""
    by_kind: dict[str, list[int]] = {}
    for code, subject_id in pairs:
        by_kind.setdefault(code, []).append(subject_id)
    links: dict[tuple[str, int], str] = {}
    for code, ids in by_kind.items():
        kind = kind_of(code)
        unique = sorted(set(ids))
        found = kind.urls(unique) if kind.urls else {i: kind.url(i) for i in unique}
        for subject_id, link in found.items():
            links[(code, subject_id)] = link
    return links
