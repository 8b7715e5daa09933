"""Business calendars as data: weekly hours, holiday source and per-date overrides."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MIDNIGHT = dt.time(0, 0)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone %(value)s."), params={"value": value})


class HolidaySource(models.TextChoices):
    PRC = "prc", _("PRC statutory holidays and make-up working days")
    NONE = "none", _("None")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    holiday_source = models.CharField(
        _("holiday source"),
        max_length=8,
        choices=HolidaySource.choices,
        default=HolidaySource.NONE,
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Both change on every service and admin save that touches the calendar or its rows. The
    # version counts edits for people; compiled calendars cached in each process are keyed by
    # the random revision, which a rolled-back edit cannot make ambiguous as a counter could.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    revision = models.UUIDField(default=uuid.uuid4, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class WeeklyHours(models.Model):
    """One opening interval on one weekday; several per day make a lunch break."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("opens at"))
    ends_at = models.TimeField(_("closes at"), help_text=_("00:00 means midnight (24:00)."))

    class Meta:
        ordering = ["calendar", "weekday", "starts_at"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")) | Q(ends_at=MIDNIGHT),
                name="sla_weeklyhours_closes_after_opening",
                violation_error_message=_("Opening hours must close after they open."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class CalendarDay(models.Model):
    """A date that differs from the weekly hours: a company day off or a special working day."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed")
        OPEN = "open", _("Open")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    opens_at = models.TimeField(
        _("opens at"), null=True, blank=True, help_text=_("Empty: a normal working day's hours.")
    )
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"], name="sla_calendarday_one_per_date"
            ),
            models.CheckConstraint(
                condition=(
                    Q(opens_at__isnull=True, closes_at__isnull=True)
                    | Q(kind="open", opens_at__isnull=False, closes_at__isnull=False)
                    & (Q(closes_at__gt=F("opens_at")) | Q(closes_at=MIDNIGHT))
                ),
                name="sla_calendarday_hours_only_when_open",
                violation_error_message=_(
                    "Hours go with an open day, both or neither, closing after opening."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class SlaPolicy(models.Model):
    """A service level: a calendar plus time targets per priority (configuration is data)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    is_default = models.BooleanField(
        _("default policy"),
        default=False,
        help_text=_("Applies to customers without a contract."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_sla_policy"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    """Service minutes allowed per priority; blank means no promise for that target."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(_("priority"), max_length=2)
    response_minutes = models.PositiveIntegerField(_("first response (min)"), null=True, blank=True)
    diagnosis_minutes = models.PositiveIntegerField(_("diagnosis (min)"), null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(_("resolution (min)"), null=True, blank=True)
    onsite_minutes = models.PositiveIntegerField(_("onsite arrival (min)"), null=True, blank=True)

    class Meta:
        ordering = ["policy", "priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_per_priority")
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.priority}"


class Target(models.TextChoices):
    """The case kind's targets (kept for its policy table); any kind may declare other codes."""

    RESPONSE = "response", _("First response")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    RESOLUTION = "resolution", _("Restore / resolution")
    ONSITE = "onsite", _("Onsite arrival")


class DueRule(models.TextChoices):
    """How a promise's due moment follows from its start (pure functions in sla.rules)."""

    SERVICE_MINUTES = "service_minutes", _("N service minutes on the calendar")
    CUTOFF = "cutoff", _("Same business day before the cut-off, else next business day noon")
    NTH_BUSINESS_DAY = "nth_business_day", _("By 17:00 of the Nth business day after the day")
    WALL_MINUTES = "wall_minutes", _("N minutes of wall-clock time")


class Promise(models.Model):
    """One time promise on one subject of a registered kind (sla.subjects): due, pauses, met.

    Service time is banked in `used` whenever the promise stops running (pause, completion,
    close); while it runs, `due_at` = `running_since` + (`minutes` − `used`) of service time.
    Only SERVICE_MINUTES promises pause; the other rules fix `due_at` when they start.
    """

    subject_kind = models.CharField(_("subject kind"), max_length=24)
    subject_id = models.BigIntegerField(_("subject"))
    # Stored for reports and penalties; plain ids, contracts sit above the engine.
    customer_id = models.BigIntegerField(_("customer"), null=True, blank=True)
    contract_id = models.BigIntegerField(_("contract"), null=True, blank=True, db_index=True)
    priority = models.CharField(_("priority"), max_length=8, blank=True)
    target = models.CharField(_("target"), max_length=32)
    rule = models.CharField(
        _("due rule"), max_length=24, choices=DueRule.choices, default=DueRule.SERVICE_MINUTES
    )
    minutes = models.PositiveIntegerField(_("promised service minutes"))
    calendar = models.CharField(_("calendar"), max_length=32, default="5x8")
    started_at = models.DateTimeField(_("started at"))
    running_since = models.DateTimeField(null=True, blank=True)
    used = models.DurationField(_("service time used"), default=dt.timedelta(0))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    # The due moment that passed unmet; once recorded a breach stays (penalties read it).
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)
    # The next moment the sweep has work here (a breach or an escalation step); None when idle.
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        ordering = ["subject_kind", "subject_id", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id", "target"], name="sla_promise_per_target"
            )
        ]
        indexes = [
            # penalties per contract and period: breached promises by due moment
            models.Index(
                fields=["breached_at"],
                condition=Q(breached_at__isnull=False),
                name="sla_clock_breached_idx",
            ),
            # sla_sweep: next_check_at <= now; only promises with work ahead carry a value.
            models.Index(
                fields=["next_check_at", "id"],
                condition=Q(next_check_at__isnull=False),
                name="sla_promise_next_check_idx",
            ),
            # reports.dashboard.promise_counts (due in the next hour, missed and not done, RMA
            # shipments due): promises neither completed nor stopped, every column the tiles
            # read (the always-null two included) so the count is an index-only scan.
            models.Index(
                fields=[
                    "due_at",
                    "breached_at",
                    "paused_at",
                    "completed_at",
                    "stopped_at",
                    "subject_kind",
                    "target",
                    "customer_id",
                    "priority",
                ],
                condition=Q(completed_at__isnull=True, stopped_at__isnull=True),
                name="sla_promise_undone_idx",
            ),
            # reports: the compliance trend's missed promises per week and target
            # (charts._compliance_by_week) and the penalty exposure's breaches of the period
            # (dashboard.penalty_exposure): index-only scans of the period's breaches.
            models.Index(
                fields=[
                    "breached_at",
                    "target",
                    "contract_id",
                    "subject_kind",
                    "completed_at",
                    "stopped_at",
                ],
                condition=Q(breached_at__isnull=False),
                name="sla_promise_breach_cover_idx",
            ),
            # reports: promises met within a period per target (charts._compliance_by_week,
            # kpis.decided_in's "met"): completed on time, never breached.
            models.Index(
                fields=["completed_at", "target"],
                condition=Q(met=True, breached_at__isnull=True),
                name="sla_promise_met_idx",
            ),
            # reports: one customer's promises (the quarterly/yearly summary's compliance,
            # the portal dashboard, KPIs filtered by customer).
            models.Index(fields=["customer_id", "target"], name="sla_promise_customer_idx"),
        ]
        permissions = [
            ("view_penalties", _("Can see contract penalties")),
            ("waive_penalty", _("Can waive a penalty line")),
        ]

    def __str__(self) -> str:
        return f"{self.subject_kind} {self.subject_id} {self.target}"

    @property
    def is_running(self) -> bool:
        return self.running_since is not None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def remaining(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.minutes) - self.used


class EscalationAnchor(models.TextChoices):
    START = "start", _("after the clock started")
    DUE = "due", _("relative to the due moment")
    SHARE = "share", _("at a share (percent) of the promised time")


class EscalationAction(models.TextChoices):
    REMIND = "remind", _("Remind the engineer and the seat")
    REASSIGN = "reassign", _("Reassign to the next available engineer")
    NOTIFY_MANAGERS = "notify_managers", _("Notify managers")


class EscalationRule(models.Model):
    """One step of the escalation ladder (configuration is data, rule 8)."""

    name = models.CharField(_("name"), max_length=100)
    subject_kind = models.CharField(_("subject kind"), max_length=24, default="case")
    priority = models.CharField(
        _("priority"), max_length=8, blank=True, help_text=_("Empty: every priority.")
    )
    target = models.CharField(_("target"), max_length=32)
    anchor = models.CharField(
        _("counted"), max_length=8, choices=EscalationAnchor.choices, default=EscalationAnchor.START
    )
    offset_minutes = models.IntegerField(
        _("offset (service minutes)"),
        help_text=_(
            "After the clock started, before (negative) / after the due moment, "
            "or the percent of the promised time."
        ),
    )
    action = models.CharField(_("action"), max_length=20, choices=EscalationAction.choices)
    manager_levels = models.CharField(
        _("manager levels"),
        max_length=100,
        blank=True,
        help_text=_("Comma-separated: technical, response_centre, technical_centre, general."),
    )
    manager_response_minutes = models.PositiveIntegerField(
        _("manager responds within (min)"), null=True, blank=True
    )
    by_email = models.BooleanField(_("by e-mail"), default=True)
    by_sms = models.BooleanField(_("by SMS"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        constraints = [
            models.CheckConstraint(
                condition=~Q(anchor="start") | Q(offset_minutes__gte=0),
                name="sla_escalation_start_offset_not_negative",
                violation_error_message=_("Counted from the start, the offset cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(action="notify_managers") | ~Q(manager_levels=""),
                name="sla_escalation_managers_named",
                violation_error_message=_("Name the manager levels to notify."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def levels(self) -> list[str]:
        return [level.strip() for level in self.manager_levels.split(",") if level.strip()]

    @property
    def channels(self) -> list[str]:
        return [c for c, on in (("email", self.by_email), ("sms", self.by_sms)) if on]

    def applies_to(self, promise: Promise) -> bool:
        """Whether this step belongs to the promise's ladder: kind, target, priority or any."""
        return (
            self.is_active
            and self.subject_kind == promise.subject_kind
            and self.target == promise.target
            and self.priority in ("", promise.priority)
        )


class EscalationFiring(models.Model):
    """A rule fired on a promise: once per (promise, rule), even with two sweeps (rule 5)."""

    promise = models.ForeignKey(Promise, on_delete=models.CASCADE, related_name="firings")
    rule = models.ForeignKey(EscalationRule, on_delete=models.PROTECT, related_name="firings")
    due_at = models.DateTimeField(_("due at"))
    fired_at = models.DateTimeField(_("fired at"))
    late = models.BooleanField(_("late"), default=False)
    # Managers promise an answer within the rule's time (24 h for P1, ...).
    ack_due_at = models.DateTimeField(_("manager response due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("manager responded at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["fired_at", "id"]
        verbose_name = _("escalation firing")
        verbose_name_plural = _("escalation firings")
        constraints = [
            models.UniqueConstraint(fields=["promise", "rule"], name="sla_firing_once_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.promise_id} {self.rule_id} {self.fired_at:%Y-%m-%d %H:%M}"
