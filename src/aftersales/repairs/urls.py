from aftersales.repairs import portal_views, views

app_name = "repairs"
# Portal pages first: "portal/" is not an order id anyway, but keep the two apart.
urlpatterns = [*portal_views.urlpatterns, *views.urlpatterns]
