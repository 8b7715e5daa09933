"""Console pages of field service (inspections)."""

from __future__ import annotations

from django.urls import path  # noqa: F401

app_name = "inspections"

urlpatterns: list = []
