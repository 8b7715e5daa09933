"""The service registry (客户档案): who the customers are and what they run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.lib.phones import normalize_phone


class Region(models.TextChoices):
    NORTH = "华北", _("North China")
    NORTHEAST = "东北", _("Northeast China")
    EAST = "华东", _("East China")
    SOUTH = "华南", _("South China")
    CENTRAL = "华中", _("Central China")
    SOUTHWEST = "西南", _("Southwest China")
    NORTHWEST = "西北", _("Northwest China")


class CustomerLevel(models.TextChoices):
    VIP = "vip", _("VIP")
    A = "a", _("Key account (A)")
    B = "b", _("Standard (B)")
    C = "c", _("Basic (C)")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Nothing is hard-deleted: rows are retired and stay for history.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True


class Customer(TimeStamped):
    code = models.CharField(_("customer code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    level = models.CharField(
        _("level"), max_length=10, choices=CustomerLevel.choices, default=CustomerLevel.B
    )
    service_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer service manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_customers",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]
        permissions = [("import_registry", _("Can import and export registry spreadsheets"))]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["region"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contact(TimeStamped):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Digits only, no +86: what the call-centre lookup matches on.
    phone_normalized = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact",
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "phone_normalized"],
                condition=~models.Q(phone_normalized=""),
                name="contact_phone_unique_per_customer",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Derived column kept in step with its source on every write.
        self.phone_normalized = normalize_phone(self.phone)
        if kwargs.get("update_fields") is not None and "phone" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "phone_normalized"}
        super().save(*args, **kwargs)


class Site(TimeStamped):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["customer_id", "name"]

    def __str__(self) -> str:
        return self.name


class Project(TimeStamped):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="projects"
    )
    code = models.CharField(_("project code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    accepted_on = models.DateField(_("final acceptance"), null=True, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["customer_id", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MemberSide(models.TextChoices):
    OURS = "ours", _("Our side")
    CUSTOMER = "customer", _("Customer side")


class ProjectMember(models.Model):
    """A person on a project: one of our staff or one of the customer's contacts."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="members"
    )
    side = models.CharField(_("side"), max_length=10, choices=MemberSide.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_memberships",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_memberships",
    )
    role = models.CharField(_("role on the project"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(side="ours", user__isnull=False, contact__isnull=True)
                    | models.Q(side="customer", contact__isnull=False, user__isnull=True)
                ),
                name="project_member_is_one_person_of_its_side",
            )
        ]

    def __str__(self) -> str:
        return str(self.user or self.contact)


class Vendor(TimeStamped):
    code = models.CharField(_("vendor code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    support_phone = models.CharField(_("support phone"), max_length=40, blank=True)
    support_email = models.EmailField(_("support e-mail"), blank=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductKind(models.TextChoices):
    HARDWARE = "hardware", _("Hardware")
    SOFTWARE = "software", _("Software")
    INTEGRATION = "integration", _("Integration work")
    PART = "part", _("Part")


class ProductModel(TimeStamped):
    """A product model (型号) of a vendor, grouped by product line."""

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="models"
    )
    name = models.CharField(_("model"), max_length=120)
    product_line = models.CharField(_("product line"), max_length=120, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ProductKind.choices, default=ProductKind.HARDWARE
    )
    warranty_months = models.PositiveIntegerField(_("default warranty (months)"), default=36)

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["vendor__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "name"], name="product_model_unique_per_vendor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor.name} {self.name}"


class Asset(TimeStamped):
    """An installed device or software (设备清单 row), identified by its serial number."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="assets"
    )
    serial_number = models.CharField(_("serial number"), max_length=80, unique=True)
    product_model = models.ForeignKey(
        ProductModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="assets"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="components",
    )
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    accepted_on = models.DateField(_("final acceptance"), null=True, blank=True)
    warranty_months = models.PositiveIntegerField(_("warranty (months)"), null=True, blank=True)
    software_version = models.CharField(_("software version"), max_length=80, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["customer_id", "serial_number"]
        indexes = [
            # Serial lookups from the call centre ignore case.
            models.Index(Upper("serial_number"), name="asset_serial_upper_idx"),
            models.Index(fields=["customer", "is_active"], name="asset_customer_active_idx"),
            # A customer's equipment by serial (lookup's first 50, the asset list): without it
            # the planner may walk the whole serial index to fill a LIMIT.
            models.Index(
                fields=["customer", "serial_number"],
                condition=models.Q(is_active=True),
                name="asset_customer_serial_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.serial_number


def topology_upload_to(instance: TopologyAttachment, filename: str) -> str:
    return f"topology/{instance.customer_id}/{filename}"


class TopologyAttachment(TimeStamped):
    """A system topology diagram (系统拓扑图) uploaded for a customer or project."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="topologies"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="topologies",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=topology_upload_to)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("topology diagram")
        verbose_name_plural = _("topology diagrams")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Skill(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Engineer(TimeStamped):
    """A staff member's service profile: region, skills, on-call (any staff role)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        related_name="engineer",
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    region = models.CharField(_("region"), max_length=20, blank=True)
    # The service team (服务组) reports compare engineers across, e.g. 华东一组.
    team = models.CharField(_("team"), max_length=40, blank=True, db_index=True)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, related_name="engineers"
    )
    on_call = models.BooleanField(_("on call"), default=False)
    customers = models.ManyToManyField(
        Customer,
        verbose_name=_("responsible for"),
        blank=True,
        related_name="engineers",
    )

    class Meta:
        verbose_name = _("engineer")
        verbose_name_plural = _("engineers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    CONTACTS = "contacts", _("Contacts")
    ASSETS = "assets", _("Assets")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking rows")
    READY = "ready", _("Checked: ready to import")
    INVALID = "invalid", _("Checked: has bad rows")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", pgettext_lazy("job", "Failed")


def import_upload_to(instance: ImportJob, filename: str) -> str:
    return f"imports/{instance.kind}/{filename}"


class ImportJob(models.Model):
    """One uploaded spreadsheet: previewed by the worker, then committed all-or-nothing."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to=import_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    # {"create": n, "update": n, "unchanged": n, "bad": n}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # [{"row": 7, "problems": [{"field", "column", "message", "params"}]}], message untranslated
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Why the whole file was refused (unreadable, missing column), untranslated like errors.
    message = models.CharField(_("message"), max_length=500, blank=True)
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.status in {
            ImportStatus.QUEUED,
            ImportStatus.VALIDATING,
            ImportStatus.COMMITTING,
        }
