from django.urls import path

from aftersales.cases import detail_views, macro_views, organize_views, triage_views, views

app_name = "cases"
urlpatterns = [
    # Before "<str:number>/", which would read "triage" as a case number.
    *triage_views.urlpatterns,
    *macro_views.urlpatterns,
    *organize_views.urlpatterns,
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("new/contacts/", views.contact_options, name="contact_options"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("export/<str:fmt>/", views.case_export, name="export"),
    path("views/", views.saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("<str:number>/", detail_views.case_detail, name="detail"),
    path("<str:number>/comment/", detail_views.case_comment, name="comment"),
    path("<str:number>/watch/", detail_views.case_watch, name="watch"),
    path("<str:number>/similar/", detail_views.case_similar, name="similar"),
    path(
        "<str:number>/attachments/<int:pk>/",
        detail_views.attachment_download,
        name="attachment",
    ),
    path(
        "<str:number>/approvals/<int:pk>/form/",
        detail_views.approval_form_download,
        name="approval_form",
    ),
    path(
        "<str:number>/vendor-cases/<int:pk>/",
        detail_views.vendor_case_update,
        name="vendor_case_update",
    ),
    path(
        "<str:number>/escalations/<int:firing_id>/acknowledge/",
        detail_views.escalation_acknowledge,
        name="escalation_acknowledge",
    ),
    path("<str:number>/<str:action>/", detail_views.case_action, name="action"),
]
