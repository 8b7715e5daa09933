"""Request and response shapes of the articles API (contract.md, "Knowledge base")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from aftersales.core.schema_types import (
    Date,
    MediumText,
    ShortText,
    StrictBool,
    choice_of,
)
from aftersales.kb.models import ArticleKind, ArticleStatus, Visibility

BODY_MAX = 50_000

Body = Annotated[str, StringConstraints(max_length=BODY_MAX)]
# A category by id, by its path from the root (交换机/硬件/电源) or by its unique name.
CategoryRef = int | Annotated[str, StringConstraints(max_length=400)]
CaseNumber = Annotated[str, StringConstraints(max_length=32)]
Names = Annotated[list[ShortText], Field(max_length=50)]


class KbArticleIn(Schema):
    title: ShortText
    body: Body
    category: CategoryRef
    product_line: str = Field("", max_length=120)
    published: StrictBool = False
    kind: choice_of(ArticleKind) = ArticleKind.FAQ  # type: ignore[valid-type]
    visibility: choice_of(Visibility, blank=True) = ""  # type: ignore[valid-type]
    product_models: Names = []
    tags: Names = []
    review_by: Date | None = None


class KbArticlePatchIn(Schema):
    title: ShortText | None = None
    body: Body | None = None
    category: CategoryRef | None = None
    product_line: str | None = Field(None, max_length=120)
    kind: choice_of(ArticleKind) | None = None  # type: ignore[valid-type]
    visibility: choice_of(Visibility) | None = None  # type: ignore[valid-type]
    product_models: Names | None = None
    tags: Names | None = None
    review_by: Date | None = None
    note: ShortText = ""


class KbReturnIn(Schema):
    reason: MediumText


class KbRetireIn(Schema):
    reason: MediumText = ""


class KbRateIn(Schema):
    helped: StrictBool


class KbCaseIn(Schema):
    case: CaseNumber


class KbFromCaseIn(Schema):
    case: CaseNumber
    category: CategoryRef | None = None


class KbCategoryOut(Schema):
    id: int
    name: str
    path: str


class KbAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    created_at: dt.datetime
    url: str


class KbArticleRow(Schema):
    id: int
    title: str
    kind: str
    status: choice_of(ArticleStatus)  # type: ignore[valid-type]
    visibility: str
    category: KbCategoryOut
    product_line: str
    version: int
    helped_count: int
    not_helped_count: int
    published_at: dt.datetime | None
    updated_at: dt.datetime


class KbArticleOut(KbArticleRow):
    body: str
    html: str
    product_models: list[str]
    tags: list[str]
    owner: str | None
    review_by: dt.date | None
    source_case: str | None
    retired_at: dt.datetime | None
    created_at: dt.datetime
    my_rating: bool | None
    allowed_actions: list[str]
    attachments: list[KbAttachmentOut]
    cases: list[str]


class KbArticlePage(Schema):
    items: list[KbArticleRow]
    count: int
    next: str | None = None


class KbVersionOut(Schema):
    number: int
    title: str
    body: str
    note: str
    edited_by: str | None
    created_at: dt.datetime


class KbVersionPage(Schema):
    items: list[KbVersionOut]


class KbDiffOut(Schema):
    lines: list[str]


class KbLinkOut(Schema):
    article: int
    case: str
    created_at: dt.datetime
