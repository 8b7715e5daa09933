"""The registry in the Django admin: for admins' corrections; daily work is the console."""

from __future__ import annotations

from django.contrib import admin

from aftersales.registry.models import (
    Asset,
    Contact,
    Customer,
    Engineer,
    ProductModel,
    Project,
    ProjectMember,
    Site,
    Skill,
    TopologyAttachment,
    Vendor,
)


class RetireOnly(admin.ModelAdmin):
    """Nothing is hard-deleted: rows are deactivated (is_active) instead."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(RetireOnly):
    list_display = ("code", "name", "region", "level", "service_manager", "is_active")
    list_filter = ("is_active", "level", "region")
    search_fields = ("code", "name", "address")
    raw_id_fields = ("service_manager",)


@admin.register(Contact)
class ContactAdmin(RetireOnly):
    list_display = ("name", "customer", "phone", "email", "role", "user", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "phone", "phone_normalized", "email", "customer__code")
    list_select_related = ("customer", "user")
    raw_id_fields = ("customer", "user")


@admin.register(Site)
class SiteAdmin(RetireOnly):
    list_display = ("name", "customer", "region", "address", "is_active")
    list_filter = ("is_active", "region")
    search_fields = ("name", "address", "customer__code", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    raw_id_fields = ("user", "contact")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(RetireOnly):
    list_display = ("code", "name", "customer", "started_on", "accepted_on", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "customer__code", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)
    inlines = [ProjectMemberInline]


@admin.register(Vendor)
class VendorAdmin(RetireOnly):
    list_display = ("code", "name", "support_phone", "support_email", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


@admin.register(ProductModel)
class ProductModelAdmin(RetireOnly):
    list_display = ("name", "vendor", "product_line", "kind", "warranty_months", "is_active")
    list_filter = ("is_active", "kind", "vendor")
    search_fields = ("name", "product_line", "vendor__name", "vendor__code")
    list_select_related = ("vendor",)


@admin.register(Asset)
class AssetAdmin(RetireOnly):
    list_display = (
        "serial_number",
        "customer",
        "product_model",
        "site",
        "accepted_on",
        "warranty_months",
        "is_active",
    )
    list_filter = ("is_active", "product_model__vendor")
    search_fields = ("serial_number", "customer__code", "customer__name", "product_model__name")
    list_select_related = ("customer", "product_model__vendor", "site")
    raw_id_fields = ("customer", "product_model", "site", "project", "parent")


@admin.register(TopologyAttachment)
class TopologyAttachmentAdmin(RetireOnly):
    list_display = ("title", "customer", "project", "content_type", "size", "created_at")
    list_filter = ("is_active", "content_type")
    search_fields = ("title", "customer__code", "customer__name")
    list_select_related = ("customer", "project")
    raw_id_fields = ("customer", "project", "uploaded_by")
    # Uploads go through the console, which checks type and content; here they only read.
    readonly_fields = ("file", "content_type", "size", "uploaded_by")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Engineer)
class EngineerAdmin(RetireOnly):
    list_display = ("name", "user", "phone", "region", "on_call", "is_active")
    list_filter = ("is_active", "on_call", "region", "skills")
    search_fields = ("name", "phone", "email", "user__username")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    filter_horizontal = ("skills",)
    autocomplete_fields = ("customers",)
