from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from aftersales.accounts.access import is_customer_contact
from aftersales.accounts.endpoint_access import PUBLIC, SIGNED_IN, access


@access(PUBLIC)
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", whatever its class
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@access(SIGNED_IN)
@login_required
def home(request: HttpRequest) -> HttpResponse:
    if is_customer_contact(request.user):
        return redirect("portal:home")
    return redirect("registry:lookup")
