"""Console pages of contract penalties, under /sla/ where they always were."""

from django.urls import path

from aftersales.contracts import penalty_views

app_name = "penalties"

urlpatterns = [
    path("penalties/", penalty_views.penalties, name="penalties"),
    path("penalties/waive/", penalty_views.penalty_waive, name="penalty_waive"),
]
