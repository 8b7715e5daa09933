from django.contrib import admin
from django.urls import include, path

from aftersales.api import api
from aftersales.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
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
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
