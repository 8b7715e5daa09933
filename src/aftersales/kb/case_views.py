"""The case page's "send as reply" of a knowledge article (the similar-cases card)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.cases import selectors as case_selectors
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.html_errors import flash_error
from aftersales.kb import selectors
from aftersales.kb.case_reply import reply_with_article

SENT = _("The article was sent to the customer as a reply.")


@require_POST
@permission_required("cases.view_case")
def article_reply(request: HttpRequest, number: str) -> HttpResponse:
    try:
        case = case_selectors.case_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc
    try:
        article = selectors.article_get_for_user(user=request.user, pk=request.POST.get("article"))
        reply_with_article(case=case, by=request.user, article=article)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, SENT)
    return redirect("cases:detail", number=case.number)


urlpatterns = [path("reply/<str:number>/", article_reply, name="reply_with_article")]
