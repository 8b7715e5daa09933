"""Tags on cases: coin a tag, set or add a case's tags (staff only, recorded as internal rows)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases import organize
from aftersales.cases.models import ActivityKind, Case, Tag, TagColour
from aftersales.cases.services.common import NOT_ALLOWED, lock_case, record, save_case
from aftersales.core.errors import Conflict, Forbidden, Invalid

TAG_NAME_MAX = 40
TAGS_PER_CASE_MAX = 20
TAG_NAME_BAD = _("Name the tag in 1 to 40 characters.")
TAG_EXISTS = _("A tag with this name exists already.")
TAG_COLOUR_BAD = _("Choose one of the tag colours.")
TOO_MANY_TAGS = _("A case takes at most %(limit)s tags.")
NEW_TAG_NOT_ALLOWED = _("Pick existing tags only; unknown: %(names)s.")


def clean_tag_name(name: object, *, field: str = "name") -> str:
    """The trimmed name, or Invalid naming `field` (empty, too long, not text)."""
    value = name.strip() if isinstance(name, str) else ""
    if not value or len(value) > TAG_NAME_MAX:
        raise Invalid(TAG_NAME_BAD, field=field)
    return value


def _existing(names: Iterable[str]) -> dict[str, Tag]:
    """{lower-cased name: tag} of the tags whose names match, ignoring case."""
    wanted = {n.casefold() for n in names}
    if not wanted:
        return {}
    # Few tags exist (tens): comparing in Python is exact for any script, unlike iexact.
    return {t.name.casefold(): t for t in Tag.objects.all() if t.name.casefold() in wanted}


def _create(name: str) -> Tag:
    """Insert the tag in a savepoint; a same-named one inserted meanwhile is a Conflict."""
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:
        raise Conflict(TAG_EXISTS) from None


@transaction.atomic
def tag_create(*, by: User, name: str, colour: str = TagColour.GREY) -> Tag:
    """Coin a new tag (cases.add_tag); names are unique ignoring case (409 otherwise)."""
    if not organize.can_add_tag(by):
        raise Forbidden(NOT_ALLOWED)
    name = clean_tag_name(name)
    if colour not in TagColour.values:
        raise Invalid(TAG_COLOUR_BAD, field="colour")
    if _existing([name]):
        raise Conflict(TAG_EXISTS)
    tag = _create(name)
    if tag.colour != colour:
        tag.colour = colour
        tag.save(update_fields=["colour"])
    return tag


def _resolve(names: list[str], *, by: User) -> list[Tag]:
    """The tags named (trimmed, de-duplicated ignoring case); unknown names are coined for
    those who may (in the caller's transaction), else Invalid naming `tags`."""
    cleaned: dict[str, str] = {}
    for name in names:
        value = clean_tag_name(name, field="tags")
        cleaned.setdefault(value.casefold(), value)
    if len(cleaned) > TAGS_PER_CASE_MAX:
        raise Invalid(TOO_MANY_TAGS % {"limit": TAGS_PER_CASE_MAX}, field="tags")
    found = _existing(cleaned.values())
    unknown = [value for key, value in cleaned.items() if key not in found]
    if unknown and not organize.can_add_tag(by):
        raise Invalid(NEW_TAG_NOT_ALLOWED % {"names": ", ".join(unknown)}, field="tags")
    for value in unknown:
        found[value.casefold()] = _create(value)
    return [found[key] for key in cleaned]


def _change_tags(
    case: Case, *, by: User, version: int | None, change: Callable[[list[Tag]], list[Tag]]
) -> Case:
    """Lock the case, apply `change` to its tags and record the difference (internal row)."""
    if not organize.can_tag(by, case):
        raise Forbidden(NOT_ALLOWED)
    # "comment" is allowed in every state: tags sort closed cases too.
    case = lock_case(case, version=version, action="comment", by=by, may=organize.can_tag)
    before = list(case.tags.all())
    after = change(before)
    if len(after) > TAGS_PER_CASE_MAX:
        raise Invalid(TOO_MANY_TAGS % {"limit": TAGS_PER_CASE_MAX}, field="tags")
    old, new = {t.pk for t in before}, {t.pk for t in after}
    if old == new:
        return case
    now = timezone.now()
    case.tags.set(after)
    save_case(case, now)
    added = sorted(t.name for t in after if t.pk not in old)
    removed = sorted(t.name for t in before if t.pk not in new)
    text = " ".join([*(f"+{n}" for n in added), *(f"−{n}" for n in removed)])
    record(
        case,
        by=by,
        kind=ActivityKind.TAGGED,
        now=now,
        text=text,
        internal=True,  # tags are the staff's
        data={"added": added, "removed": removed},
        changes={"tags": [sorted(t.name for t in before), sorted(t.name for t in after)]},
    )
    return case


@transaction.atomic
def case_set_tags(*, case: Case, by: User, names: list[str], version: int | None = None) -> Case:
    """Make the case's tags exactly `names`; a new name needs cases.add_tag (422 `tags`)."""
    if not organize.can_tag(by, case):
        raise Forbidden(NOT_ALLOWED)
    tags = _resolve(names, by=by)
    return _change_tags(case, by=by, version=version, change=lambda _before: tags)


@transaction.atomic
def case_add_tags(*, case: Case, by: User, names: list[str], version: int | None = None) -> Case:
    """Add `names` to the case's tags, keeping the others (the queue's bulk "tag")."""
    if not organize.can_tag(by, case):
        raise Forbidden(NOT_ALLOWED)
    tags = _resolve(names, by=by)

    def add(before: list[Tag]) -> list[Tag]:
        have = {t.pk for t in before}
        return before + [t for t in tags if t.pk not in have]

    return _change_tags(case, by=by, version=version, change=add)


def tag_exists(name: str) -> bool:
    """Whether a tag has this name, ignoring case."""
    return bool(_existing([name]))
