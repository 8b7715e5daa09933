"""The project's URLs with the triage views included the way cases/urls.py is meant to.

Lets the triage tests run whether or not cases/urls.py already includes them.
"""

from __future__ import annotations

from django.urls import include, path

from aftersales import urls as project_urls
from aftersales.cases import triage_views
from aftersales.cases import urls as cases_urls

_cases = [*triage_views.urlpatterns] + [
    p for p in cases_urls.urlpatterns if not (p.name or "").startswith("triage_")
]
urlpatterns = [
    path("cases/", include((_cases, "cases"))) if str(p.pattern) == "cases/" else p
    for p in project_urls.urlpatterns
]
