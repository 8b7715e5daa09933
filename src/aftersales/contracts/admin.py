from __future__ import annotations

from django.contrib import admin

from aftersales.contracts.models import PenaltyRule, PenaltyWaiver, ServiceContract, WarrantyTerm


class PenaltyRuleInline(admin.TabularInline):
    model = PenaltyRule
    extra = 0


@admin.register(ServiceContract)
class ServiceContractAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "customer",
        "sla_policy",
        "starts_on",
        "ends_on",
        "value",
        "is_active",
    )
    list_filter = ("is_active", "sla_policy")
    search_fields = ("number", "customer__name", "customer__code")
    autocomplete_fields = ()
    raw_id_fields = ("customer", "assets", "projects", "renewed_from", "service_manager")
    inlines = [PenaltyRuleInline]


@admin.register(WarrantyTerm)
class WarrantyTermAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "product_model", "months", "starts_from", "is_active")
    list_filter = ("kind", "starts_from", "is_active")
    raw_id_fields = ("product_model",)


@admin.register(PenaltyWaiver)
class PenaltyWaiverAdmin(admin.ModelAdmin):
    """Waivers are audit rows: written by contracts.penalties.penalty_waive, read here."""

    list_display = ("promise", "rule", "waived_by", "waived_at", "reason")
    list_select_related = ("promise", "rule", "waived_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
