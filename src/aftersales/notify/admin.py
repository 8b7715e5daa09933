from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ApplicationError
from aftersales.notify import services
from aftersales.notify.models import OutboxMessage, Status


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: rows are written by services only and never deleted."""

    list_display = (
        "id",
        "created_at",
        "channel",
        "address",
        "kind",
        "ref_type",
        "ref_id",
        "status",
        "attempts",
        "sent_at",
        "late",
    )
    list_filter = ("channel", "status", "late", "kind")
    search_fields = ("address", "subject", "ref_id", "dedupe_key", "to_user__username")
    list_select_related = ("to_user",)
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Retry the selected failed messages now"), permissions=["change"])
    def retry_now(self, request, queryset) -> None:
        retried = 0
        for message in queryset.filter(status=Status.FAILED):
            try:
                services.outbox_retry(message=message, by=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"#{message.pk}: {exc.message}", messages.WARNING)
            else:
                retried += 1
        self.message_user(request, _("%(n)d message(s) queued again.") % {"n": retried})
