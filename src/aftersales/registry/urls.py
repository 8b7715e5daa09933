from django.urls import path

from aftersales.registry import views

app_name = "registry"
urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
]
