from aftersales.contracts import portal_views, views

app_name = "contracts"
# Portal pages first: "portal/" must not be read as a contract number.
urlpatterns = [*portal_views.urlpatterns, *views.urlpatterns]
