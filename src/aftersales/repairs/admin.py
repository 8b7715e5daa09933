from __future__ import annotations

from django.contrib import admin

from aftersales.repairs.models import FaultCategory, PriceList, RepairOrder, RepairPart


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ("name", "labour_per_hour", "travel_per_km", "travel_fixed_fee", "is_default")


@admin.register(FaultCategory)
class FaultCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "generic", "is_active", "sort_order")


class RepairPartInline(admin.TabularInline):
    model = RepairPart
    extra = 0


@admin.register(RepairOrder)
class RepairOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "asset", "status", "chargeable", "customer_amount")
    list_filter = ("status", "chargeable", "service_mode")
    search_fields = ("number", "case__number", "asset__serial_number")
    raw_id_fields = ("case", "customer", "asset", "engineers", "report")
    inlines = [RepairPartInline]  # the timeline: core.Activity (subject kind "repair")
