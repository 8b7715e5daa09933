from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aftersales.accounts.decorators import staff_required


@staff_required
def lookup(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/lookup.html", {"q": request.GET.get("q", "")})
