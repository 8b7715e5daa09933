"""Admin of the surveys: settings, templates and their questions (a template that has answers
is read-only: "Make a new version" copies it for editing), invitations and follow-ups to read."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aftersales.feedback import surveys
from aftersales.feedback.models import (
    SurveyFollowUp,
    SurveyInvitation,
    SurveyQuestion,
    SurveySettings,
    SurveyTemplate,
)
from aftersales.feedback.survey_selectors import template_has_answers


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ("order", "kind", "text", "text_en", "dimension", "choices", "required")

    def _locked(self, obj: Any) -> bool:
        return obj is not None and template_has_answers(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "version", "active", "created_at")
    list_filter = ("code", "active")
    inlines = [SurveyQuestionInline]
    actions = ["make_new_version"]
    readonly_fields = ("version", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and template_has_answers(obj):
            return ("code", "version", "name", "name_en", "intro", "active", "created_at")
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing is hard-deleted: old versions keep their answers' words

    @admin.action(description=_("Make a new version"))
    def make_new_version(self, request: HttpRequest, queryset: Any) -> None:
        for template in queryset:
            copy = surveys.new_version(template=template, by=request.user)
            message = surveys.VERSION_MADE % {"version": copy.version}
            self.message_user(request, str(message), level=messages.SUCCESS)


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "low_score", "link_days", "reminder_days", "after_case", "quarterly")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SurveySettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the survey services only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "reason",
        "customer",
        "case",
        "engineer",
        "period",
        "sent_at",
        "answered_at",
        "score",
        "nps",
    )
    list_filter = ("reason", "period")
    search_fields = ("customer__code", "customer__name", "case__number")
    list_select_related = ("customer", "case", "engineer")
    exclude = ("nonce",)


@admin.register(SurveyFollowUp)
class SurveyFollowUpAdmin(ReadOnlyAdmin):
    list_display = ("id", "customer", "owner", "status", "opened_at", "closed_at")
    list_filter = ("status",)
    list_select_related = ("customer", "owner")
