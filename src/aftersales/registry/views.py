"""Staff console pages for the registry (CRUD with search, filters and pagination)."""

from __future__ import annotations

urlpatterns: list = []
