"""Reports (报告): scheduled deliveries of the written reports and the export jobs behind large
downloads. KPIs and dashboards are read from the modules' own rows and hold nothing here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    WEEKLY_ENGINEER = "weekly_engineer", _("Weekly engineer report")
    MONTHLY_MAJOR = "monthly_major", _("Monthly major-request report")
    QUARTERLY_CUSTOMER = "quarterly_customer", _("Quarterly maintenance summary")
    YEARLY_CUSTOMER = "yearly_customer", _("Yearly maintenance summary")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class ReportSchedule(models.Model):
    """A written report sent by e-mail to chosen recipients after each period closes."""

    kind = models.CharField(_("report"), max_length=24, choices=ReportKind.choices)
    format = models.CharField(
        _("format"), max_length=8, choices=ReportFormat.choices, default=ReportFormat.PDF
    )
    customer = models.ForeignKey(
        "registry.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contract = models.ForeignKey(
        "contracts.ServiceContract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipients = models.TextField(_("recipients"), help_text=_("One e-mail address a line."))
    is_active = models.BooleanField(_("active"), default=True)
    last_period = models.CharField(_("last period sent"), max_length=16, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        permissions = [
            ("view_reports", _("Can see KPIs, dashboards and reports")),
            ("view_appraisal", _("Can see every engineer's appraisal")),
            ("schedule_reports", _("Can schedule reports by e-mail")),
        ]

    def __str__(self) -> str:
        first = self.recipients.splitlines()[0] if self.recipients else ""
        return f"{self.get_kind_display()} → {first}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", pgettext_lazy("job", "Failed")


class ExportJob(models.Model):
    """A large export or report built by the worker; its page shows the progress."""

    kind = models.CharField(_("export"), max_length=40)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=8)
    status = models.CharField(
        _("status"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.processed}/{self.total}"
