"""Which models are timeline subjects, and the labels of their activity kinds.

Filled by each app's AppConfig.ready (the dependency-inversion pattern of
registry.lookup.register_section), so floor 1 never imports the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

# Kinds any subject may use; an app's own labels take precedence for its subjects.
GENERIC_KINDS: dict[str, str] = {
    "created": _("Created"),
    "updated": _("Details changed"),
    "deactivated": _("Deactivated"),
    "reactivated": _("Reactivated"),
    "renewed": _("Renewed"),
    "comment": _("Comment"),
    "notice": _("Notice"),
}


@dataclass
class Subject:
    name: str
    customer_of: Callable[[models.Model], int | None]
    kinds: dict[str, str] = field(default_factory=dict)
    model: type[models.Model] | None = None

    def label(self) -> str:
        return str(self.model._meta.verbose_name) if self.model else self.name

    def field_label(self, name: str) -> str:
        try:
            return str(self.model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        except (AttributeError, LookupError):
            return name


_BY_NAME: dict[str, Subject] = {}
_BY_MODEL: dict[type[models.Model], Subject] = {}


def _customer_id_attr(obj: models.Model) -> int | None:
    return getattr(obj, "customer_id", None)


def register_subject(
    model: type[models.Model],
    name: str,
    *,
    kinds: Iterable[tuple[str, str]] = (),
    customer_of: Callable[[models.Model], int | None] | None = None,
) -> None:
    """Make `model`'s rows timeline subjects called `name`; `kinds` are (value, label) pairs.

    `customer_of` gives the customer a row belongs to (default: its `customer_id`).
    """
    subject = _BY_NAME.get(name) or Subject(name, customer_of or _customer_id_attr)
    if customer_of:
        subject.customer_of = customer_of
    subject.kinds.update(dict(kinds))
    subject.model = subject.model or model
    _BY_NAME[name] = subject
    _BY_MODEL[model] = subject


def subject_of(obj: models.Model) -> Subject:
    try:
        return _BY_MODEL[type(obj)]
    except KeyError:
        raise LookupError(f"{type(obj).__name__} is not a registered timeline subject") from None


def subject_kind_of(obj: models.Model) -> str:
    return subject_of(obj).name


def subject_label(subject_kind: str) -> str:
    subject = _BY_NAME.get(subject_kind)
    return subject.label() if subject else subject_kind


def changes_labelled(subject_kind: str, changes: dict) -> list[tuple[str, object, object]]:
    """(field label, old, new) for each change, labels in the reader's language."""
    subject = _BY_NAME.get(subject_kind)
    return [
        (subject.field_label(name) if subject else name, *pair)
        for name, pair in changes.items()
        if isinstance(pair, (list, tuple)) and len(pair) == 2
    ]


def kind_label(subject_kind: str, kind: str) -> str:
    subject = _BY_NAME.get(subject_kind)
    if subject and kind in subject.kinds:
        return str(subject.kinds[kind])
    return str(GENERIC_KINDS.get(kind, kind))
