"""Each user's own language and time zone, applied per request."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation


class UserLanguageMiddleware:
    """Pick the language: the user's choice, else a session choice, else Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Threads are reused between requests, so always activate something explicitly.
        language = request.session.get("language") or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Activate the signed-in user's language and zone; runs after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
