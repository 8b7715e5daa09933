"""The portal's knowledge base (自助检索常见问题): published public articles, one search over
them, "helped / did not help", and the suggestions shown while a customer types a new case."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import contact_required
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.html_errors import flash_error
from aftersales.kb import articles, deflection, search, selectors
from aftersales.kb.markdown import render as render_markdown
from aftersales.kb.models import Article, Category, DeflectionKind

PER_PAGE = 20
SUGGESTIONS = 5
# The suggestion box asks with what the customer typed so far: a few words are enough.
SUGGEST_MIN_CHARS = 2
FROM_CASE_FORM = "case-form"
THANKS = _("Glad the article helped. No case was sent; we are here if you need us.")
RATED = _("Thank you for your rating.")


def _article(request: HttpRequest, pk: int) -> Article:
    try:
        return selectors.article_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@contact_required
def kb_home(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[: search.MAX_QUERY_CHARS]
    context: dict = {"q": q, "roots": Category.objects.filter(parent=None, retired=False)}
    if q:
        try:
            context["hits"] = search.search(
                user=request.user, q=q, limit=search.MAX_LIMIT, kinds=("article",)
            )
        except ApplicationError as exc:
            context["hits"], context["error"] = [], exc.message
    else:
        latest = selectors.articles_for_user(request.user).order_by("-published_at", "-id")
        context["page"] = Paginator(latest, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/kb_home.html", context)


@contact_required
def kb_article(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    from_form = request.GET.get("from") == FROM_CASE_FORM
    if from_form:
        deflection.deflection_record(user=request.user, kind=DeflectionKind.OPENED, article=article)
    context = {
        "article": article,
        "body": render_markdown(article.body),
        "rating": selectors.rating_of(user=request.user, article=article),
        "from_form": from_form,
    }
    return render(request, "portal/kb_article.html", context)


@contact_required
@require_POST
def kb_rate(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    try:
        articles.article_rate(
            article=article, by=request.user, helped=request.POST.get("helped") == "1"
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, RATED)
    return redirect("portal:kb_article", pk=article.pk)


@contact_required
@require_POST
def kb_solved(request: HttpRequest, pk: int) -> HttpResponse:
    """The article answered the problem the customer was about to report: counted, no case."""
    article = _article(request, pk)
    deflection.deflection_record(user=request.user, kind=DeflectionKind.SOLVED, article=article)
    messages.success(request, THANKS)
    return redirect("portal:home")


@contact_required
def kb_suggest(request: HttpRequest) -> HttpResponse:
    """Articles matching what the customer types into the new-case form (an HTML fragment)."""
    q = request.GET.get("q", "").strip()[: search.MAX_QUERY_CHARS]
    hits = []
    if len(q) >= SUGGEST_MIN_CHARS:
        try:
            hits = search.search(user=request.user, q=q, limit=SUGGESTIONS, kinds=("article",))
        except ApplicationError:
            hits = []
    # Counted once per query a customer pauses on, not once per keystroke.
    if hits and request.session.get("kb_last_shown") != q:
        request.session["kb_last_shown"] = q
        deflection.deflection_record(user=request.user, kind=DeflectionKind.SHOWN, query=q)
    context = {"hits": hits, "from": FROM_CASE_FORM}
    return render(request, "portal/_kb_suggestions.html", context)


def case_submitted_after_suggestions(request: HttpRequest) -> None:
    """The new-case form was sent although articles were suggested: counted."""
    if request.POST.get("kb_shown") == "1":
        deflection.deflection_record(
            user=request.user,
            kind=DeflectionKind.SUBMITTED,
            query=request.session.get("kb_last_shown", ""),
        )


urlpatterns = [
    path("kb/", kb_home, name="kb_home"),
    path("kb/suggest/", kb_suggest, name="kb_suggest"),
    path("kb/<int:pk>/", kb_article, name="kb_article"),
    path("kb/<int:pk>/rate/", kb_rate, name="kb_rate"),
    path("kb/<int:pk>/solved/", kb_solved, name="kb_solved"),
]
