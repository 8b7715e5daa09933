"""The admin's search upkeep: synonyms, the domain dictionary, rebuild jobs."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from aftersales.kb.models import DictionaryWord, ReindexJob, SynonymSet


@admin.register(SynonymSet)
class SynonymSetAdmin(admin.ModelAdmin):
    list_display = ("terms", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("terms",)

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(DictionaryWord)
class DictionaryWordAdmin(admin.ModelAdmin):
    list_display = ("word", "weight", "created_at")
    search_fields = ("word",)


@admin.register(ReindexJob)
class ReindexJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "status", "processed", "total", "requested_by")
    list_filter = ("status",)
    readonly_fields = (
        "status", "total", "processed", "message", "requested_by", "created_at", "started_at",
        "finished_at",
    )  # fmt: skip

    def has_add_permission(self, request) -> bool:
        # A rebuild starts from /kb/reindex/, which hands it to the worker.
        return False
