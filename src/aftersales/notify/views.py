"""Staff console: the outbox list, one message, and "retry now"."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core import html_errors
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.pagination import console_page
from aftersales.notify import selectors, services
from aftersales.notify.forms import OutboxFilterForm
from aftersales.notify.models import OutboxMessage

PER_PAGE = 50
RETRY_QUEUED = _("The message is queued again and will be sent in a moment.")


def _message_or_404(request: HttpRequest, message_id: int) -> OutboxMessage:
    try:
        return selectors.outbox_get_for_user(user=request.user, message_id=message_id)
    except NotFound as exc:
        raise Http404 from exc


@permission_required(selectors.VIEW_PERMISSION)
def outbox_list(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET)
    qs = selectors.outbox_search(user=request.user, **form.filters())
    page_obj = console_page(request, qs, per_page=PER_PAGE)
    context = {
        "form": form,
        "page_obj": page_obj,
    }
    template = "notify/outbox_list.html"
    if request.htmx and request.htmx.target == "outbox-table":
        template += "#table"
    return render(request, template, context)


@permission_required(selectors.VIEW_PERMISSION)
def outbox_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_or_404(request, message_id)
    return render(
        request,
        "notify/outbox_detail.html",
        {"message": message, "can_retry": selectors.can_retry(request.user)},
    )


@require_POST
@permission_required(selectors.RETRY_PERMISSION)
def outbox_retry(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_or_404(request, message_id)
    try:
        services.outbox_retry(message=message, by=request.user)
    except ApplicationError as exc:
        html_errors.flash_error(request, exc)
    else:
        messages.success(request, RETRY_QUEUED)
    return redirect("notify:outbox_detail", message_id=message.pk)
