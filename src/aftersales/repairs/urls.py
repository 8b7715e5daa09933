from aftersales.repairs import views

app_name = "repairs"
# The customer's repair pages are the portal's (aftersales.portal.repairs).
urlpatterns = views.urlpatterns
