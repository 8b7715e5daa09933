"""Topology diagrams of a customer's network: upload, and the one guarded way to download."""

from __future__ import annotations

import os

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.decorators import permission_required
from aftersales.registry import forms, selectors, services
from aftersales.registry.views.pages import form_page, get_or_404


@permission_required("registry.add_topologyattachment")
def topology_upload(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_or_404(selectors.customer_get, request, pk)
    detail = reverse("registry:customer_detail", args=[pk])
    return form_page(
        request,
        forms.TopologyForm(request.POST or None, request.FILES or None, customer=customer),
        lambda data: services.topology_upload(customer=customer, by=request.user, **data),
        lambda t: detail,
        title=_("Upload a topology diagram for %(name)s") % {"name": customer},
        cancel=detail,
        multipart=True,
    )


@permission_required("registry.view_topologyattachment")
def topology_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The only way to a stored diagram: permission-checked, always a download."""
    attachment = get_or_404(selectors.topology_get, request, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    ext = os.path.splitext(attachment.file.name)[1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{attachment.title}{ext}",
        content_type=attachment.content_type or "application/octet-stream",
    )
    # Even if a browser were talked into rendering it, the file runs nothing in our origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("customers/<int:pk>/topology/new/", topology_upload, name="topology_upload"),
    path("topology/<int:pk>/download/", topology_download, name="topology_download"),
]
