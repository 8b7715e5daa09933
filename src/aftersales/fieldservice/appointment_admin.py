"""Admin of appointments and regional representatives (configuration and support)."""

from __future__ import annotations

from django.contrib import admin

from aftersales.fieldservice.models import Appointment, ProposedSlot, RegionalRepresentative


@admin.register(RegionalRepresentative)
class RegionalRepresentativeAdmin(admin.ModelAdmin):
    list_display = ("region", "user", "is_active", "since")
    list_filter = ("region", "is_active")
    raw_id_fields = ("user",)


class ProposedSlotInline(admin.TabularInline):
    model = ProposedSlot
    extra = 0
    readonly_fields = ("starts_at", "ends_at", "chosen")
    can_delete = False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    # Read-mostly: bookings go through the services (overlap, travel and the lock).
    list_display = ("starts_at", "ends_at", "engineer", "status", "kind", "customer", "region")
    list_filter = ("status", "kind", "region")
    date_hierarchy = "starts_at"
    raw_id_fields = ("engineer", "case", "visit", "delivery", "customer", "site", "created_by")
    readonly_fields = [f.name for f in Appointment._meta.fields]
    inlines = [ProposedSlotInline]

    def has_add_permission(self, request) -> bool:
        return False
