from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from aftersales.accounts.access import can_grant_role
from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.roles import Role

# What makes a login powerful: only an admin (who may grant every role) changes these here.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions", "manager_level")


def _grants_everything(request) -> bool:
    return can_grant_role(request.user, Role.ADMIN)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "aftersales",
            {"fields": ("display_name", "phone", "language", "time_zone", "manager_level")},
        ),
    )
    list_display = ("username", "display_name", "email", "is_active", "is_staff")
    search_fields = ("username", "display_name", "email", "phone")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if _grants_everything(request) else fields + PRIVILEGE_FIELDS

    def has_change_permission(self, request, obj=None):
        # Editing an admin (its password, its e-mail) is taking it over.
        if obj is not None and obj.is_superuser and not _grants_everything(request):
            return False
        return super().has_change_permission(request, obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Roles are groups: changing a group's permissions grants them to everybody in it."""

    def has_add_permission(self, request):
        return _grants_everything(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return _grants_everything(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _grants_everything(request) and super().has_delete_permission(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    search_fields = ("user__username", "name", "prefix")
