"""Field service: delivery acceptance (货物验收), preventive inspections (巡检), appointments
and dispatch (维修预约 / 派工). Time limits are promises of the engine, never clocks here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.registry.models import Region

# ---------------------------------------------------------------------------------------------
# Delivery acceptance and commissioning (到货验收 / 安装调试)


class DeliveryCounter(models.Model):
    """The last delivery number handed out per local day (core.numbering: DL-…)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class DeliveryStage(models.TextChoices):
    """The stage a delivery waits for next; the three inspections in domain.md's order."""

    INITIAL = "initial", _("Initial inspection")
    PROFESSIONAL = "professional", _("Professional inspection")
    FINAL = "final", _("Final check")
    ACCEPTED = "accepted", _("Accepted")


INSPECTION_STAGES = (DeliveryStage.INITIAL, DeliveryStage.PROFESSIONAL, DeliveryStage.FINAL)


class DeliveryStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("delivery status", "In acceptance")
    # A stage failed: an exchange or repair is under way and the delivery waits for it.
    WAITING_FIX = "waiting_fix", _("Waiting for exchange or repair")
    ACCEPTED = "accepted", pgettext_lazy("delivery status", "Accepted")
    CANCELLED = "cancelled", pgettext_lazy("delivery status", "Cancelled")


class Delivery(models.Model):
    """Goods delivered under a contract (送货单), taken through acceptance to final acceptance."""

    number = models.CharField(_("delivery number"), max_length=40, unique=True)
    contract = models.ForeignKey(
        "contracts.ServiceContract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    customer = models.ForeignKey(
        "registry.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    site = models.ForeignKey(
        "registry.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    project = models.ForeignKey(
        "registry.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    delivery_note_number = models.CharField(_("delivery note number"), max_length=60, blank=True)
    delivery_note = models.FileField(
        _("signed delivery note"), upload_to="deliveries/notes/%Y/%m", blank=True
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=DeliveryStage.choices, default=DeliveryStage.INITIAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.OPEN
    )
    installed_at = models.DateTimeField(_("installed at"), null=True, blank=True)
    commissioned_at = models.DateTimeField(_("commissioned at"), null=True, blank=True)
    acceptance_test_at = models.DateTimeField(_("onsite acceptance test at"), null=True, blank=True)
    acceptance_test_notes = models.TextField(_("acceptance test results"), blank=True)
    accepted_on = models.DateField(_("final acceptance"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("inspect_delivery", _("Can record acceptance inspections and installation")),
            ("inspect_quality", _("Can record the quality department's professional inspection")),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="delivery_customer_idx"),
            models.Index(fields=["status", "stage"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class DeliveryItem(models.Model):
    """One delivered unit (or a quantity of unserialised goods) and the asset it becomes."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="items")
    product_model = models.ForeignKey(
        "registry.ProductModel", verbose_name=_("model"), on_delete=models.PROTECT, related_name="+"
    )
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    received_quantity = models.PositiveIntegerField(_("received quantity"), null=True, blank=True)
    # Set at final acceptance: the asset created or updated, with its acceptance date.
    asset = models.ForeignKey(
        "registry.Asset",
        verbose_name=_("asset"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("delivery item")
        verbose_name_plural = _("delivery items")
        ordering = ["delivery_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="delivery_item_quantity_positive"
            ),
            # A serial is one unit.
            models.CheckConstraint(
                condition=Q(serial_number="") | Q(quantity=1), name="delivery_item_serial_is_one"
            ),
        ]

    def __str__(self) -> str:
        return self.serial_number or f"{self.product_model} ×{self.quantity}"


class FixKind(models.TextChoices):
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", pgettext_lazy("fix kind", "Repair")


class DeliveryInspection(models.Model):
    """One inspection of a stage (a failed stage is inspected again after its fix)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="inspections")
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=[(s.value, s.label) for s in INSPECTION_STAGES],
    )
    passed = models.BooleanField(_("passed"))
    at = models.DateTimeField(_("inspected at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspected by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    # The form's checks (initial: quantity, appearance, manuals, certificates): {code: bool}.
    checks = models.JSONField(_("checks"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    failure_reasons = models.TextField(_("reasons for failure"), blank=True)
    # A disputed professional inspection goes to an outside authority, with its report.
    disputed = models.BooleanField(_("disputed"), default=False)
    authority = models.CharField(_("inspection authority"), max_length=200, blank=True)
    authority_report = models.FileField(
        _("authority's report"), upload_to="deliveries/authority/%Y/%m", blank=True
    )
    # A failure opens an exchange or a repair (an RMA); the delivery waits until it is fixed.
    fix_kind = models.CharField(_("fix"), max_length=20, choices=FixKind.choices, blank=True)
    fix_reference = models.CharField(_("exchange or repair reference"), max_length=60, blank=True)
    # Opened by the product itself: the exchange's return request, or the repair's case.
    fix_return = models.ForeignKey(
        "rma.ReturnRequest",
        verbose_name=_("exchange"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    fix_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("repair case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    # Signed on screen by the customer's person.
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    signature = models.FileField(
        _("signature"), upload_to="deliveries/signatures/%Y/%m", blank=True
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    form = models.FileField(_("form (PDF)"), upload_to="deliveries/forms/%Y/%m", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acceptance inspection")
        verbose_name_plural = _("acceptance inspections")
        ordering = ["delivery_id", "at", "id"]
        indexes = [models.Index(fields=["delivery", "stage"], name="delivery_inspection_idx")]

    def __str__(self) -> str:
        return f"{self.delivery} {self.stage}"


class DeliveryEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("event", "Created")
    INSPECTED = "inspected", _("Inspected")
    FAILED = "failed", _("Failed an inspection")
    FIX_OPENED = "fix_opened", _("Exchange or repair opened")
    DISPUTED = "disputed", _("Disputed before an inspection authority")
    FIXED = "fixed", _("Fixed")
    INSTALLED = "installed", _("Installed")
    COMMISSIONED = "commissioned", _("Commissioned")
    ACCEPTANCE_TEST = "acceptance_test", _("Onsite acceptance test")
    SIGNED = "signed", _("Signed")
    ACCEPTED = "accepted", _("Final acceptance")
    CANCELLED = "cancelled", pgettext_lazy("event", "Cancelled")
    NOTE = "note", pgettext_lazy("event", "Note")


# ---------------------------------------------------------------------------------------------
# Preventive inspections (巡检)


class ChecklistTemplate(models.Model):
    """The inspection manual's checklist for a product line (blank line: the default one)."""

    name = models.CharField(_("name"), max_length=120)
    product_line = models.CharField(_("product line"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["product_line", "name"]

    def __str__(self) -> str:
        return self.name


class ChecklistSection(models.TextChoices):
    SYSTEM = "system", _("System check")
    GENERAL = "general", _("General check")


class ChecklistItemKind(models.TextChoices):
    CHECK = "check", _("Pass / fail")
    MEASURE = "measure", _("Measured value")
    TEXT = "text", _("Text")


class ChecklistItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="items")
    section = models.CharField(_("section"), max_length=20, choices=ChecklistSection.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("item"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ChecklistItemKind.choices, default=ChecklistItemKind.CHECK
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    min_value = models.DecimalField(
        _("lowest acceptable"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest acceptable"), max_digits=12, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template_id", "section", "position", "id"]

    def __str__(self) -> str:
        return self.label


class InspectionPlan(models.Model):
    """A contract year's preventive visits (default four, one per quarter)."""

    contract = models.ForeignKey(
        "contracts.ServiceContract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, related_name="inspection_plans"
    )
    year_starts_on = models.DateField(_("contract year starts on"))
    year_ends_on = models.DateField(_("contract year ends on"))
    visits_per_year = models.PositiveSmallIntegerField(_("visits a year"), default=4)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The region's team takes the visits when no engineer is named (dispatch picks one).
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    notify_days_before = models.PositiveSmallIntegerField(
        _("tell the customer days before"), default=7
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year_starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visits_per_year__gte=1) & Q(visits_per_year__lte=12),
                name="inspection_plan_visits_1_to_12",
            ),
            models.CheckConstraint(
                condition=Q(year_ends_on__gte=F("year_starts_on")),
                name="inspection_plan_year_ordered",
            ),
            # One plan per contract year: generating twice returns the existing one.
            models.UniqueConstraint(
                fields=["contract", "year_starts_on"],
                condition=Q(is_active=True),
                name="inspection_plan_one_per_contract_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.year_starts_on:%Y-%m-%d}"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("visit status", "Planned")
    NOTIFIED = "notified", _("Customer told")
    DONE = "done", pgettext_lazy("visit status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("visit status", "Cancelled")


OPEN_VISIT_STATUSES = (VisitStatus.PLANNED, VisitStatus.NOTIFIED)


class InspectionVisit(models.Model):
    """One preventive visit: its window (a quarter for four a year), date, checks and report."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="visits")
    contract = models.ForeignKey(
        "contracts.ServiceContract", on_delete=models.PROTECT, related_name="inspection_visits"
    )
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, related_name="inspection_visits"
    )
    site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sequence = models.PositiveSmallIntegerField(_("visit"))
    window_starts_on = models.DateField(_("window starts"))
    window_ends_on = models.DateField(_("window ends"))
    planned_on = models.DateField(_("planned on"))
    moved_reason = models.CharField(_("reason for the move"), max_length=300, blank=True)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    notified_at = models.DateTimeField(_("customer told at"), null=True, blank=True)
    request_report = models.FileField(
        _("request report (PDF)"), upload_to="inspections/requests/%Y/%m", blank=True
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    findings = models.TextField(_("findings"), blank=True)
    advice = models.TextField(_("advice"), blank=True)
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    signature = models.FileField(
        _("signature"), upload_to="inspections/signatures/%Y/%m", blank=True
    )
    report = models.FileField(_("report (PDF)"), upload_to="inspections/reports/%Y/%m", blank=True)
    # Denormalised from the engine's promise for the overdue list; the engine owns the due time.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["planned_on", "id"]
        permissions = [("work_visit", _("Can carry out inspection visits"))]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sequence"], name="inspection_visit_sequence"),
            models.CheckConstraint(
                condition=Q(window_ends_on__gte=F("window_starts_on")),
                name="inspection_visit_window_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "planned_on"], name="visit_status_planned_idx"),
            models.Index(fields=["engineer", "planned_on"], name="visit_engineer_planned_idx"),
            models.Index(fields=["customer", "planned_on"], name="visit_customer_planned_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} #{self.sequence} {self.planned_on:%Y-%m-%d}"


class VisitCheck(models.Model):
    """One checklist line as done on a visit (the label is copied: templates change)."""

    visit = models.ForeignKey(InspectionVisit, on_delete=models.PROTECT, related_name="checks")
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    section = models.CharField(_("section"), max_length=20, choices=ChecklistSection.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("item"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ChecklistItemKind.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    min_value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    max_value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    ok = models.BooleanField(_("passed"), null=True, blank=True)
    value = models.DecimalField(
        _("measured"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    text = models.CharField(_("note"), max_length=500, blank=True)
    out_of_range = models.BooleanField(_("out of range"), default=False)

    class Meta:
        verbose_name = _("visit check")
        verbose_name_plural = _("visit checks")
        ordering = ["visit_id", "section", "position", "id"]

    def __str__(self) -> str:
        return self.label


class VisitFinding(models.Model):
    """A finding of a visit; one tap opens a case for it."""

    visit = models.ForeignKey(
        InspectionVisit, on_delete=models.PROTECT, related_name="finding_rows"
    )
    asset = models.ForeignKey(
        "registry.Asset", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("finding"))
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit finding")
        verbose_name_plural = _("visit findings")
        ordering = ["visit_id", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class VisitEventKind(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("event", "Planned")
    MOVED = "moved", _("Moved")
    NOTIFIED = "notified", _("Customer told")
    STARTED = "started", pgettext_lazy("event", "Started")
    CHECKED = "checked", _("Checklist filled")
    FINDING = "finding", _("Finding")
    CHANGE = "change", _("Configuration change")
    SIGNED = "signed", _("Signed")
    COMPLETED = "completed", pgettext_lazy("event", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("event", "Cancelled")
    NOTICE = "notice", _("Reminder")


# ---------------------------------------------------------------------------------------------
# Appointments and dispatch (维修预约 / 派工)


class AppointmentKind(models.TextChoices):
    CASE = "case", _("Case")
    REPAIR = "repair", _("Repair order")
    VISIT = "visit", _("Inspection visit")
    INSTALLATION = "installation", _("Installation")
    OTHER = "other", pgettext_lazy("appointment kind", "Other")


class AppointmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed to the customer")
    CONFIRMED = "confirmed", _("Confirmed")
    RESCHEDULE = "reschedule", _("Reschedule asked")
    DONE = "done", pgettext_lazy("appointment status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("appointment status", "Cancelled")


# The statuses that hold the engineer's time: a double booking is checked against these.
BOOKED_STATUSES = (
    AppointmentStatus.PROPOSED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.RESCHEDULE,
)


class Appointment(models.Model):
    """An engineer's onsite commitment: a case, a repair, a visit or an installation."""

    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=AppointmentKind.choices, default=AppointmentKind.OTHER
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    visit = models.ForeignKey(
        InspectionVisit,
        verbose_name=_("inspection visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("delivery"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    repair_order = models.ForeignKey(
        "repairs.RepairOrder",
        verbose_name=_("repair order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    customer = models.ForeignKey(
        "registry.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    site = models.ForeignKey(
        "registry.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.CONFIRMED,
    )
    # The engineer's phone retries a submission with the same key: it never books twice.
    client_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        permissions = [("dispatch", _("Can book engineers and use the dispatch board"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["engineer", "starts_at"], name="appointment_engineer_idx"),
            models.Index(fields=["starts_at"], name="appointment_starts_idx"),
            models.Index(fields=["case"], name="appointment_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.engineer} {self.starts_at:%Y-%m-%d %H:%M}"


def job_photo_upload_to(instance: JobPhoto, filename: str) -> str:
    return f"appointments/{instance.appointment_id}/{filename}"


class JobPhoto(models.Model):
    """A photo the engineer takes on the job (the fault, the fix, the cabinet afterwards)."""

    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("appointment"),
        on_delete=models.PROTECT,
        related_name="photos",
    )
    file = models.FileField(upload_to=job_photo_upload_to)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    # A phone that lost its answer sends the photo again with the same key: kept once.
    client_key = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("job photo")
        verbose_name_plural = _("job photos")
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "client_key"],
                condition=~Q(client_key=""),
                name="job_photo_key_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProposedSlot(models.Model):
    """A slot the seat offers; the customer picks one on the portal or by the link."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    chosen = models.BooleanField(_("chosen"), default=False)

    class Meta:
        verbose_name = _("proposed slot")
        verbose_name_plural = _("proposed slots")
        ordering = ["appointment_id", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="proposed_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentEventKind(models.TextChoices):
    BOOKED = "booked", _("Booked")
    PROPOSED = "proposed", _("Slots proposed")
    CONFIRMED = "confirmed", _("Confirmed by the customer")
    RESCHEDULE = "reschedule", _("Reschedule asked")
    MOVED = "moved", _("Moved")
    DEPARTED = "departed", _("Departed for the site")
    ARRIVED = "arrived", _("Arrived onsite")
    FINISHED = "finished", _("Finished onsite")
    PART_USED = "part_used", _("Part used from car stock")
    PHOTO = "photo", _("Photo added")
    CANCELLED = "cancelled", pgettext_lazy("event", "Cancelled")


class RegionalRepresentative(models.Model):
    """The 区域代表 of a region (seed 001): follows its customers and sees its engineers."""

    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("representative"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("regional representative")
        verbose_name_plural = _("regional representatives")
        ordering = ["region"]
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(is_active=True),
                name="one_representative_per_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_region_display()}: {self.user}"
