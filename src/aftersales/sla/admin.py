from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftersales.sla.models import (
    BusinessCalendar,
    CalendarDay,
    EscalationFiring,
    EscalationRule,
    SlaPolicy,
    SlaTarget,
    WeeklyHours,
)
from aftersales.sla.selectors import calendar_unpublished_years
from aftersales.sla.services import calendar_touch


def unpublished_years_text(calendar: BusinessCalendar) -> list[str]:
    """One sentence per coming year whose PRC holidays the library does not know yet."""
    lines = []
    for year, by_hand in calendar_unpublished_years(calendar=calendar, today=timezone.localdate()):
        line = _(
            "%(year)s: holidays not yet published — treated as Monday–Friday; add the days by hand."
        ) % {"year": year}
        if by_hand:
            line += " " + ngettext(
                "%(count)d day entered by hand so far.",
                "%(count)d days entered by hand so far.",
                by_hand,
            ) % {"count": by_hand}
        lines.append(line)
    return lines


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0
    fields = ("date", "kind", "opens_at", "closes_at", "note")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "time_zone", "holiday_source", "is_active", "updated_at")
    list_filter = ("holiday_source", "is_active")
    search_fields = ("code", "name")
    readonly_fields = ("holiday_coverage", "version", "updated_at")
    fields = (
        "code",
        "name",
        "time_zone",
        "holiday_source",
        "holiday_coverage",
        "is_active",
        "version",
        "updated_at",
    )
    inlines = [WeeklyHoursInline, CalendarDayInline]

    @admin.display(description=_("holiday coverage"))
    def holiday_coverage(self, obj: BusinessCalendar | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return " ".join(unpublished_years_text(obj)) or _("Holidays known for the coming years.")

    def has_delete_permission(self, request, obj=None) -> bool:
        # Cases and contracts keep pointing at calendars: deactivate instead.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        calendar = self.get_object(request, object_id)
        if request.method == "GET" and calendar is not None:
            for line in unpublished_years_text(calendar):
                messages.warning(request, line)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # After the inlines are saved, so every process recompiles with the new rows.
        calendar_touch(calendar=form.instance)


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "calendar", "is_default", "is_active")
    inlines = [SlaTargetInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # contracts and cases point at policies: deactivate instead


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    """The escalation ladder; a change applies from the next sweep on."""

    list_display = (
        "name",
        "priority",
        "target",
        "anchor",
        "offset_minutes",
        "action",
        "manager_levels",
        "manager_response_minutes",
        "by_email",
        "by_sms",
        "is_active",
        "sort_order",
    )
    list_filter = ("target", "action", "is_active")
    list_editable = ("is_active", "sort_order")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # firings point at rules: deactivate instead


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EscalationFiring)
class EscalationFiringAdmin(ReadOnlyAdmin):
    list_display = (
        "promise",
        "rule",
        "due_at",
        "fired_at",
        "late",
        "ack_due_at",
        "acknowledged_at",
    )
    list_filter = ("late", "rule")
    list_select_related = ("promise", "rule")
