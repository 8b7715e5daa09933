from aftersales.rma import views

app_name = "rma"
# The customer's RMA pages are the portal's (aftersales.portal.rmas).
urlpatterns = views.urlpatterns
