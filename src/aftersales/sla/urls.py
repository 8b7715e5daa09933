from django.urls import path

from aftersales.sla import views

app_name = "sla"

urlpatterns = [
    path("penalties/", views.penalties, name="penalties"),
    path("penalties/waive/", views.penalty_waive, name="penalty_waive"),
]
