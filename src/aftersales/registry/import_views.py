"""Spreadsheet import and export pages."""

from __future__ import annotations

urlpatterns: list = []
