"""Knowledge base test data; append only, one section per feature."""

from __future__ import annotations

# --- articles: categories, articles, resolved cases ---


def category_tree(line: str = "交换机", module: str = "硬件", topic: str = "电源"):
    """A product line > module > topic chain; returns the topic."""
    from aftersales.kb.models import Category, CategoryLevel

    root, _ = Category.objects.get_or_create(
        name=line, parent=None, defaults={"level": CategoryLevel.PRODUCT_LINE}
    )
    mid, _ = Category.objects.get_or_create(
        name=module, parent=root, defaults={"level": CategoryLevel.MODULE}
    )
    leaf, _ = Category.objects.get_or_create(
        name=topic, parent=mid, defaults={"level": CategoryLevel.TOPIC}
    )
    return leaf


def writer(username: str = "kb_writer"):
    """An engineer: writes articles, cannot publish them."""
    from tests import factories

    return factories.staff_user(username, role="engineer")


def publisher(username: str = "kb_expert"):
    """An expert: reviews and publishes articles."""
    from tests import factories

    return factories.staff_user(username, role="expert")


def article(by, *, title="交换机电源模块告警的处理", body="## 现象\n\n电源灯红色闪烁。", **fields):
    """An article written through the service (a draft unless published=True)."""
    from aftersales.kb import articles

    fields.setdefault("category", category_tree())
    return articles.article_create(by=by, title=title, body=body, **fields)


def public_article(by, **fields):
    """A published public article (`by` must be a publisher)."""
    return article(by, published=True, **fields)


def resolved_case(
    by,
    customer,
    *,
    title="核心交换机电源故障",
    resolution="更换电源模块后恢复。",
    symptom="电源模块风扇停转",
):
    """A resolved case of `customer` with its fault and solution filled in."""
    from django.utils import timezone

    from aftersales.cases import services
    from aftersales.cases.models import Case

    case = services.case_create(
        by=by,
        customer=customer,
        title=title,
        priority="P3",
        case_type="fault",
        channel="phone",
        description="机房巡检发现交换机电源告警。",
    )
    Case.objects.filter(pk=case.pk).update(
        status="resolved",
        fault_symptom=symptom,
        resolution=resolution,
        resolved_at=timezone.now(),
    )
    case.refresh_from_db()
    return case


def article_fillers(owner, case) -> dict:
    """The isolation sweep's path values: an internal draft article with a file, of `owner`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.kb import articles

    draft = article(owner, title="甲方机密SWP 内部草稿")
    attachment = articles.attachment_add(
        article=draft,
        by=owner,
        file=SimpleUploadedFile("readme.txt", "甲方机密SWP".encode(), content_type="text/plain"),
    )
    return {
        "articles/article_id": draft.pk,  # /api/v1/kb/articles/{article_id}
        "attachments/attachment_id": attachment.pk,
        "articles/pk": draft.pk,  # /kb/articles/<pk>/
        "from-case/number": case.number,  # /kb/articles/from-case/<number>/
        "kb/pk": draft.pk,  # /portal/kb/<pk>/: a draft is no customer's to read or rate
        "reply/number": case.number,  # /kb/reply/<number>/: send an article as the case's reply
    }


# --- search: articles written straight to the table, then indexed ---


def indexed_article(
    title: str,
    body: str = "",
    *,
    status="published",
    visibility="public",
    category=None,
    at=None,
    **fields,
):
    """An article as given (published and public by default), written to the table and indexed
    through kb.index (the articles services are tested on their own)."""
    from django.utils import timezone

    from aftersales.kb import index
    from aftersales.kb.models import Article

    at = at or timezone.now()
    row = Article.objects.create(
        title=title,
        body=body,
        status=status,
        visibility=visibility,
        category=category or category_tree(),
        published_at=at if status == "published" else None,
        created_at=at,
        updated_at=at,
        **fields,
    )
    index.index_article(row)
    return row


def reindex_fillers(by) -> dict:
    """The isolation sweep's path values for the rebuild pages: a finished job."""
    from django.utils import timezone

    from aftersales.kb.models import ReindexJob

    job = ReindexJob.objects.create(requested_by=by, status="done", created_at=timezone.now())
    return {"reindex/job_id": job.pk}  # /kb/reindex/<job_id>/ and /api/v1/kb/reindex/{job_id}


def clear_lexicon() -> None:
    """No synonyms and no dictionary words (migration 0002 seeds some): a search test then
    states the words it relies on."""
    from aftersales.kb.models import DictionaryWord, SynonymSet

    SynonymSet.objects.all().delete()
    DictionaryWord.objects.all().delete()
