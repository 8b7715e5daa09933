"""The knowledge base (知识库): articles with versions, the category tree, and the one search
index over articles and cases (documents, terms, postings), with its synonyms and dictionary."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CategoryLevel(models.TextChoices):
    PRODUCT_LINE = "product_line", _("Product line")
    MODULE = "module", _("Module")
    TOPIC = "topic", _("Topic")


class Category(models.Model):
    """A node of the category tree: product line, then module, then topic."""

    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.CharField(
        _("level"), max_length=20, choices=CategoryLevel.choices, default=CategoryLevel.TOPIC
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    retired = models.BooleanField(_("retired"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="kb_category_unique_name"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent=None), name="kb_category_unique_root_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ArticleKind(models.TextChoices):
    FAQ = "faq", _("FAQ")
    MANUAL = "manual", _("Manual")
    TROUBLESHOOTING = "troubleshooting", _("Troubleshooting guide")
    PATCH = "patch", _("Patch or upgrade note")
    WHITEPAPER = "whitepaper", _("White paper")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", pgettext_lazy("article status", "In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    PUBLIC = "public", _("Public")


class Tag(models.Model):
    """A free label on articles ("SFP", "割接"); names are unique, case-folded."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """A knowledge article; its text as it stands (each saved text is also an ArticleVersion)."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"))
    kind = models.CharField(
        _("type"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.FAQ
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    product_line = models.CharField(_("product line"), max_length=120, blank=True)
    product_models = models.ManyToManyField(
        "registry.ProductModel", verbose_name=_("product models"), blank=True, related_name="+"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_by = models.DateField(_("review by"), null=True, blank=True)
    # The last day a review reminder went out, so the daily task reminds once a day at most.
    review_reminded_on = models.DateField(_("review reminded on"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    source_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("from case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    helped_count = models.PositiveIntegerField(_("helped"), default=0)
    not_helped_count = models.PositiveIntegerField(_("did not help"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("publish_article", _("Can review and publish knowledge articles")),
            ("manage_search", _("Can edit synonyms and the dictionary, and rebuild the index")),
        ]
        indexes = [
            models.Index(fields=["status", "visibility"], name="kb_article_status_vis"),
            models.Index(fields=["category", "status"], name="kb_article_category"),
            models.Index(
                fields=["review_by"],
                name="kb_article_review_due",
                condition=Q(status="published"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.visibility == Visibility.PUBLIC


class ArticleVersion(models.Model):
    """One saved text of an article: the history and the diff read these."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"))
    note = models.CharField(_("change note"), max_length=200, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


def attachment_upload_to(instance: ArticleAttachment, filename: str) -> str:
    return f"kb/{instance.article_id}/{filename}"


class ArticleAttachment(models.Model):
    """A file attached to an article (a manual's PDF, a patch note's screenshot)."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_upload_to)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    # Nothing is hard-deleted: a removed attachment is only hidden.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["article", "created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ArticleRating(models.Model):
    """A reader's "helped / did not help"; one per reader and article, changeable."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    helped = models.BooleanField(_("helped"))
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("article rating")
        verbose_name_plural = _("article ratings")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="kb_rating_one_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.user_id} {self.helped}"


class ArticleCaseLink(models.Model):
    """An article that answers a case (linked by staff, or the case the article came from)."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="case_links")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("article link")
        verbose_name_plural = _("article links")
        constraints = [models.UniqueConstraint(fields=["article", "case"], name="kb_link_unique")]
        indexes = [models.Index(fields=["case"], name="kb_link_case")]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.case_id}"


class DeflectionKind(models.TextChoices):
    SHOWN = "shown", _("Articles shown")
    OPENED = "opened", _("Article opened")
    SOLVED = "solved", _("Solved without a case")
    SUBMITTED = "submitted", _("Case submitted anyway")


class Deflection(models.Model):
    """What happened while a customer typed a new case: articles shown, opened, solved."""

    kind = models.CharField(_("kind"), max_length=20, choices=DeflectionKind.choices)
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    query = models.CharField(_("query"), max_length=200, blank=True)
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")
        indexes = [models.Index(fields=["kind", "created_at"], name="kb_deflection_kind_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"


class ArticleEventKind(models.TextChoices):
    CREATED = "article_created", _("Article created")
    EDITED = "article_edited", _("Article edited")
    SUBMITTED = "article_submitted", _("Sent for review")
    PUBLISHED = "article_published", _("Published")
    RETURNED = "article_returned", _("Returned to draft")
    RETIRED = "article_retired", _("Retired")
    ATTACHED = "article_attached", _("File attached")
    LINKED = "article_linked", _("Linked to a case")
    REVIEW_DUE = "article_review_due", _("Review due")
    RATED = "article_rated", _("Rated")


# --- The search index ----------------------------------------------------------------------


class SynonymSet(models.Model):
    """Words a search treats as one (交换机, switch); admins add and edit them."""

    terms = models.CharField(
        _("terms"), max_length=500, help_text=_("Words that mean the same, separated by commas.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("synonyms")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return self.terms


class DictionaryWord(models.Model):
    """A word jieba must keep whole (a product name, a part number); admins extend the list."""

    word = models.CharField(_("word"), max_length=80, unique=True)
    weight = models.PositiveIntegerField(_("weight"), default=100)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["word"]
        verbose_name = _("dictionary word")
        verbose_name_plural = _("dictionary words")

    def __str__(self) -> str:
        return self.word


class DocumentKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    CASE = "case", pgettext_lazy("search result kind", "Case")


class SearchDocument(models.Model):
    """One indexed article or case; access and state are checked on the live row at query
    time, so only what ranking and filtering need is kept here."""

    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    object_id = models.BigIntegerField(_("object"))
    length = models.PositiveIntegerField(_("length in words"), default=0)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    article_kind = models.CharField(max_length=20, blank=True)
    product_line = models.CharField(max_length=120, blank=True)
    product_model = models.ForeignKey(
        "registry.ProductModel", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Articles: published and public; cases: never (customers reach cases through their scope).
    public = models.BooleanField(default=False)
    published = models.BooleanField(default=False)
    dated = models.DateTimeField(_("date"))
    indexed_at = models.DateTimeField(_("indexed at"))

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="kb_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SearchTerm(models.Model):
    """A word of the index with its document frequency; prefix and typo matching read the
    sorted unique words."""

    term = models.CharField(max_length=100, unique=True)
    df = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term


class Posting(models.Model):
    """A word in a document, with its precomputed BM25 weight (without the idf): a query
    reads each word's heaviest postings first, the same way on SQLite and PostgreSQL."""

    pk = models.CompositePrimaryKey("document", "term")
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(SearchTerm, on_delete=models.PROTECT, related_name="+")
    impact = models.FloatField()
    # The word is in the title: a title match outranks a body match of the same weight.
    in_title = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        indexes = [
            models.Index(
                "term", models.F("impact").desc(), "document", name="kb_posting_term_impact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.term_id}@{self.document_id}"


class ReindexStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", pgettext_lazy("job", "Failed")


class ReindexJob(models.Model):
    """Rebuilding the whole index, run by the worker; the page shows its progress."""

    status = models.CharField(
        _("status"), max_length=20, choices=ReindexStatus.choices, default=ReindexStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("documents"), default=0)
    processed = models.PositiveIntegerField(_("documents processed"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reindex job")
        verbose_name_plural = _("reindex jobs")

    def __str__(self) -> str:
        return f"{self.status} {self.processed}/{self.total}"
