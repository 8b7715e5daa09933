"""The outbox: every notification is a row written in its caller's transaction (rule 4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class OutboxMessage(models.Model):
    """One e-mail or SMS to one address, delivered at most once by the outbox worker."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    # Resolved at enqueue time so a later profile edit never redirects a queued message.
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    # A stored file (default storage name) mailed as an attachment, e.g. a service report PDF.
    attachment_path = models.CharField(_("attachment"), max_length=300, blank=True)
    attachment_name = models.CharField(_("attachment file name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=64)
    # A generic reference instead of foreign keys, so notify never depends on its callers.
    ref_type = models.CharField(_("reference type"), max_length=40, blank=True)
    ref_id = models.CharField(_("reference"), max_length=64, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # The next moment the worker may take the row: the caller's wish, then each retry's backoff.
    not_before = models.DateTimeField(_("not before"), default=timezone.now)
    # The caller's original "not before", kept to tell whether delivery came late.
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notify_outbox_dedupe_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="notify_outbox_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="notify_outbox_status_valid"
            ),
        ]
        indexes = [
            # outbox_deliver_due: status = 'pending' AND not_before <= now ORDER BY not_before
            models.Index(
                fields=["not_before"],
                condition=models.Q(status="pending"),
                name="notify_outbox_due_idx",
            ),
            # outbox_deliver_due releasing stuck rows: status = 'sending' AND claimed_at < cutoff
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status="sending"),
                name="notify_outbox_stuck_idx",
            ),
            # other apps finding their messages: ref_type = ? AND ref_id = ?
            models.Index(fields=["ref_type", "ref_id"], name="notify_outbox_ref_idx"),
            # the console's and the API's newest-first lists
            models.Index(fields=["-created_at", "-id"], name="notify_outbox_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address or '?'}: {self.subject or self.kind}"

    @property
    def is_retryable(self) -> bool:
        return self.status == Status.FAILED

    @property
    def reference(self) -> str:
        return f"{self.ref_type}:{self.ref_id}" if self.ref_type or self.ref_id else ""


class Notice(models.Model):
    """An in-app notice for the bell: what the outbox tells a staff member, marked read on view."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="notices",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=255)
    ref_type = models.CharField(_("reference type"), max_length=40, blank=True)
    ref_id = models.CharField(_("reference"), max_length=64, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notice_user_idx"),
            # The bell's count reads only the unread ones.
            models.Index(
                fields=["user"], name="notice_unread_idx", condition=models.Q(read_at__isnull=True)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                name="notice_dedupe_once",
                condition=~models.Q(dedupe_key=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title
