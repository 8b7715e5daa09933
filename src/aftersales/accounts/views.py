from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts import services
from aftersales.accounts.endpoint_access import PUBLIC, SIGNED_IN, access
from aftersales.accounts.forms import LoginForm, PreferencesForm
from aftersales.core.errors import Forbidden


@access(PUBLIC)
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.credentials_check(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except Forbidden as exc:
            form.add_error(None, exc.message)
            status = 429 if exc.extra.get("throttled") else 200
        else:
            login(request, user)
            next_url = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = settings.LOGIN_REDIRECT_URL
            return redirect(next_url)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


@access(PUBLIC)
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@access(PUBLIC)
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch language: stored on the user when signed in, else in the session."""
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        request.session["language"] = language
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    return redirect(next_url)


@access(SIGNED_IN)
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(
        request.POST or None, initial={"language": user.language, "time_zone": user.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        services.user_preferences_update(user=user, **form.cleaned_data)
        request.session["language"] = user.language
        messages.success(request, _("Preferences saved."))
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


class PasswordChange(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:preferences")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)
