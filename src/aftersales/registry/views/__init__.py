"""Staff console pages for the registry (CRUD with search, filters and pagination): one module
per kind of row; `pages` holds the list and form shapes they share."""

from __future__ import annotations

from django.urls import URLPattern

from aftersales.registry.views import (
    activation,
    assets,
    contacts,
    customers,
    engineers,
    projects,
    sites,
    topology,
    vendors,
)

urlpatterns: list[URLPattern] = [
    *customers.urlpatterns,
    *contacts.urlpatterns,
    *projects.urlpatterns,
    *sites.urlpatterns,
    *vendors.urlpatterns,
    *assets.urlpatterns,
    *topology.urlpatterns,
    *engineers.urlpatterns,
    *activation.urlpatterns,
]
