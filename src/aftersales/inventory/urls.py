from aftersales.inventory import loan_views, sales_views, views

app_name = "inventory"
urlpatterns = views.urlpatterns + loan_views.urlpatterns + sales_views.urlpatterns
