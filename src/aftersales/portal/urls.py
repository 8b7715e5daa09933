from django.urls import include, path

from aftersales.portal import (
    appointments,
    complaints,
    contracts,
    dashboard,
    deliveries,
    equipment,
    inspections,
    knowledge,
    loaners,
    part_sales,
    repairs,
    returns,
    rmas,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    *dashboard.urlpatterns,
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<str:number>/", views.case_detail, name="case_detail"),
    path("cases/<str:number>/comment/", views.case_comment, name="case_comment"),
    path(
        "cases/<str:number>/attachments/<int:pk>/",
        views.attachment_download,
        name="case_attachment",
    ),
    path("cases/<str:number>/<str:action>/", views.case_action, name="case_action"),
    path("equipment/", equipment.equipment_list, name="equipment_list"),
    path("contracts/", include(contracts.urlpatterns)),
    *repairs.urlpatterns,
    *rmas.urlpatterns,
    *loaners.urlpatterns,
    *returns.urlpatterns,
    *deliveries.urlpatterns,
    *part_sales.urlpatterns,
    *complaints.urlpatterns,
    *inspections.urlpatterns,
    *appointments.urlpatterns,
    *knowledge.urlpatterns,
]
