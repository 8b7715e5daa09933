from django.contrib.auth.decorators import login_required
from django.urls import path

from aftersales.accounts import views
from aftersales.accounts.endpoint_access import SIGNED_IN, access

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.language_set, name="language"),
    path("preferences/", views.preferences, name="preferences"),
    path(
        "password/",
        access(SIGNED_IN)(login_required(views.PasswordChange.as_view())),
        name="password_change",
    ),
]
