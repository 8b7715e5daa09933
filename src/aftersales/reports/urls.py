"""The console's report pages: dashboard, KPIs, appraisal, written reports, exports, risk."""

from __future__ import annotations

from aftersales.reports import (
    dashboard_views,
    document_views,
    export_views,
    kpi_views,
    risk_views,
    schedule_views,
)

app_name = "reports"
urlpatterns: list = [
    *dashboard_views.urlpatterns,
    *kpi_views.urlpatterns,
    *document_views.urlpatterns,
    *risk_views.urlpatterns,
    *export_views.urlpatterns,
    *schedule_views.urlpatterns,
]
