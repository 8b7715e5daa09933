"""Console pages of knowledge articles: the list, an article with its history and diff, the
writing form, the workflow's buttons, and "new article from a case"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core import timeline
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.html_errors import flash_error, form_page
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.core.uploads import stored_file_response
from aftersales.kb import access, articles, faq, selectors
from aftersales.kb.markdown import render as render_markdown
from aftersales.kb.models import Article, ArticleKind, ArticleStatus, Visibility

PER_PAGE = 30
DONE = _("Done.")
CREATED = _("Article saved as a draft.")
STEPS = {
    "submit": (articles.article_submit, _("Sent for review.")),
    "publish": (articles.article_publish, _("Published.")),
    "return": (articles.article_return, _("Returned to draft.")),
    "retire": (articles.article_retire, _("Retired.")),
}


class ArticleFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))] + ArticleStatus.choices,
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types"))] + ArticleKind.choices
    )
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int)
    inactive = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (str(pk), name) for pk, name in selectors.category_choices()
        ]


def _names(text: str) -> list[str]:
    """Comma- or 、-separated names typed into one box."""
    return [
        part.strip()
        for part in text.replace("、", ",").replace("，", ",").split(",")
        if part.strip()
    ]


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    kind = forms.ChoiceField(label=_("Type"), choices=ArticleKind.choices)
    body = forms.CharField(
        label=_("Body (Markdown)"),
        max_length=articles.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    product_line = forms.CharField(label=_("Product line"), max_length=120, required=False)
    product_models = forms.CharField(
        label=_("Product models (comma-separated)"), max_length=2000, required=False
    )
    tags = forms.CharField(label=_("Tags (comma-separated)"), max_length=1000, required=False)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    review_by = forms.DateField(
        label=_("Review by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Change note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = selectors.category_choices()
        for field in self.fields.values():
            selects = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if selects else "form-control")

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["product_models"] = _names(data.get("product_models") or "")
        data["tags"] = _names(data.get("tags") or "")
        return data


def _get(request: HttpRequest, pk: int) -> Article:
    try:
        return selectors.article_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@permission_required(access.VIEW)
def article_list(request: HttpRequest) -> HttpResponse:
    filters = ArticleFilter(request.GET)
    qs = selectors.article_list(
        user=request.user,
        filters=selectors.ArticleFilters(
            status=filters.value("status") or "",
            kind=filters.value("kind") or "",
            category=filters.value("category") or None,
            q=filters.value("q") or "",
        ),
    )
    return list_page(
        request,
        "kb/article_list.html",
        qs,
        filters,
        per_page=PER_PAGE,
        can_add=access.can_create(request.user, None),
    )


@permission_required(access.VIEW)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _get(request, pk)
    versions = list(selectors.versions(article))
    diff: list[str] = []
    diff_from, diff_to = request.GET.get("from"), request.GET.get("to")
    if diff_from and diff_to:
        try:
            diff = selectors.version_diff(article=article, from_number=diff_from, to_number=diff_to)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    context = {
        "article": article,
        "html": render_markdown(article.body),
        "actions": access.available_actions(request.user, article),
        "can_attach": access.can_attach(request.user, article),
        "can_link": access.can_link(request.user, article),
        "can_rate": access.can_rate(request.user, article),
        "my_rating": selectors.rating_of(user=request.user, article=article),
        "attachments": list(selectors.attachments(article)),
        "cases": list(selectors.linked_cases(user=request.user, article=article)[:50]),
        "versions": versions,
        "diff": diff,
        "diff_from": diff_from or (versions[1].number if len(versions) > 1 else ""),
        "diff_to": diff_to or (versions[0].number if versions else ""),
        "activities": [
            {**row, "label": timeline.kind_label("article", row["kind"])}
            for row in timeline.activity_rows(
                timeline.for_subject("article", article.pk, include_internal=True)
            )
        ],
    }
    return render(request, "kb/article_detail.html", context)


@permission_required(access.ADD)
def article_new(request: HttpRequest) -> HttpResponse:
    initial = {"kind": ArticleKind.FAQ, "visibility": Visibility.INTERNAL}
    form = ArticleForm(request.POST or None, initial=initial)

    def save(_data: dict) -> Article:
        fields = form.service_fields()
        fields.pop("note", None)
        return articles.article_create(by=request.user, **fields)

    return form_page(
        request,
        form,
        save,
        lambda article: reverse("kb:article_detail", args=[article.pk]),
        "kb/article_form.html",
        done=CREATED,
        article=None,
    )


@permission_required(access.CHANGE)
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _get(request, pk)
    if not access.can_edit(request.user, article):
        raise Http404
    initial = {
        "title": article.title,
        "category": article.category_id,
        "kind": article.kind,
        "body": article.body,
        "product_line": article.product_line,
        "product_models": ", ".join(m.name for m in article.product_models.all()),
        "tags": ", ".join(t.name for t in article.tags.all()),
        "visibility": article.visibility,
        "review_by": article.review_by,
    }
    form = ArticleForm(request.POST or None, initial=initial)

    def save(_data: dict) -> Article:
        return articles.article_edit(article=article, by=request.user, **form.service_fields())

    return form_page(
        request,
        form,
        save,
        lambda saved: reverse("kb:article_detail", args=[saved.pk]),
        "kb/article_form.html",
        article=article,
    )


@require_POST
@permission_required(access.CHANGE)
def article_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow button: submit, publish, return (with a reason) or retire."""
    if action not in STEPS:
        raise Http404
    article = _get(request, pk)
    service, done = STEPS[action]
    extra = {}
    if action in ("return", "retire"):
        extra["reason"] = request.POST.get("reason", "")
    try:
        service(article=article, by=request.user, **extra)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, done)
    return redirect("kb:article_detail", pk=article.pk)


@require_POST
@permission_required(access.VIEW)
def article_rate(request: HttpRequest, pk: int) -> HttpResponse:
    article = _get(request, pk)
    try:
        articles.article_rate(
            article=article, by=request.user, helped=request.POST.get("helped") == "1"
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("kb:article_detail", pk=article.pk)


@require_POST
@permission_required(access.CHANGE)
def article_attach(request: HttpRequest, pk: int) -> HttpResponse:
    article = _get(request, pk)
    try:
        articles.attachment_add(article=article, by=request.user, file=request.FILES.get("file"))
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    return redirect("kb:article_detail", pk=article.pk)


@permission_required(access.VIEW)
def article_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    article = _get(request, pk)
    try:
        attachment = selectors.attachment_get(article=article, pk=attachment_id)
    except NotFound as exc:
        raise Http404 from exc
    return stored_file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )


@require_POST
@permission_required(access.CHANGE)
def article_link(request: HttpRequest, pk: int) -> HttpResponse:
    article = _get(request, pk)
    try:
        articles.article_link_case(article=article, by=request.user, case=request.POST.get("case"))
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    return redirect("kb:article_detail", pk=article.pk)


@require_POST
@permission_required(access.ADD)
def article_from_case(request: HttpRequest, number: str) -> HttpResponse:
    """The case page's "new article from this case": a draft, opened in the form."""
    try:
        article = articles.article_from_case(by=request.user, case=number)
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect("cases:detail", number=number)
    messages.success(request, CREATED)
    return redirect("kb:article_edit", pk=article.pk)


@permission_required(access.ADD)
def faq_candidates(request: HttpRequest) -> HttpResponse:
    """The questions that recur: clusters of similar cases resolved in the period."""
    status = 200
    try:
        days = faq.period_days(request.GET.get("days"))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        days, status = faq.DEFAULT_DAYS, 422
    clusters = faq.faq_candidates(user=request.user, days=days)
    context = {"clusters": clusters, "days": days, "categories": selectors.category_choices()}
    return render(request, "kb/faq_candidates.html", context, status=status)


@require_POST
@permission_required(access.ADD)
def faq_draft(request: HttpRequest) -> HttpResponse:
    """ "Draft a FAQ" of one cluster: the draft opens in the form."""
    try:
        days = faq.period_days(request.POST.get("days"))
        article = faq.faq_draft(
            by=request.user,
            word=request.POST.get("word", ""),
            days=days,
            category=request.POST.get("category") or None,
        )
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect(f"{reverse('kb:faq_candidates')}?days={request.POST.get('days', '')}")
    messages.success(request, CREATED)
    return redirect("kb:article_edit", pk=article.pk)


urlpatterns = [
    path("articles/", article_list, name="article_list"),
    path("articles/new/", article_new, name="article_new"),
    path("articles/from-case/<str:number>/", article_from_case, name="article_from_case"),
    path("articles/<int:pk>/", article_detail, name="article_detail"),
    path("articles/<int:pk>/edit/", article_edit, name="article_edit"),
    path("articles/<int:pk>/rate/", article_rate, name="article_rate"),
    path("articles/<int:pk>/attach/", article_attach, name="article_attach"),
    path("articles/<int:pk>/link/", article_link, name="article_link"),
    path(
        "articles/<int:pk>/attachments/<int:attachment_id>/",
        article_attachment,
        name="article_attachment",
    ),
    path("articles/<int:pk>/<str:action>/", article_step, name="article_step"),
    path("faq-candidates/", faq_candidates, name="faq_candidates"),
    path("faq-candidates/draft/", faq_draft, name="faq_draft"),
]
