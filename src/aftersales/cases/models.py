"""Cases (服务请求 / 工单): what a customer asked for, and every action taken on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.db import PlannedQuerySet
from aftersales.core.models import Activity, ActivityQuerySet  # the one timeline (also re-exported)


class Priority(models.TextChoices):
    P1 = "P1", _("P1 – system down")
    P2 = "P2", _("P2 – seriously degraded")
    P3 = "P3", _("P3 – impaired")
    P4 = "P4", _("P4 – information request")


# Shown to the seat beside the priority picker (domain.md, 故障级别).
PRIORITY_DEFINITIONS = {
    Priority.P1: _("Host system down, major impact on the business."),
    Priority.P2: _("Operation seriously degraded, business seriously affected."),
    Priority.P3: _("Operation impaired, most of the business still works."),
    Priority.P4: _("Information or configuration request, little or no impact."),
}


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    RESPONDED = "responded", _("Responded")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (
    Status.NEW,
    Status.ASSIGNED,
    Status.RESPONDED,
    Status.IN_PROGRESS,
    Status.WAITING,
)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Portal")
    FAX = "fax", _("Fax")
    LETTER = "letter", _("Letter")
    API = "api", _("API")


class ServiceMode(models.TextChoices):
    REMOTE = "remote", _("Remote")
    PHONE = "phone", _("Phone answer")
    ONSITE = "onsite", _("Onsite")
    CARRY_IN = "carry_in", _("Carry-in")
    MAIL_IN = "mail_in", _("Mail-in")
    PAID = "paid", _("Paid service")


class CaseType(models.Model):
    """Configurable case classification (咨询, 故障, 安装, 升级, ...)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    fault_symptom = models.TextField(_("fault symptom"), blank=True)

    # Customer, vendor, case type and assignee: the queue indexes (Meta) lead with these
    # columns and serve their foreign-key lookups too; a plain index each would be a duplicate
    # that every new case pays for.
    customer = models.ForeignKey(
        "registry.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    contact = models.ForeignKey(
        "registry.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    caller_name = models.CharField(_("caller name"), max_length=100, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=40, blank=True)
    asset = models.ForeignKey(
        "registry.Asset",
        verbose_name=_("asset"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    serial_number = models.CharField(_("serial number as given"), max_length=80, blank=True)
    product_model = models.ForeignKey(
        "registry.ProductModel",
        verbose_name=_("model"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    vendor = models.ForeignKey(
        "registry.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,
    )
    case_type = models.ForeignKey(
        CaseType,
        verbose_name=_("case type"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    service_mode = models.CharField(
        _("service mode"), max_length=20, choices=ServiceMode.choices, default=ServiceMode.REMOTE
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    is_major = models.BooleanField(_("major request (重大请求)"), default=False)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_index=False,
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="participating_cases",
    )
    escalated_to_expert = models.BooleanField(_("escalated to an expert"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    created_at = models.DateTimeField(_("created at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    diagnosed_at = models.DateTimeField(_("diagnosed at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.TextField(_("solution"), blank=True)
    # Resolved cases close by themselves after this moment unless the customer objects.
    auto_close_at = models.DateTimeField(null=True, blank=True)
    auto_close_notice_sent = models.BooleanField(default=False)

    sla_calendar = models.CharField(_("service calendar"), max_length=40, blank=True)
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    diagnosis_due_at = models.DateTimeField(_("diagnosis due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    # Which service level applied and why (sla.clockwork keeps these and the clocks in step).
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        verbose_name=_("SLA policy"),
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
        related_name="cases",
    )
    sla_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    next_sla_check_at = models.DateTimeField(null=True, blank=True, editable=False)

    entitlement_status = models.CharField(_("entitlement"), max_length=20, blank=True)
    entitlement_reason = models.CharField(_("entitlement reason"), max_length=300, blank=True)

    tags = models.ManyToManyField(
        "cases.Tag", verbose_name=_("tags"), blank=True, related_name="cases"
    )
    # A duplicate merged into another case points at it; both histories stay.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
    )

    rma_requested = models.BooleanField(_("handed to RMA"), default=False)
    rma_reference = models.CharField(_("RMA reference"), max_length=60, blank=True)

    # Optimistic lock: every write bumps it; a stale form or client gets a 409.
    version = models.PositiveIntegerField(default=1)
    # jieba-segmented number, title, description and comments, for full-text search.
    search_text = models.TextField(blank=True, editable=False)

    objects = PlannedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        permissions = [
            ("assign_case", _("Can assign cases")),
            ("take_over_case", _("Can take over cases")),
            ("work_case", _("Can work on cases (respond, diagnose, escalate, resolve)")),
            ("close_case", _("Can close or cancel any case")),
            ("record_approval", _("Can record major-request approvals")),
            ("view_internal", _("Can see internal notes")),
        ]
        indexes = [
            # Staff queues: one filter, newest first, in the order case_search sorts (with id).
            models.Index(
                fields=["assignee", "status", "-created_at", "-id"], name="case_assignee_queue_idx"
            ),
            models.Index(fields=["assignee", "-created_at", "-id"], name="case_assignee_idx"),
            # The unassigned queue, newest first. With the status list the index above gives
            # one sorted run per status; after a burst of new cases the planner underestimated
            # them and sorted all (103 ms p95 at 1M, bench/case_bench.py): this one reads 50.
            models.Index(
                fields=["-created_at", "-id"],
                name="case_unassigned_queue_idx",
                condition=Q(assignee__isnull=True, status__in=OPEN_STATUSES),
            ),
            models.Index(fields=["status", "-created_at", "-id"], name="case_status_queue_idx"),
            models.Index(fields=["customer", "-created_at", "-id"], name="case_customer_idx"),
            models.Index(fields=["priority", "-created_at", "-id"], name="case_priority_idx"),
            models.Index(fields=["case_type", "-created_at", "-id"], name="case_type_idx"),
            models.Index(fields=["vendor", "-created_at", "-id"], name="case_vendor_idx"),
            # Auto-close sweep: resolved cases whose quiet period ended.
            models.Index(
                fields=["auto_close_at"],
                name="case_auto_close_idx",
                condition=models.Q(status="resolved"),
            ),
            # sla_sweep: next_sla_check_at <= now; only open cases carry a value.
            models.Index(
                fields=["next_sla_check_at"],
                name="case_sla_check_idx",
                condition=models.Q(next_sla_check_at__isnull=False),
            ),
            # The "due soonest" queue order.
            models.Index(
                fields=["sla_due_at"],
                name="case_sla_due_idx",
                condition=models.Q(sla_due_at__isnull=False),
            ),
            # reports.dashboard.open_counts: open cases per status, priority and assignee (the
            # open tiles, unassigned, engineers' load, the backlog's "open now"), index-only.
            models.Index(
                fields=["status", "priority", "assignee", "customer"],
                name="case_open_counts_idx",
                condition=Q(status__in=OPEN_STATUSES, merged_into__isnull=True),
            ),
            # reports.charts.backlog: cases finished (resolved, else closed) since a day.
            models.Index(
                models.functions.Coalesce("resolved_at", "closed_at"),
                name="case_finished_idx",
                condition=Q(merged_into__isnull=True) & ~Q(status__in=OPEN_STATUSES),
            ),
            # reports.charts: cases opened in the period (backlog, durations, cases by type,
            # product, vendor and region).
            models.Index(
                fields=["created_at"],
                name="case_opened_idx",
                condition=Q(merged_into__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def activities(self) -> ActivityQuerySet:
        """This case's timeline rows (core.Activity, subject kind "case"), in order."""
        return Activity.objects.filter(subject_kind="case", subject_id=self.pk).order_by("at", "id")


class ActivityKind(models.TextChoices):
    CREATED = "created", _("Case opened")
    ASSIGNED = "assigned", _("Assigned")
    TAKEN_OVER = "taken_over", _("Taken over")
    RESPONDED = "responded", _("Responded")
    STARTED = "started", _("Work started")
    COMMENT = "comment", _("Comment")
    WAITING = "waiting", _("Waiting for customer")
    RESUMED = "resumed", _("Resumed")
    ESCALATED = "escalated", _("Escalated to an expert")
    VENDOR_CASE = "vendor_case", _("Vendor case")
    RMA = "rma", _("Handed to RMA")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Resolution confirmed")
    REJECTED = "rejected", _("Resolution rejected")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    UPDATED = "updated", _("Details changed")
    APPROVAL = "approval", _("Major request approval")
    ATTACHMENT = "attachment", _("Attachment added")
    EMAIL = "email", _("E-mail received")
    NOTICE = "notice", _("Notice")
    DEPARTED = "departed", _("Departed for the site")
    ARRIVED = "arrived", _("Arrived onsite")
    FINISHED = "finished", _("Onsite work finished")
    TAGGED = "tagged", _("Tags changed")
    LINKED = "linked", _("Linked to a case")
    MERGED = "merged", _("Merged")
    WORK_LOGGED = "work_logged", _("Time logged")
    MACRO = "macro", _("Macro applied")


class CaseCounter(models.Model):
    """Last case number handed out per local day; bumped with one atomic upsert."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    activity = models.ForeignKey(
        "core.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(upload_to=attachment_upload_to)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class MajorApproval(models.Model):
    """The signed 《重大请求审批表》 for a major request; a refusal blocks the case for good."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="approvals")
    approver = models.CharField(_("approver"), max_length=100)
    decision = models.CharField(_("decision"), max_length=10, choices=ApprovalDecision.choices)
    decided_on = models.DateField(_("decided on"))
    form = models.FileField(_("signed form"), upload_to="approvals/", blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("major request approval")
        verbose_name_plural = _("major request approvals")
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"{self.approver}: {self.decision}"


class VendorCaseState(models.TextChoices):
    OPEN = "open", _("Open")
    WAITING_VENDOR = "waiting_vendor", _("Waiting for vendor")
    SOLVED = "solved", _("Solved by vendor")
    CLOSED = "closed", _("Closed")


class VendorCase(models.Model):
    """A case opened with the original vendor (原厂) on our customer's behalf."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="vendor_cases")
    vendor = models.ForeignKey("registry.Vendor", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("vendor reference"), max_length=80, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=VendorCaseState.choices, default=VendorCaseState.OPEN
    )
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("vendor case")
        verbose_name_plural = _("vendor cases")

    def __str__(self) -> str:
        return f"{self.vendor_id} {self.reference}"


class Watch(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="watch_once")]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.case_id}"


class SavedView(models.Model):
    """A staff member's named queue filter (the query string of the case list)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=1000)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_per_user")
        ]

    def __str__(self) -> str:
        return self.name


class InboundEmailStatus(models.TextChoices):
    NEW_CASE = "new_case", _("Opened a case")
    COMMENT = "comment", _("Added to a case")
    TRIAGE = "triage", _("Waiting for triage")
    IGNORED = "ignored", _("Ignored")
    ERROR = "error", _("Error")


class TriageReason(models.TextChoices):
    UNKNOWN_SENDER = "unknown_sender", _("Sender is not a known contact")
    AMBIGUOUS_SENDER = "ambiguous_sender", _("Sender is a contact of several customers")
    UNKNOWN_CASE = "unknown_case", _("Refers to a case number that does not exist")
    NOT_ON_CASE = "not_on_case", _("Sender does not belong to the case's customer")
    AUTO_REPLY = "auto_reply", _("Automatic reply or bounce")
    OWN_ADDRESS = "own_address", _("Sent from our own address (mail loop)")
    BY_STAFF = "by_staff", _("Ignored by staff")
    FAILED = "failed", _("Could not be processed")


class InboundEmail(models.Model):
    """One received e-mail, kept whatever became of it: the intake's audit trail and triage."""

    # Header value without the angle brackets; synthesised from a hash when the mail has none.
    message_id = models.CharField(_("Message-ID"), max_length=255)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    to = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"))
    raw_size = models.PositiveIntegerField(_("size in bytes"), default=0)
    # The message as received, so a triaged mail loses nothing (attachments included).
    raw = models.FileField(_("original message"), upload_to="inbound/%Y/%m/", blank=True)
    in_reply_to = models.TextField(_("in reply to"), blank=True)
    references = models.TextField(_("references"), blank=True)
    text_body = models.TextField(_("text"), blank=True)
    html_body = models.TextField(_("sanitised HTML"), blank=True)
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_emails",
    )
    activity = models.ForeignKey(
        "core.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=InboundEmailStatus.choices)
    triage_reason = models.CharField(
        _("reason"), max_length=20, choices=TriageReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-id"]
        constraints = [
            # Redelivery by the MTA or a second IMAP poll must never process a mail twice.
            models.UniqueConstraint(fields=["message_id"], name="inbound_email_message_id_once")
        ]
        indexes = [
            # The triage queue and the API list: by status, newest first.
            models.Index(fields=["status", "-received_at"], name="inbound_email_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"


class TagColour(models.TextChoices):
    GREY = "secondary", _("Grey")
    BLUE = "primary", _("Blue")
    GREEN = "success", _("Green")
    YELLOW = "warning", _("Yellow")
    RED = "danger", _("Red")
    CYAN = "info", _("Cyan")


class Tag(models.Model):
    """A label a desk puts on cases (a product line, a campaign, "VIP"); names are unique."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    colour = models.CharField(
        _("colour"), max_length=12, choices=TagColour.choices, default=TagColour.GREY
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        # "VIP" and "vip" are one tag, even when two people coin it at the same instant.
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class CaseLinkKind(models.TextChoices):
    RELATED = "related", _("Related")
    DUPLICATE = "duplicate", pgettext_lazy("case link", "Duplicate of")


class CaseLink(models.Model):
    """One case pointing at another; stored once and shown on both cases."""

    from_case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="links_out"
    )
    to_case = models.ForeignKey(
        Case, verbose_name=_("linked case"), on_delete=models.PROTECT, related_name="links_in"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=CaseLinkKind.choices, default=CaseLinkKind.RELATED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("case link")
        verbose_name_plural = _("case links")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["from_case", "to_case"], name="case_link_once"),
            models.CheckConstraint(
                condition=~Q(from_case=models.F("to_case")), name="case_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_case_id} -> {self.to_case_id}"


class Macro(models.Model):
    """A canned reply plus field changes (e.g. "waiting for logs"), shared with a role or
    kept by one person; retired, never deleted."""

    name = models.CharField(_("name"), max_length=80)
    body = models.TextField(_("reply text"), blank=True)
    internal = models.BooleanField(_("internal note"), default=False)
    set_status = models.CharField(
        _("set status"), max_length=20, choices=Status.choices, blank=True
    )
    set_priority = models.CharField(
        _("set priority"), max_length=2, choices=Priority.choices, blank=True
    )
    add_tags = models.ManyToManyField(
        Tag, verbose_name=_("add tags"), blank=True, related_name="macros"
    )
    # Shared with everybody holding this role, or personal to `owner`: exactly one is set.
    team = models.CharField(_("team"), max_length=30, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="macros",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name", "id"]
        permissions = [("manage_team_macros", _("Can manage macros shared with a team"))]
        constraints = [
            models.CheckConstraint(
                condition=(Q(team="") & Q(owner__isnull=False))
                | (~Q(team="") & Q(owner__isnull=True)),
                name="macro_team_or_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkLog(models.Model):
    """Minutes one person spent on a case, for appraisal; a wrong entry is voided, not deleted."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="work_logs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="work_logs",
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    worked_on = models.DateField(_("worked on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log")
        ordering = ["worked_on", "id"]
        indexes = [models.Index(fields=["user", "worked_on"], name="worklog_user_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=1440), name="worklog_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.minutes} min"
