"""The Django admin site, with its login behind the same throttle as the console's."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from aftersales.accounts.services import LoginThrottled, credentials_check
from aftersales.core.errors import Forbidden


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """AdminAuthenticationForm whose password check is accounts.services.credentials_check."""

    throttled = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = credentials_check(
                    request=self.request, username=username, password=password
                )
            except LoginThrottled as exc:
                self.throttled = True
                raise ValidationError(str(exc.message), code="throttled") from exc
            except Forbidden as exc:
                raise self.get_invalid_login_error() from exc
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ThrottledAdminSite(AdminSite):
    login_form = ThrottledAdminAuthenticationForm

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response
