"""What several registry services share: the field checks and the messages they raise."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.core.models import Activity

REQUIRED = _("This field is required.")
OTHER_CUSTOMERS_RECORD = _("This belongs to another customer.")
ACCEPTED_BEFORE_INSTALLED = _("Final acceptance cannot be before installation.")


def require(field: str, value: str) -> str:
    """The value stripped; blank is Invalid on `field`."""
    value = (value or "").strip()
    if not value:
        raise Invalid(REQUIRED, field=field)
    return value


def taken(qs: QuerySet, exclude: Model | None) -> bool:
    """Whether `qs` matches any row other than `exclude` (an unsaved `exclude` excludes none)."""
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exists()


def touch(obj: Model, fields: list[str]) -> None:
    """Save only `fields` and the modification time."""
    obj.save(update_fields=[*fields, "updated_at"])


def audit(
    obj: Model,
    *,
    by: Any,
    kind: str,
    before: dict[str, Any] | None = None,
    text: str = "",
    changes: dict | None = None,
) -> Activity:
    """The row's staff-only timeline entry, in the caller's transaction (rule 3).

    `before` is timeline.snapshot() of the fields an edit may change: changed ones are kept
    as {field: [old, new]}."""
    if before is not None:
        changes = {**timeline.changes_between(before, obj), **(changes or {})}
    return timeline.record(
        subject=obj, actor=by, kind=kind, text=text, changes=changes, internal=True
    )


def names(rows: Iterable[Any]) -> list[str]:
    """Sorted display names, as a history card shows a set of related rows."""
    return sorted(str(row) for row in rows)
