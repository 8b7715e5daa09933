from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "aftersales.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from aftersales.accounts.models import User
        from aftersales.accounts.roles import sync_role_groups
        from aftersales.core.subjects import register_subject

        register_subject(User, "user", kinds=[("role_granted", _("Role granted"))])

        # Permissions exist only after every app migrated, so groups are synced then.
        post_migrate.connect(sync_role_groups, dispatch_uid="aftersales.sync_role_groups")


class ThrottledAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site: its login goes through the login throttle."""

    default = False  # `aftersales.accounts` in INSTALLED_APPS still means AccountsConfig
    default_site = "aftersales.accounts.admin_site.ThrottledAdminSite"
