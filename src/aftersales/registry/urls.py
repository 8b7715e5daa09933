from django.urls import path

from aftersales.registry import import_views, lookup_views, views

app_name = "registry"
urlpatterns = [
    path("lookup/", lookup_views.lookup, name="lookup"),
    *import_views.urlpatterns,
    *views.urlpatterns,
]
