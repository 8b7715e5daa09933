"""Every write on a knowledge article: keyword-only, one transaction, its timeline row, and the
search index brought up to date in the same transaction.

The workflow: draft → review → published → retired (publishers may publish a draft at once and
return one in review to draft with a reason). Every edit saves an ArticleVersion and bumps
`version`. Nothing is hard-deleted: a retired article stays, hidden from readers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can
from aftersales.accounts.models import User
from aftersales.cases.models import Case, Status
from aftersales.cases.selectors import cases_for_user
from aftersales.cases.uploads import ATTACHMENT_TYPES, display_name
from aftersales.core import timeline
from aftersales.core.db import id_or_none
from aftersales.core.errors import Conflict, Forbidden, Invalid
from aftersales.core.schema_types import (
    MEDIUM_TEXT_MAX,
    SHORT_TEXT_MAX,
    checked_text,
    date_in_range,
)
from aftersales.core.uploads import check_upload
from aftersales.kb import access, index
from aftersales.kb.models import (
    Article,
    ArticleAttachment,
    ArticleCaseLink,
    ArticleEventKind,
    ArticleKind,
    ArticleRating,
    ArticleStatus,
    ArticleVersion,
    Category,
    Tag,
    Visibility,
)
from aftersales.kb.selectors import category_resolve, review_due
from aftersales.notify.models import Channel
from aftersales.notify.services import notify_enqueue
from aftersales.registry.models import ProductModel

BODY_MAX = 50_000
TAGS_MAX = 20
MODELS_MAX = 50
ATTACHMENTS_MAX = 30

UNKNOWN_KIND = _("Unknown article type.")
UNKNOWN_VISIBILITY = _("Choose internal or public.")
UNKNOWN_MODEL = _("Unknown product model: %(name)s.")
TOO_MANY = _("At most %(max)s.")
TAG_TOO_LONG = _("A tag has at most %(max)s characters.")
BAD_REVIEW_DATE = _("Enter a date between 1900-01-01 and 2999-12-31.")
UNKNOWN_CASE = _("Unknown case.")
CASE_NOT_RESOLVED = _("Only a resolved case becomes an article.")
NO_CATEGORY = _("Create a category first.")
TOO_MANY_ATTACHMENTS = _("An article keeps at most %(max)s files.")
FILE_TYPE_NOT_ALLOWED = _("Accepted files: PDF, PNG, JPG, DOCX, XLSX, TXT or ZIP.")
PUBLISH_NEEDS_RIGHT = _("Publishing needs the right to publish articles.")
# The sections of an article made from a case (问题 / 原因 / 解决方案): Chinese in the article
# itself, as the knowledge base is written in Chinese whatever the writer's language.
SECTION_PROBLEM = "## 问题"
SECTION_CAUSE = "## 原因"
SECTION_SOLUTION = "## 解决方案"

# The attachments an article takes: documents and screenshots, sniffed as the cases' are.
TYPES = {
    ext: ATTACHMENT_TYPES[ext]
    for ext in ("pdf", "png", "jpg", "jpeg", "docx", "xlsx", "txt", "zip")
}


class _Unset:
    pass


UNSET: Any = _Unset()


# --- checks (all run before anything is written) ---


def _title(value: Any) -> str:
    return checked_text(value, field="title", limit=SHORT_TEXT_MAX, required=True)


def _body(value: Any) -> str:
    return checked_text(value, field="body", limit=BODY_MAX, required=True)


def _kind(value: Any) -> str:
    if value not in ArticleKind.values:
        raise Invalid(UNKNOWN_KIND, field="kind")
    return value


def _visibility(value: Any) -> str:
    if value not in Visibility.values:
        raise Invalid(UNKNOWN_VISIBILITY, field="visibility")
    return value


def _review_by(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise Invalid(BAD_REVIEW_DATE, field="review_by") from None
    if not isinstance(value, dt.date) or not date_in_range(value):
        raise Invalid(BAD_REVIEW_DATE, field="review_by")
    return value


def _tag_names(values: Iterable[Any]) -> list[str]:
    names: list[str] = []
    for value in values:
        name = checked_text(value, field="tags", limit=SHORT_TEXT_MAX).casefold()
        if len(name) > 40:
            raise Invalid(TAG_TOO_LONG % {"max": 40}, field="tags")
        if name and name not in names:
            names.append(name)
    if len(names) > TAGS_MAX:
        raise Invalid(TOO_MANY % {"max": TAGS_MAX}, field="tags")
    return names


def _models(values: Iterable[Any]) -> list[ProductModel]:
    """Product models named by id or by name (a name two vendors share needs the id)."""
    found: list[ProductModel] = []
    values = list(values)
    if len(values) > MODELS_MAX:
        raise Invalid(TOO_MANY % {"max": MODELS_MAX}, field="product_models")
    for value in values:
        text = checked_text(value, field="product_models", limit=SHORT_TEXT_MAX)
        pk = id_or_none(text)
        rows = list(
            ProductModel.objects.filter(pk=pk) if pk else ProductModel.objects.filter(name=text)[:2]
        )
        if len(rows) != 1:
            raise Invalid(UNKNOWN_MODEL % {"name": text}, field="product_models")
        if rows[0] not in found:
            found.append(rows[0])
    return found


def _set_tags(article: Article, names: list[str]) -> None:
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    article.tags.set(tags)


def _record(article: Article, by: Any, kind: str, text: str = "", **data: Any) -> None:
    timeline.record(subject=article, kind=kind, actor=by, text=text, data=data)


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update().select_related("category").get(pk=article.pk)


def _save_version(article: Article, by: Any, note: str, now: dt.datetime) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        body=article.body,
        note=note,
        edited_by=by if getattr(by, "pk", None) else None,
        created_at=now,
    )


# --- writing ---


def article_create(
    *,
    by: User,
    title: str,
    body: str,
    category: Any,
    kind: str = ArticleKind.FAQ,
    product_line: str = "",
    product_models: Iterable[Any] = (),
    tags: Iterable[Any] = (),
    visibility: str | None = None,
    review_by: Any = None,
    published: bool = False,
    source_case: Case | None = None,
    note: str = "",
) -> Article:
    """Write a new article (version 1) as a draft, or published at once by a publisher;
    published through this call it is public unless `visibility` says internal."""
    access.can_create.enforce_who(by, None)
    if published and not can(by, access.PUBLISH):
        raise Forbidden(PUBLISH_NEEDS_RIGHT)
    title, body = _title(title), _body(body)
    found_category = category if isinstance(category, Category) else category_resolve(category)
    kind = _kind(kind)
    if visibility in (None, ""):
        visibility = Visibility.PUBLIC if published else Visibility.INTERNAL
    visibility = _visibility(visibility)
    product_line = checked_text(product_line, field="product_line", limit=120)
    models = _models(product_models)
    tag_names = _tag_names(tags)
    review_day = _review_by(review_by)
    note = checked_text(note, field="note", limit=SHORT_TEXT_MAX)
    now = timezone.now()
    with transaction.atomic():
        article = Article.objects.create(
            title=title,
            body=body,
            kind=kind,
            category=found_category,
            product_line=product_line or _line_of(found_category),
            visibility=visibility,
            status=ArticleStatus.PUBLISHED if published else ArticleStatus.DRAFT,
            published_at=now if published else None,
            owner=by,
            review_by=review_day,
            source_case=source_case,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        _save_version(article, by, note, now)
        article.product_models.set(models)
        _set_tags(article, tag_names)
        _record(article, by, ArticleEventKind.CREATED, title, version=1)
        if source_case is not None:
            ArticleCaseLink.objects.create(
                article=article, case=source_case, linked_by=by, created_at=now
            )
        if published:
            _record(article, by, ArticleEventKind.PUBLISHED, visibility=visibility)
        index.index_article(article)
    return article


def _line_of(category: Category) -> str:
    """The product line a category sits under (its root's name)."""
    node = category
    while node.parent_id is not None:
        node = node.parent
    return node.name[:120]


def article_edit(
    *,
    article: Article,
    by: User,
    title: Any = UNSET,
    body: Any = UNSET,
    category: Any = UNSET,
    kind: Any = UNSET,
    product_line: Any = UNSET,
    product_models: Any = UNSET,
    tags: Any = UNSET,
    visibility: Any = UNSET,
    review_by: Any = UNSET,
    note: str = "",
) -> Article:
    """Change what is given and save the text as a new version (version + 1, with its note).

    Making a published article public or internal takes the right to publish.
    """
    access.can_edit.enforce_who(by, article)
    changes: dict[str, Any] = {}
    if title is not UNSET:
        changes["title"] = _title(title)
    if body is not UNSET:
        changes["body"] = _body(body)
    if category is not UNSET:
        changes["category"] = category_resolve(category)
    if kind is not UNSET:
        changes["kind"] = _kind(kind)
    if product_line is not UNSET:
        changes["product_line"] = checked_text(product_line, field="product_line", limit=120)
    if visibility is not UNSET:
        changes["visibility"] = _visibility(visibility)
    if review_by is not UNSET:
        changes["review_by"] = _review_by(review_by)
    models = _models(product_models) if product_models is not UNSET else None
    tag_names = _tag_names(tags) if tags is not UNSET else None
    note = checked_text(note, field="note", limit=SHORT_TEXT_MAX)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(article)
        access.can_edit.enforce(by, locked)
        if (
            changes.get("visibility", locked.visibility) != locked.visibility
            and locked.status == ArticleStatus.PUBLISHED
            and not can(by, access.PUBLISH)
        ):
            raise Forbidden(NOT_ALLOWED)
        changed = {}
        for name, value in changes.items():
            old = getattr(locked, name)
            if old != value:
                changed[name] = [_plain(old), _plain(value)]
            setattr(locked, name, value)
        if "review_by" in changed:
            locked.review_reminded_on = None
        locked.version += 1
        locked.updated_at = now
        locked.save()
        _save_version(locked, by, note, now)
        if models is not None:
            locked.product_models.set(models)
        if tag_names is not None:
            _set_tags(locked, tag_names)
        timeline.record(
            subject=locked,
            kind=ArticleEventKind.EDITED,
            actor=by,
            text=note,
            changes={k: v for k, v in changed.items() if k not in ("body",)},
            data={"version": locked.version},
        )
        index.index_article(locked)
    return locked


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Category):
        return value.pk
    return value


def _step(
    article: Article,
    *,
    by: User,
    predicate: Any,
    status: str,
    kind: str,
    text: str = "",
    more: Any = None,
) -> Article:
    predicate.enforce_who(by, article)
    with transaction.atomic():
        locked = _lock(article)
        predicate.enforce(by, locked)
        previous = locked.status
        now = timezone.now()
        locked.status = status
        locked.updated_at = now
        if more is not None:
            more(locked, now)
        locked.save()
        timeline.record(
            subject=locked,
            kind=kind,
            actor=by,
            text=text,
            changes={"status": [previous, status]},
        )
        index.index_article(locked)
    return locked


def article_submit(*, article: Article, by: User) -> Article:
    """Send a draft for review."""
    return _step(
        article,
        by=by,
        predicate=access.can_submit,
        status=ArticleStatus.REVIEW,
        kind=ArticleEventKind.SUBMITTED,
    )


def article_publish(*, article: Article, by: User) -> Article:
    """Publish an article in review (or a draft at once)."""

    def stamp(locked: Article, now: dt.datetime) -> None:
        locked.published_at = now

    return _step(
        article,
        by=by,
        predicate=access.can_publish,
        status=ArticleStatus.PUBLISHED,
        kind=ArticleEventKind.PUBLISHED,
        more=stamp,
    )


def article_return(*, article: Article, by: User, reason: str) -> Article:
    """Return an article in review to its writer, saying why."""
    access.can_return.enforce_who(by, article)
    reason = checked_text(reason, field="reason", limit=MEDIUM_TEXT_MAX, required=True)
    return _step(
        article,
        by=by,
        predicate=access.can_return,
        status=ArticleStatus.DRAFT,
        kind=ArticleEventKind.RETURNED,
        text=reason,
    )


def article_retire(*, article: Article, by: User, reason: str = "") -> Article:
    """Take an article out of use; it stays, readable by publishers only."""
    access.can_retire.enforce_who(by, article)
    reason = checked_text(reason, field="reason", limit=MEDIUM_TEXT_MAX)

    def stamp(locked: Article, now: dt.datetime) -> None:
        locked.retired_at = now

    return _step(
        article,
        by=by,
        predicate=access.can_retire,
        status=ArticleStatus.RETIRED,
        kind=ArticleEventKind.RETIRED,
        text=reason,
        more=stamp,
    )


def article_rate(*, article: Article, by: User, helped: bool) -> Article:
    """Record the reader's "helped / did not help" (one per reader; a change moves the count)."""
    access.can_rate.enforce(by, article)
    if not isinstance(helped, bool):
        raise Invalid(UNKNOWN_KIND, field="helped")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(article)
        access.can_rate.enforce(by, locked)
        rating = ArticleRating.objects.select_for_update().filter(article=locked, user=by).first()
        if rating is not None and rating.helped == helped:
            return locked
        if rating is None:
            ArticleRating.objects.create(
                article=locked, user=by, helped=helped, created_at=now, updated_at=now
            )
        else:
            rating.helped, rating.updated_at = helped, now
            rating.save(update_fields=["helped", "updated_at"])
            if rating.helped:
                locked.not_helped_count = max(0, locked.not_helped_count - 1)
            else:
                locked.helped_count = max(0, locked.helped_count - 1)
        if helped:
            locked.helped_count += 1
        else:
            locked.not_helped_count += 1
        locked.save(update_fields=["helped_count", "not_helped_count"])
        timeline.record(
            subject=locked,
            kind=ArticleEventKind.RATED,
            actor=by,
            internal=True,
            data={"helped": helped},
        )
        index.index_article(locked)
    return locked


@transaction.atomic
def attachment_add(*, article: Article, by: User, file: Any) -> ArticleAttachment:
    """Keep a file (PDF, picture, Office document, text, zip) under MEDIA_ROOT/kb/<id>/."""
    access.can_attach.enforce_who(by, article)
    ext, content_type = check_upload(
        file, types=TYPES, not_allowed=FILE_TYPE_NOT_ALLOWED, field="file"
    )
    locked = _lock(article)
    access.can_attach.enforce(by, locked)
    if locked.attachments.filter(removed_at=None).count() >= ATTACHMENTS_MAX:
        raise Invalid(TOO_MANY_ATTACHMENTS % {"max": ATTACHMENTS_MAX}, field="file")
    now = timezone.now()
    attachment = ArticleAttachment(
        article=locked,
        name=display_name(file),
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
        created_at=now,
    )
    # The client's file name never reaches the disk: paths stay ours.
    attachment.file.save(f"{uuid.uuid4().hex}.{ext}", file, save=False)
    attachment.save()
    locked.updated_at = now
    locked.save(update_fields=["updated_at"])
    _record(locked, by, ArticleEventKind.ATTACHED, attachment.name, attachment=attachment.pk)
    index.index_article(locked)
    return attachment


def _case(by: User, number: Any) -> Case:
    text = checked_text(number, field="case", limit=32, required=True)
    case = cases_for_user(by).filter(number=text).first()
    if case is None:
        raise Invalid(UNKNOWN_CASE, field="case")
    return case


def article_link_case(*, article: Article, by: User, case: Any) -> ArticleCaseLink:
    """Link the article to a case it answers (linking twice keeps the one link)."""
    access.can_link.enforce_who(by, article)
    found = case if isinstance(case, Case) else _case(by, case)
    with transaction.atomic():
        locked = _lock(article)
        access.can_link.enforce(by, locked)
        existing = ArticleCaseLink.objects.filter(article=locked, case=found).first()
        if existing is not None:
            return existing
        link = ArticleCaseLink.objects.create(
            article=locked, case=found, linked_by=by, created_at=timezone.now()
        )
        _record(locked, by, ArticleEventKind.LINKED, found.number, case=found.number)
        index.index_article(locked)
    return link


def case_article_body(case: Case) -> str:
    """问题 / 原因 / 解决方案 prefilled from a case's title, description, fault and solution."""
    problem = "\n\n".join(part for part in (case.title, case.description) if part.strip())
    cause = case.fault_symptom.strip()
    return "\n\n".join(
        [
            SECTION_PROBLEM,
            problem.strip() or "-",
            SECTION_CAUSE,
            cause or "-",
            SECTION_SOLUTION,
            case.resolution.strip() or "-",
        ]
    )


def _category_for_case(case: Case) -> Category:
    """The root category of the case's product line, else the first root category."""
    roots = Category.objects.filter(parent=None, retired=False).order_by("position", "name")
    line = case.product_model.product_line if case.product_model_id else ""
    found = (roots.filter(name=line).first() if line else None) or roots.first()
    if found is None:
        raise Invalid(NO_CATEGORY, field="category")
    return found


def article_from_case(*, by: User, case: Any, category: Any = None) -> Article:
    """Turn a resolved (or closed) case into a draft troubleshooting article, linked to it."""
    access.can_create.enforce_who(by, None)
    found = case if isinstance(case, Case) else _case(by, case)
    if found.status not in (Status.RESOLVED, Status.CLOSED):
        raise Conflict(CASE_NOT_RESOLVED, extra={"status": found.status})
    chosen = category_resolve(category) if category not in (None, "") else None
    return article_create(
        by=by,
        title=found.title,
        body=case_article_body(found),
        category=chosen or _category_for_case(found),
        kind=ArticleKind.TROUBLESHOOTING,
        product_line=found.product_model.product_line if found.product_model_id else "",
        product_models=[found.product_model_id] if found.product_model_id else [],
        source_case=found,
        note=found.number,
    )


# --- review-by reminders ---

REVIEW_SUBJECT = _("Article due for review: %(title)s")
REVIEW_BODY = _(
    "The article “%(title)s” was to be reviewed by %(day)s. Check that it is still right, "
    "then edit it and set the next review date: %(url)s"
)


def review_reminders_send(*, today: dt.date | None = None) -> int:
    """Tell each owner once a day about their published articles whose review-by date has
    come; returns how many reminders went out. Safe to run twice (a dedupe key per day)."""
    today = today or timezone.localdate()
    sent = 0
    for article_id in list(review_due(today).values_list("pk", flat=True)):
        with transaction.atomic():
            locked = review_due(today).select_for_update(of=("self",)).filter(pk=article_id).first()
            if locked is None:  # another worker got there first, or it changed meanwhile
                continue
            names = {
                "title": locked.title,
                "day": locked.review_by.isoformat(),
                "url": reverse("kb:article_detail", args=[locked.pk]),
            }
            notify_enqueue(
                channel=Channel.EMAIL,
                to_user=locked.owner,
                subject=gettext(str(REVIEW_SUBJECT)) % names,
                body=gettext(str(REVIEW_BODY)) % names,
                kind="kb.review_due",
                ref_type="article",
                ref_id=str(locked.pk),
                dedupe_key=f"kb.review_due:{locked.pk}:{today:%Y%m%d}",
            )
            locked.review_reminded_on = today
            locked.save(update_fields=["review_reminded_on"])
            timeline.record(
                subject=locked,
                kind=ArticleEventKind.REVIEW_DUE,
                text=names["day"],
                internal=True,
            )
            sent += 1
    return sent
