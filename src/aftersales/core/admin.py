from __future__ import annotations

from django.contrib import admin

from aftersales.core.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The timeline, read-only: nothing is edited or deleted after the fact (rule 3)."""

    list_display = ("at", "subject_kind", "subject_id", "kind", "actor", "internal")
    list_filter = ("internal",)  # a filter on subject_kind would SELECT DISTINCT over all rows
    ordering = ("-id",)  # newest first along the primary key: no sort of the whole table
    raw_id_fields = ("actor",)
    list_select_related = ("actor",)
    # 5 million rows: no full count, no date drill-down (it scans every row's date), no text
    # search; open a subject's rows with ?subject_kind=case&subject_id=123.
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
