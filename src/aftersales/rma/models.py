"""Return Material Authorisations (RMA): a faulty part or device swapped for a good one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RmaStatus(models.TextChoices):
    OPENED = "opened", _("Opened")
    RESERVED = "reserved", _("Spare reserved")
    SHIPPED = "shipped", _("Spare shipped")
    DELIVERED = "delivered", _("Spare delivered")
    FAULTY_SHIPPED = "faulty_shipped", _("Faulty part sent back")
    FAULTY_RECEIVED = "faulty_received", _("Faulty part received")
    REPAIRED = "repaired", _("Repaired")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = tuple(s for s in RmaStatus.values if s not in ("closed", "cancelled"))


class RmaMode(models.TextChoices):
    ADVANCE = "advance", _("Advance replacement")
    AFTER_RETURN = "after_return", _("Replacement after return")


class RmaEventKind(models.TextChoices):
    OPENED = "rma_opened", _("RMA opened")
    RESERVED = "rma_reserved", _("Spare reserved")
    SHIPPED = "rma_shipped", _("Spare shipped")
    DELIVERED = "rma_delivered", _("Spare delivered")
    FAULTY_SHIPPED = "rma_faulty_shipped", _("Faulty part sent back")
    FAULTY_RECEIVED = "rma_faulty_received", _("Faulty part received")
    VENDOR_SENT = "rma_vendor_sent", _("Sent to the vendor for repair")
    VENDOR_BACK = "rma_vendor_back", _("Back from the vendor")
    REPAIRED = "rma_repaired", _("Repaired")
    CLOSED = "rma_closed", _("Closed")
    CANCELLED = "rma_cancelled", _("Cancelled")
    NOTICE = "notice", _("Notice")


class RmaCounter(models.Model):
    """The last RMA number handed out per local day (numbering.next_rma_number)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Rma(models.Model):
    number = models.CharField(_("return code (退货代码)"), max_length=32, unique=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="rmas"
    )
    customer = models.ForeignKey(
        "registry.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    asset = models.ForeignKey(
        "registry.Asset",
        verbose_name=_("asset"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    part_number = models.CharField(_("part number"), max_length=80)
    faulty_serial = models.CharField(_("faulty part serial"), max_length=80, blank=True)
    fault = models.TextField(_("fault"))
    entitlement_status = models.CharField(_("entitlement"), max_length=20, blank=True)
    entitlement_reason = models.CharField(_("entitlement reason"), max_length=300, blank=True)
    doa = models.BooleanField(_("dead on arrival (DOA)"), default=False)
    mode = models.CharField(
        _("mode"), max_length=16, choices=RmaMode.choices, default=RmaMode.ADVANCE
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RmaStatus.choices, default=RmaStatus.OPENED
    )
    confirmed_at = models.DateTimeField(_("fault confirmed at"))
    reservation_id = models.BigIntegerField(_("reservation"), null=True, blank=True)
    warehouse_code = models.CharField(_("warehouse"), max_length=40, blank=True)
    reserved_at = models.DateTimeField(_("reserved at"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking = models.CharField(_("tracking number"), max_length=100, blank=True)
    shipped_serial = models.CharField(_("spare serial"), max_length=80, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    return_carrier = models.CharField(_("return carrier"), max_length=100, blank=True)
    return_tracking = models.CharField(_("return tracking number"), max_length=100, blank=True)
    faulty_shipped_at = models.DateTimeField(_("faulty part sent at"), null=True, blank=True)
    faulty_received_at = models.DateTimeField(_("faulty part received at"), null=True, blank=True)
    # A repair at the vendor (厂商返修): sent out, their reference, back, what it cost.
    vendor_name = models.CharField(_("vendor"), max_length=100, blank=True)
    vendor_reference = models.CharField(_("vendor RMA reference"), max_length=100, blank=True)
    vendor_sent_at = models.DateTimeField(_("sent to the vendor at"), null=True, blank=True)
    vendor_back_at = models.DateTimeField(_("back from the vendor at"), null=True, blank=True)
    vendor_cost = models.DecimalField(
        _("vendor repair cost (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    repaired_at = models.DateTimeField(_("repaired at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # The earliest due moment of a running promise: the queue's order (rma.promises keeps it).
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("RMA")
        verbose_name_plural = _("RMAs")
        permissions = [("work_rma", _("Can work RMAs"))]
        indexes = [
            # The console queue: open RMAs by their next due promise.
            models.Index(
                fields=["next_due_at"],
                name="rma_open_by_next_due",
                condition=~Q(status__in=["closed", "cancelled"]),
            ),
            models.Index(fields=["customer", "status"], name="rma_customer_status"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# --- returns and exchanges (退换货) -------------------------------------------------------------


class ReturnKind(models.TextChoices):
    RETURN = "return", _("Return (refund)")
    EXCHANGE = "exchange", _("Exchange")


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RECEIVED = "received", _("Goods received")
    PASSED = "passed", _("Inspection passed")
    FAILED = "failed", _("Inspection failed")
    REFUNDED = "refunded", _("Refunded")
    EXCHANGED = "exchanged", _("Exchanged")
    CLOSED = "closed", _("Closed")


RETURN_DONE_STATUSES = ("rejected", "closed")


class FreightPayer(models.TextChoices):
    US = "us", _("We pay the freight")
    CUSTOMER = "customer", _("The customer pays the freight")


class ReturnEventKind(models.TextChoices):
    REQUESTED = "return_requested", _("Return requested")
    APPROVED = "return_approved", _("Return approved")
    REJECTED = "return_rejected", _("Return rejected")
    RECEIVED = "return_received", _("Returned goods received")
    INSPECTED = "return_inspected", _("Returned goods inspected")
    REFUNDED = "return_refunded", _("Refunded")
    EXCHANGED = "return_exchanged", _("Exchanged")
    CLOSED = "return_closed", _("Return closed")
    PHOTO = "return_photo", _("Photo added")
    NOTICE = "notice", _("Notice")


class ReturnCounter(models.Model):
    """The last return code handed out per local day (numbering.next_return_number)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class ReturnRequest(models.Model):
    """A customer's request to return (refund) or exchange goods bought lately (seed 002)."""

    number = models.CharField(_("return code (退货代码)"), max_length=32, unique=True)
    customer = models.ForeignKey(
        "registry.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    asset = models.ForeignKey(
        "registry.Asset",
        verbose_name=_("asset"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ReturnKind.choices, default=ReturnKind.RETURN
    )
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), blank=True)
    doa = models.BooleanField(_("dead on arrival (DOA)"), default=False)
    packaging_intact = models.BooleanField(_("product and packaging intact"), default=True)
    purchased_on = models.DateField(_("purchased on"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    freight_paid_by = models.CharField(
        _("freight paid by"), max_length=16, choices=FreightPayer.choices, blank=True
    )
    requested_at = models.DateTimeField(_("requested at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    received_at = models.DateTimeField(_("goods received at"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspection_passed = models.BooleanField(_("inspection passed"), null=True, blank=True)
    inspection_notes = models.TextField(_("inspection notes"), blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refund_amount = models.DecimalField(
        _("refund amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    exchanged_at = models.DateTimeField(_("exchanged at"), null=True, blank=True)
    replacement_serial = models.CharField(_("replacement serial"), max_length=80, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The earliest due moment of a running promise: the queue's order (return_promises keeps it).
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        indexes = [
            # The console queue: open returns by their next due promise.
            models.Index(
                fields=["next_due_at"],
                name="return_open_by_next_due",
                condition=~Q(status__in=["rejected", "closed"]),
            ),
            models.Index(fields=["customer", "status"], name="return_customer_status"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in RETURN_DONE_STATUSES


class PhotoStage(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence")
    INSPECTION = "inspection", _("Inspection")


def return_photo_upload_to(instance: ReturnPhoto, filename: str) -> str:
    return f"returns/{instance.request_id}/{filename}"


class ReturnPhoto(models.Model):
    """A photo of returned goods: the customer's evidence, or what the inspection found."""

    request = models.ForeignKey(
        ReturnRequest,
        verbose_name=_("return request"),
        on_delete=models.PROTECT,
        related_name="photos",
    )
    stage = models.CharField(_("stage"), max_length=12, choices=PhotoStage.choices)
    file = models.FileField(upload_to=return_photo_upload_to)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")

    def __str__(self) -> str:
        return self.name
