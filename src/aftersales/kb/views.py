"""The console's knowledge base pages: articles, their history, search, FAQ candidates."""

from __future__ import annotations

from aftersales.kb import article_views, case_views, search_views

app_name = "kb"
urlpatterns: list = [
    *search_views.urlpatterns,
    *article_views.urlpatterns,
    *case_views.urlpatterns,
]
