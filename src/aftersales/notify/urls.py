from django.urls import path

from aftersales.notify import notice_views, views

app_name = "notify"
urlpatterns = [
    *notice_views.urlpatterns,
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<int:message_id>/", views.outbox_detail, name="outbox_detail"),
    path("outbox/<int:message_id>/retry/", views.outbox_retry, name="outbox_retry"),
]
