from django.contrib import admin
from django.urls import include, path

from aftersales.api import api
from aftersales.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("aftersales.accounts.urls")),
    path("registry/", include("aftersales.registry.urls")),
    path("portal/", include("aftersales.portal.urls")),
    path("cases/", include("aftersales.cases.urls")),
    path("notify/", include("aftersales.notify.urls")),
    path("sla/", include("aftersales.contracts.penalty_urls")),
    path("contracts/", include("aftersales.contracts.urls")),
    path("repairs/", include("aftersales.repairs.urls")),
    path("inventory/", include("aftersales.inventory.urls")),
    path("rmas/", include("aftersales.rma.urls")),
    path("returns/", include("aftersales.rma.return_views")),
    path("complaints/", include("aftersales.feedback.complaint_views")),
    path("callbacks/", include("aftersales.feedback.callback_views")),
    path("surveys/", include("aftersales.feedback.survey_views")),
    path("deliveries/", include("aftersales.fieldservice.delivery_views")),
    path("inspections/", include("aftersales.fieldservice.inspection_views")),
    path("appointments/", include("aftersales.fieldservice.appointment_views")),
    path("kb/", include("aftersales.kb.views")),
    path("reports/", include("aftersales.reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# Styled error pages in the user's language; 500 keeps Django's handler, which renders
# 500.html with no context (no request, no database).
handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
