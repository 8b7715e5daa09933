"""Spare parts, warehouses and the stock ledger (备件库).

Every movement is a StockMove row; StockLevel keeps the ledger's sums per part and warehouse
(on hand, reserved, faulty), updated in the same transaction under `select_for_update`, so the
level always equals the sum of its moves (architecture rule 7).

Invariants on a level: on_hand ≥ 0, 0 ≤ reserved ≤ on_hand (a reservation holds good units
that are on the shelf), faulty ≥ 0. Faulty units returned by customers are counted apart: they
are never available. available = on_hand − reserved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class WarehouseKind(models.TextChoices):
    CENTRAL = "central", _("Central warehouse")
    REGIONAL = "regional", _("Regional service centre")
    CAR = "car", _("Engineer's car stock")


class Part(models.Model):
    part_number = models.CharField(_("part number"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    product_models = models.ManyToManyField(
        "registry.ProductModel", blank=True, related_name="parts", verbose_name=_("fits models")
    )
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=2, default=0)
    sale_price = models.DecimalField(_("sale price"), max_digits=12, decimal_places=2, default=0)
    serialised = models.BooleanField(_("serialised"), default=False)
    warranty_months = models.PositiveSmallIntegerField(_("warranty months"), default=12)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        ordering = ["part_number"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="part_cost_not_negative"),
            models.CheckConstraint(condition=Q(sale_price__gte=0), name="part_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_number} {self.name}"


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=WarehouseKind.choices, default=WarehouseKind.REGIONAL
    )
    region = models.CharField(_("region"), max_length=40, blank=True)
    keepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="kept_warehouses",
        verbose_name=_("keepers"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Bin(models.Model):
    """A shelf place in a warehouse (optional: small stocks have none)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="bins")
    code = models.CharField(_("code"), max_length=40)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bin")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "code"], name="bin_code_per_warehouse")
        ]

    def __str__(self) -> str:
        return self.code


class StockLevel(models.Model):
    """The ledger's sums for one part in one warehouse; written only with its StockMove."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="levels")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="levels")
    bin = models.ForeignKey(Bin, on_delete=models.PROTECT, null=True, blank=True)
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    faulty = models.IntegerField(_("faulty"), default=0)
    # Set when available fell below the reorder point and the keepers were told; cleared when
    # stock is back at or above it, so each crossing alerts once.
    reorder_alerted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("stock level")
        constraints = [
            models.UniqueConstraint(fields=["part", "warehouse"], name="stock_level_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
            models.CheckConstraint(condition=Q(faulty__gte=0), name="stock_faulty_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.warehouse_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Received")
    RESERVE = "reserve", _("Reserved")
    RELEASE = "release", _("Reservation released")
    ISSUE = "issue", _("Issued")
    TRANSFER_OUT = "transfer_out", _("Transferred out")
    TRANSFER_IN = "transfer_in", _("Transferred in")
    FAULTY_IN = "faulty_in", _("Faulty unit received")
    SCRAP = "scrap", _("Scrapped")
    ADJUST = "adjust", _("Stocktake adjustment")
    LOAN_OUT = "loan_out", _("Lent to a customer")
    LOAN_RETURN = "loan_return", _("Loaner returned")


class StockMove(models.Model):
    """One ledger row: what changed on a level, why, and for what (ref_kind/ref_id)."""

    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="moves")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="moves")
    on_hand_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    faulty_delta = models.IntegerField(default=0)
    serial = models.CharField(_("serial number"), max_length=80, blank=True)
    reason = models.CharField(_("reason"), max_length=2000, blank=True)
    ref_kind = models.CharField(max_length=40, blank=True)
    ref_id = models.BigIntegerField(null=True, blank=True)
    reservation = models.ForeignKey(
        "Reservation", on_delete=models.PROTECT, null=True, blank=True, related_name="moves"
    )
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("stock move")
        permissions = [
            ("move_stock", "Can receive, reserve, issue, transfer and scrap stock"),
            ("take_stock", "Can run stocktakes"),
        ]
        indexes = [
            # A part's page: its newest moves; the recount per level.
            models.Index(fields=["part", "warehouse", "-id"], name="stockmove_part_wh"),
            models.Index(fields=["warehouse", "-id"], name="stockmove_wh"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.part_id}@{self.warehouse_id}"


class SerialState(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    RESERVED = "reserved", _("Reserved")
    ISSUED = "issued", _("Issued")
    FAULTY = "faulty", _("Faulty")
    SCRAPPED = "scrapped", _("Scrapped")
    LOANED = "loaned", _("On loan")


class SerialUnit(models.Model):
    """One serialised unit, from receipt to a customer's asset and back (its moves name it)."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="units")
    serial = models.CharField(_("serial number"), max_length=80)
    state = models.CharField(_("state"), max_length=10, choices=SerialState.choices)
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="units"
    )
    asset = models.ForeignKey(
        "registry.Asset", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A loaner (备用机) is lent to customers and comes back, never issued as a spare.
    is_loaner = models.BooleanField(_("loaner"), default=False)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("serialised unit")
        constraints = [
            models.UniqueConstraint(fields=["part", "serial"], name="serial_unit_unique")
        ]

    def __str__(self) -> str:
        return self.serial


class ReservationState(models.TextChoices):
    OPEN = "open", _("Open")
    ISSUED = "issued", _("Issued")
    RELEASED = "released", _("Released")


class Reservation(models.Model):
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="reservations")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField(default=1)
    ref_kind = models.CharField(max_length=40)
    ref_id = models.BigIntegerField()
    state = models.CharField(
        max_length=10, choices=ReservationState.choices, default=ReservationState.OPEN
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reservation")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="reservation_quantity_pos")
        ]
        indexes = [models.Index(fields=["ref_kind", "ref_id"], name="reservation_ref")]

    def __str__(self) -> str:
        return f"{self.ref_kind} {self.ref_id}: {self.quantity}"


class ReorderPoint(models.Model):
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="reorder_points")
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="reorder_points"
    )
    minimum = models.PositiveIntegerField(_("minimum"))
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("reorder point")
        constraints = [
            models.UniqueConstraint(fields=["part", "warehouse"], name="reorder_point_unique")
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.warehouse_id} ≥ {self.minimum}"


class StocktakeState(models.TextChoices):
    OPEN = "open", _("Counting")
    CLOSED = "closed", _("Closed")


class Stocktake(models.Model):
    """A count of one warehouse (盘点): lines hold expected vs counted; closing books the
    differences as `adjust` moves."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocktakes")
    state = models.CharField(
        max_length=10, choices=StocktakeState.choices, default=StocktakeState.OPEN
    )
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("stocktake")
        constraints = [
            # One count at a time per warehouse.
            models.UniqueConstraint(
                fields=["warehouse"], condition=Q(state="open"), name="one_open_stocktake"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.warehouse.code}"


class StocktakeLine(models.Model):
    stocktake = models.ForeignKey(Stocktake, on_delete=models.PROTECT, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    expected = models.IntegerField(_("expected"))
    counted = models.IntegerField(_("counted"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "part"], name="stocktake_line_unique"),
            models.CheckConstraint(
                condition=Q(counted__isnull=True) | Q(counted__gte=0), name="counted_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}: {self.counted}/{self.expected}"

    @property
    def difference(self) -> int | None:
        return None if self.counted is None else self.counted - self.expected


class LoanRefKind(models.TextChoices):
    RMA = "rma", _("RMA")
    REPAIR = "repair", _("Repair order")
    CASE = "case", _("Case")


class LoanCondition(models.TextChoices):
    GOOD = "good", _("Good")
    DAMAGED = "damaged", _("Damaged")


class Loan(models.Model):
    """A loaner unit lent to a customer until the repair it covers (ref_kind/ref) is done;
    lending and return are ledger moves on `warehouse`."""

    unit = models.ForeignKey(SerialUnit, on_delete=models.PROTECT, related_name="loans")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="loans")
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, related_name="loans"
    )
    asset = models.ForeignKey(
        "registry.Asset", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ref_kind = models.CharField(_("covers"), max_length=10, choices=LoanRefKind.choices, blank=True)
    ref = models.CharField(_("reference"), max_length=80, blank=True)
    lent_at = models.DateTimeField(_("lent at"))
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    condition = models.CharField(
        _("condition on return"), max_length=10, choices=LoanCondition.choices, blank=True
    )

    class Meta:
        verbose_name = _("loan")
        constraints = [
            # A unit is with one customer at a time: the last line behind the row lock.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(returned_at__isnull=True),
                name="one_open_loan_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True, condition="")
                | (Q(returned_at__isnull=False) & ~Q(condition="")),
                name="loan_returned_with_condition",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "returned_at"], name="loan_customer_open"),
            models.Index(fields=["returned_at", "lent_at"], name="loan_open_age"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit_id} → {self.customer_id}"


# --- spare-part sales (备件销售): a quote the customer accepts on the portal ---


class PartSaleCounter(models.Model):
    """The last part-sale number handed out per local day (sales.next_sale_number)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class PartSaleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUOTED = "quoted", _("Quoted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


class PartSaleEventKind(models.TextChoices):
    CREATED = "created", _("Sale drafted")
    QUOTED = "quoted", _("Quote sent")
    ACCEPTED = "accepted", _("Quote accepted")
    DECLINED = "declined", _("Quote declined")
    EXPIRED = "expired", _("Quote expired")
    ISSUED = "issued", _("Parts issued")
    CANCELLED = "cancelled", _("Sale cancelled")


class PartSale(models.Model):
    """A sale of spare parts outside warranty; its lines keep the prices of the moment of sale."""

    number = models.CharField(_("number"), max_length=32, unique=True)
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
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="sales"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PartSaleStatus.choices, default=PartSaleStatus.DRAFT
    )
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    valid_until = models.DateField(_("quote valid until"), null=True, blank=True)
    quoted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by_name = models.CharField(_("accepted by"), max_length=100, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=2000, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking = models.CharField(_("tracking number"), max_length=100, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("part sale")
        verbose_name_plural = _("part sales")
        permissions = [("sell_parts", "Can draft, quote, issue and cancel part sales")]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="part_sale_total_not_negative")
        ]
        indexes = [
            # The portal's and the console's lists: a customer's sales by status, newest first.
            models.Index(fields=["customer", "status", "-created_at"], name="part_sale_customer"),
            models.Index(fields=["status", "-created_at"], name="part_sale_status"),
        ]

    def __str__(self) -> str:
        return self.number


class PartSaleLine(models.Model):
    """One part sold: unit_price is copied from Part.sale_price when the line is written."""

    sale = models.ForeignKey(PartSale, on_delete=models.PROTECT, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("part sale line")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="part_sale_line_qty_pos"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="part_sale_line_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}"

    @property
    def amount(self):
        return self.unit_price * self.quantity
