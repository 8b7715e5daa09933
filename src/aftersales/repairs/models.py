"""Repair orders (维修单): diagnosis, quote, work, test, customer sign-off, service report."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


class PriceList(models.Model):
    """Labour and travel rates (configuration is data); the default one prices new orders."""

    name = models.CharField(_("name"), max_length=100)
    labour_per_hour = models.DecimalField(
        _("labour per hour (CNY)"), max_digits=10, decimal_places=2
    )
    travel_per_km = models.DecimalField(_("travel per km (CNY)"), max_digits=10, decimal_places=2)
    travel_fixed_fee = models.DecimalField(
        _("fixed travel fee (CNY)"), max_digits=10, decimal_places=2
    )
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_price_list"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FaultCategory(models.Model):
    """A normalised fault (故障类别) chosen on every repair: "same fault" compares these."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # A catch-all category ("other") only matches when the fault texts match too.
    generic = models.BooleanField(_("catch-all"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("fault category")
        verbose_name_plural = _("fault categories")

    def __str__(self) -> str:
        return self.name


class ServiceMode(models.TextChoices):
    ONSITE = "onsite", _("Onsite (上门)")
    CARRY_IN = "carry_in", _("Carry-in (送修)")
    MAIL_IN = "mail_in", _("Mail-in (寄修)")
    REMOTE = "remote", _("Remote (远程)")


class Decision(models.TextChoices):
    UNDECIDED = "", _("Not decided yet")
    REPAIR = "repair", _("Repair")
    SWAP_PART = "swap_part", _("Swap part")
    SWAP_DEVICE = "swap_device", _("Swap device (same brand and model)")


class TravelMode(models.TextChoices):
    NONE = "none", _("No travel")
    KM = "km", _("Per kilometre")
    FIXED = "fixed", _("Fixed fee")


class Exclusion(models.TextChoices):
    """Why the warranty does not apply to this fault (保修除外)."""

    NONE = "", _("None")
    MISUSE = "misuse", _("Misuse")
    ACCIDENT = "accident", _("Accident")
    LIQUID = "liquid", _("Liquid damage")
    DISASSEMBLY = "disassembly", _("Unauthorised disassembly")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")


class RepairStatus(models.TextChoices):
    NEW = "new", _("Diagnosing")
    QUOTED = "quoted", _("Quote sent, awaiting approval")
    APPROVED = "approved", _("Quote approved")
    REFUSED = "refused", _("Quote refused, device returned")
    IN_PROGRESS = "in_progress", _("Repair in progress")
    VERIFIED = "verified", _("Tested and verified")
    SIGNED_OFF = "signed_off", _("Signed off by the customer")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_STATUSES = (RepairStatus.REFUSED, RepairStatus.SIGNED_OFF, RepairStatus.CANCELLED)


class ApprovalChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    PHONE = "phone", _("Phone (recorded by staff)")
    API = "api", _("API")


class SignoffChannel(models.TextChoices):
    PORTAL = "portal", _("Confirmed on the portal")
    SIGNATURE = "signature", _("Signed on screen")


def signature_upload_to(instance: RepairOrder, filename: str) -> str:
    return f"repairs/{instance.pk}/{filename}"


class RepairOrder(models.Model):
    number = models.CharField(_("repair order number"), max_length=40, unique=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="repairs"
    )
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, related_name="repair_orders"
    )
    asset = models.ForeignKey(
        "registry.Asset",
        verbose_name=_("asset"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_orders",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RepairStatus.choices, default=RepairStatus.NEW
    )
    service_mode = models.CharField(_("service mode"), max_length=20, choices=ServiceMode.choices)
    fault_category = models.ForeignKey(
        FaultCategory, verbose_name=_("fault category"), on_delete=models.PROTECT
    )
    fault_text = models.TextField(_("fault as reported"))
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, blank=True, default=""
    )
    solution = models.TextField(_("solution"), blank=True)
    process = models.TextField(_("repair process"), blank=True)
    test_results = models.TextField(_("test results"), blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    engineers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("engineers"), blank=True, related_name="+"
    )

    # Pricing: the rates are copied from the price list so later price changes alter nothing.
    price_list = models.ForeignKey(PriceList, on_delete=models.PROTECT, related_name="+")
    labour_per_hour = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    travel_per_km = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    travel_fixed_fee = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    labour_minutes = models.PositiveIntegerField(_("labour (minutes)"), default=0)
    travel_mode = models.CharField(
        _("travel"), max_length=8, choices=TravelMode.choices, default=TravelMode.NONE
    )
    travel_km = models.DecimalField(
        _("travel distance (km)"), max_digits=8, decimal_places=1, default=Decimal("0")
    )
    parts_cost = models.DecimalField(_("parts"), max_digits=12, decimal_places=2, default=ZERO)
    labour_cost = models.DecimalField(_("labour"), max_digits=12, decimal_places=2, default=ZERO)
    travel_cost = models.DecimalField(_("travel"), max_digits=12, decimal_places=2, default=ZERO)
    total_cost = models.DecimalField(
        _("internal cost"), max_digits=12, decimal_places=2, default=ZERO
    )
    customer_amount = models.DecimalField(
        _("customer pays"), max_digits=12, decimal_places=2, default=ZERO
    )

    entitlement_status = models.CharField(_("entitlement"), max_length=20)
    entitlement_reason = models.CharField(_("entitlement reason"), max_length=300)
    exclusion = models.CharField(
        _("warranty exclusion"), max_length=20, choices=Exclusion.choices, blank=True, default=""
    )
    chargeable = models.BooleanField(_("paid by the customer"), default=False)

    replacement_proposed = models.BooleanField(_("replacement proposed"), default=False)
    replacement_reason = models.TextField(_("why replacement"), blank=True)

    quoted_at = models.DateTimeField(_("quote sent at"), null=True, blank=True)
    quoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quote_amount = models.DecimalField(
        _("quoted amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    approval_decided_at = models.DateTimeField(_("customer decided at"), null=True, blank=True)
    approval_by_name = models.CharField(_("decided by (customer)"), max_length=100, blank=True)
    approval_channel = models.CharField(
        _("decided via"), max_length=10, choices=ApprovalChannel.choices, blank=True
    )
    approval_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_note = models.TextField(_("refusal note"), blank=True)
    # Carry-in: when the service centre received the product (the 72-hour promise counts from it).
    received_at = models.DateTimeField(_("product received at"), null=True, blank=True)
    device_returned_at = models.DateTimeField(_("device returned at"), null=True, blank=True)

    started_at = models.DateTimeField(_("work started at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    engineer_signature = models.FileField(upload_to=signature_upload_to, blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signoff_channel = models.CharField(
        _("signed off via"), max_length=10, choices=SignoffChannel.choices, blank=True
    )
    customer_signature = models.FileField(upload_to=signature_upload_to, blank=True)
    # Repaired items carry their own warranty, counted from the customer's sign-off.
    warranty_until = models.DateField(_("repair warranty until"), null=True, blank=True)
    report = models.ForeignKey(
        "cases.Attachment",
        verbose_name=_("service report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        permissions = [("record_quote_approval", _("Can record a customer's quote decision"))]
        indexes = [
            # Same-fault history of one asset (the replacement rule).
            models.Index(
                fields=["asset", "fault_category", "status"], name="repair_asset_fault_idx"
            ),
            models.Index(fields=["customer", "-created_at"], name="repair_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class RepairPart(models.Model):
    """A part used: drawn from stock (stock_move set: the ledger's issue row) or free text
    for a part not kept in stock."""

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("part"), max_length=200)
    part_number = models.CharField(_("part number"), max_length=80, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price (CNY)"), max_digits=12, decimal_places=2)
    warranty_until = models.DateField(_("part warranty until"), null=True, blank=True)
    stock_part = models.ForeignKey(
        "inventory.Part",
        verbose_name=_("spare part"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    serial = models.CharField(_("serial number"), max_length=80, blank=True)
    stock_move = models.ForeignKey(
        "inventory.StockMove", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def from_stock(self) -> bool:
        return self.stock_move_id is not None


class RepairEventKind(models.TextChoices):
    CREATED = "created", _("Repair order opened")
    UPDATED = "updated", _("Details changed")
    QUOTED = "quoted", _("Quote sent")
    APPROVED = "approved", _("Quote approved")
    REFUSED = "refused", _("Quote refused")
    STARTED = "started", _("Work started")
    VERIFIED = "verified", _("Tested and verified")
    SIGNED_OFF = "signed_off", _("Signed off")
    REPORT = "report", _("Service report archived")
    REPORT_FAILED = "report_failed", _("Service report failed")
    CANCELLED = "cancelled", _("Cancelled")
    RECEIVED = "received", _("Product received")
    RETURNED = "returned", _("Device returned to the customer")
    PART_DRAWN = "part_drawn", _("Part drawn from stock")
    PART_RETURNED = "part_returned", _("Part returned to stock")
    NOTICE = "notice", _("Notice")
