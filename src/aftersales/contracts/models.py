"""Service contracts (服务合同) and warranty terms: what a customer is entitled to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aftersales.registry.models import ProductKind


class ServiceContract(models.Model):
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        "registry.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        verbose_name=_("service level"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    value = models.DecimalField(_("contract value (CNY)"), max_digits=14, decimal_places=2)
    # Covered assets or whole projects; a contract naming neither covers all the customer's assets.
    assets = models.ManyToManyField(
        "registry.Asset", verbose_name=_("covered assets"), blank=True, related_name="contracts"
    )
    projects = models.ManyToManyField(
        "registry.Project",
        verbose_name=_("covered projects"),
        blank=True,
        related_name="contracts",
    )
    free_upgrades_until = models.DateField(_("free upgrades until"), null=True, blank=True)
    inspections_per_year = models.PositiveSmallIntegerField(_("inspections a year"), default=4)
    onsite_visits = models.PositiveSmallIntegerField(
        _("onsite visits included"), null=True, blank=True
    )
    remote_support = models.BooleanField(_("remote support"), default=True)
    # Seed 000: a good spare ships before the faulty part is back; some plans swap only after.
    advance_replacement = models.BooleanField(_("advance replacement"), default=True)
    training_days = models.PositiveSmallIntegerField(_("training days"), default=0)
    service_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer service manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    renewed_from = models.OneToOneField(
        "self",
        verbose_name=_("renewal of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-starts_on", "number"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="contract_ends_after_it_starts"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="contract_value_not_negative"),
        ]
        indexes = [models.Index(fields=["customer", "ends_on"], name="contract_customer_end_idx")]

    def __str__(self) -> str:
        return self.number


class PenaltyRule(models.Model):
    """违约金: a share of the contract value per missed target (per occurrence or per day late)."""

    class Target(models.TextChoices):
        RESPONSE = "response", _("First response")
        DIAGNOSIS = "diagnosis", _("Diagnosis")
        RESOLUTION = "resolution", _("Restore / resolution")
        ONSITE = "onsite", _("Onsite arrival")

    class Basis(models.TextChoices):
        PER_OCCURRENCE = "occurrence", _("per occurrence")
        PER_DAY_LATE = "day_late", _("per day late")

    contract = models.ForeignKey(
        ServiceContract, on_delete=models.CASCADE, related_name="penalty_rules"
    )
    # Which promises it applies to: a registered subject kind and one of its target codes.
    subject_kind = models.CharField(_("subject kind"), max_length=24, default="case")
    target = models.CharField(_("target"), max_length=32)
    basis = models.CharField(_("basis"), max_length=12, choices=Basis.choices)
    # xgettext:no-python-format
    percent_of_value = models.DecimalField(_("% of contract value"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("penalty rule")
        verbose_name_plural = _("penalty rules")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "subject_kind", "target", "basis"], name="penalty_rule_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.target} {self.percent_of_value}% {self.basis}"


class WarrantyStart(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Final acceptance (终验)")
    DELIVERY = "delivery", _("Delivery / installation")


class WarrantyTerm(models.Model):
    """A default warranty: per product model, per component kind, or both (configuration).

    The most specific active term wins: model and kind, then model, then kind only.
    """

    product_model = models.ForeignKey(
        "registry.ProductModel",
        verbose_name=_("product model"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warranty_terms",
        help_text=_("Empty: any model of the kind."),
    )
    kind = models.CharField(
        _("component kind"),
        max_length=20,
        choices=ProductKind.choices,
        blank=True,
        help_text=_("Empty: any kind."),
    )
    months = models.PositiveIntegerField(_("months"))
    starts_from = models.CharField(
        _("starts from"),
        max_length=12,
        choices=WarrantyStart.choices,
        default=WarrantyStart.ACCEPTANCE,
    )
    service_level = models.CharField(
        _("service level in warranty"),
        max_length=32,
        blank=True,
        help_text=_("An SLA policy code such as 7x24; empty: the default policy."),
    )
    exclusions = models.TextField(_("exclusions"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind", "product_model_id"]
        verbose_name = _("warranty term")
        verbose_name_plural = _("warranty terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(product_model__isnull=False) | ~Q(kind=""),
                name="warranty_term_names_model_or_kind",
                violation_error_message=_("Choose a product model, a component kind or both."),
            ),
        ]

    def __str__(self) -> str:
        what = self.product_model or self.get_kind_display()
        return f"{what}: {self.months}"


class PenaltyWaiver(models.Model):
    """A manager waived one penalty line (a missed promise under one rule): who, when, why."""

    promise = models.ForeignKey("sla.Promise", on_delete=models.PROTECT, related_name="waivers")
    rule = models.ForeignKey(PenaltyRule, on_delete=models.PROTECT, related_name="waivers")
    reason = models.TextField(_("reason"))
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("waived by"), on_delete=models.PROTECT
    )
    waived_at = models.DateTimeField(_("waived at"))

    class Meta:
        ordering = ["-waived_at"]
        verbose_name = _("penalty waiver")
        verbose_name_plural = _("penalty waivers")
        constraints = [
            models.UniqueConstraint(
                fields=["promise", "rule"], name="contracts_penalty_waived_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.promise_id}-{self.rule_id}"
