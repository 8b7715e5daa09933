"""Every write on the registry: plain functions, keyword-only, one transaction each."""

from __future__ import annotations

import datetime as dt
import os
import uuid

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import is_staff_member
from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.roles import Role
from aftersales.accounts.services import user_create
from aftersales.core.errors import Invalid
from aftersales.core.uploads import OLE2, TypeTable, check_upload, starts, zip_members
from aftersales.lib.phones import normalize_phone
from aftersales.registry.models import (
    Asset,
    Contact,
    Customer,
    Engineer,
    MemberSide,
    ProductKind,
    ProductModel,
    Project,
    ProjectMember,
    Site,
    TopologyAttachment,
    Vendor,
)

REQUIRED = _("This field is required.")
CODE_TAKEN = _("A customer with this code already exists.")
SERIAL_TAKEN = _("An asset with this serial number already exists.")
PHONE_TAKEN = _("This customer already has a contact with this phone number.")
BAD_PHONE = _("Enter a phone number with at least 7 digits.")
UNKNOWN_CUSTOMER = _("No customer has this code.")
UNKNOWN_PARENT = _("No asset has this serial number.")
STAFF_ROLE_ONLY = _("Choose a staff role.")


def _require(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(REQUIRED, field=field)
    return value


@transaction.atomic
def customer_create(
    *,
    code: str,
    name: str,
    region: str = "",
    address: str = "",
    level: str = "b",
    service_manager: User | None = None,
) -> Customer:
    code = _require("code", code)
    name = _require("name", name)
    if Customer.objects.filter(code__iexact=code).exists():
        raise Invalid(CODE_TAKEN, field="code")
    return Customer.objects.create(
        code=code,
        name=name,
        region=region.strip(),
        address=address.strip(),
        level=level,
        service_manager=service_manager,
    )


@transaction.atomic
def contact_create(
    *,
    customer: Customer,
    name: str,
    phone: str = "",
    email: str = "",
    role: str = "",
    username: str = "",
    password: str = "",
) -> Contact:
    """Add a contact; with a username it also gets a portal login for its organisation."""
    name = _require("name", name)
    normalized = normalize_phone(phone) if phone else ""
    if phone and len(normalized) < 7:
        raise Invalid(BAD_PHONE, field="phone")
    if (
        normalized
        and Contact.objects.filter(customer=customer, phone_normalized=normalized).exists()
    ):
        raise Invalid(PHONE_TAKEN, field="phone")
    user = None
    if username:
        user = user_create(
            username=username,
            password=password or None,
            role=Role.CUSTOMER_CONTACT,
            display_name=name,
            email=email,
            phone=phone,
        )
    return Contact.objects.create(
        customer=customer,
        name=name,
        phone=phone.strip(),
        email=email.strip(),
        role=role,
        user=user,
    )


@transaction.atomic
def engineer_create(
    *,
    username: str,
    password: str,
    name: str,
    phone: str = "",
    email: str = "",
    role: str = Role.ENGINEER,
    region: str = "",
    manager_level: str = "",
) -> Engineer:
    """Create a staff login with its role and its service profile."""
    name = _require("name", name)
    if role not in Role.values or role == Role.CUSTOMER_CONTACT:
        raise Invalid(STAFF_ROLE_ONLY, field="role")
    user = user_create(
        username=username,
        password=password,
        role=role,
        display_name=name,
        email=email,
        phone=phone,
        manager_level=manager_level,
    )
    return Engineer.objects.create(user=user, name=name, phone=phone, email=email, region=region)


def vendor_get_or_create(*, name: str) -> Vendor:
    name = _require("vendor", name)
    vendor = (
        Vendor.objects.filter(name__iexact=name).first()
        or Vendor.objects.filter(code__iexact=name).first()
    )
    if vendor is None:
        vendor = Vendor.objects.create(code=name.upper()[:40], name=name)
    return vendor


def product_model_get_or_create(*, vendor: Vendor, name: str) -> ProductModel:
    name = _require("product_model", name)
    model = ProductModel.objects.filter(vendor=vendor, name__iexact=name).first()
    if model is None:
        model = ProductModel.objects.create(vendor=vendor, name=name)
    return model


@transaction.atomic
def asset_create(
    *,
    customer: Customer,
    serial_number: str,
    product_model: str,
    vendor: str,
    accepted_on: dt.date | None = None,
    installed_on: dt.date | None = None,
    warranty_months: int | None = None,
    software_version: str = "",
    site=None,
    project=None,
    parent_serial: str = "",
) -> Asset:
    """Register an asset named as typed (vendor, model, parent serial); the API's way in.

    The checks are asset_register's, so the API and the console accept the same assets.
    """
    serial_number = _require("serial_number", serial_number)
    model = product_model_get_or_create(
        vendor=vendor_get_or_create(name=vendor), name=product_model
    )
    parent = None
    if parent_serial:
        parent = Asset.objects.filter(
            serial_number__iexact=parent_serial, customer=customer
        ).first()
        if parent is None:
            raise Invalid(UNKNOWN_PARENT, field="parent")
    return asset_register(
        customer=customer,
        serial_number=serial_number,
        product_model=model,
        site=site,
        project=project,
        parent=parent,
        installed_on=installed_on,
        accepted_on=accepted_on,
        warranty_months=warranty_months,
        software_version=software_version,
    )


# --- Staff console writes (customers, contacts, projects, sites, products, assets, files) ---

NAME_TAKEN = _("This customer already has a site with this name.")
PROJECT_CODE_TAKEN = _("A project with this code already exists.")
VENDOR_CODE_TAKEN = _("A vendor with this code already exists.")
MODEL_TAKEN = _("This vendor already has a model with this name.")
USERNAME_TAKEN_BY_OTHER = _("This username is already taken.")
OTHER_CUSTOMERS_CONTACT = _("This contact belongs to another customer.")
NOT_STAFF = _("Choose a member of our staff.")
ALREADY_MEMBER = _("This person is already a member of the project.")
OTHER_CUSTOMERS_RECORD = _("This belongs to another customer.")
PARENT_OTHER_CUSTOMER = _("The parent asset belongs to another customer.")
PARENT_IS_SELF = _("An asset cannot be a component of itself.")
PARENT_IS_DESCENDANT = _("The parent asset is one of this asset's own components.")
ACCEPTED_BEFORE_INSTALLED = _("Final acceptance cannot be before installation.")
INACTIVE_CHOICE = _("This record is deactivated.")
FILE_TYPE_NOT_ALLOWED = _(
    "Only PNG, JPEG or GIF images, PDF, Visio (vsdx, vsd) or draw.io (drawio, xml) files "
    "are accepted."
)
NO_LOGIN = _("This contact has no portal login.")


def _taken(qs, exclude) -> bool:
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exists()


def _touch(obj, fields: list[str]) -> None:
    obj.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def customer_register(
    *,
    code: str,
    name: str,
    region: str = "",
    address: str = "",
    level: str = "b",
    service_manager: User | None = None,
    notes: str = "",
) -> Customer:
    """customer_create plus the console-only fields (notes), in one transaction."""
    customer = customer_create(
        code=code,
        name=name,
        region=region,
        address=address,
        level=level,
        service_manager=service_manager,
    )
    if notes.strip():
        customer.notes = notes.strip()
        customer.save(update_fields=["notes"])
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    code: str,
    name: str,
    region: str = "",
    address: str = "",
    level: str = "b",
    service_manager: User | None = None,
    notes: str = "",
) -> Customer:
    code = _require("code", code)
    name = _require("name", name)
    if _taken(Customer.objects.filter(code__iexact=code), customer):
        raise Invalid(CODE_TAKEN, field="code")
    customer.code = code
    customer.name = name
    customer.region = region.strip()
    customer.address = address.strip()
    customer.level = level
    customer.service_manager = service_manager
    customer.notes = notes.strip()
    _touch(customer, ["code", "name", "region", "address", "level", "service_manager", "notes"])
    return customer


@transaction.atomic
def contact_update(
    *, contact: Contact, name: str, phone: str = "", email: str = "", role: str = ""
) -> Contact:
    name = _require("name", name)
    normalized = normalize_phone(phone) if phone else ""
    if phone and len(normalized) < 7:
        raise Invalid(BAD_PHONE, field="phone")
    if normalized and _taken(
        Contact.objects.filter(customer_id=contact.customer_id, phone_normalized=normalized),
        contact,
    ):
        raise Invalid(PHONE_TAKEN, field="phone")
    contact.name = name
    contact.phone = phone.strip()
    contact.email = email.strip()
    contact.role = role.strip()
    _touch(contact, ["name", "phone", "email", "role"])
    if contact.user_id:
        # The portal shows the login's own name and address; keep them in step.
        User.objects.filter(pk=contact.user_id).update(
            display_name=name, email=contact.email, phone=contact.phone
        )
    return contact


@transaction.atomic
def contact_portal_login_set(*, contact: Contact, username: str, password: str) -> Contact:
    """Give the contact a portal login, or rename/re-enable it and set a new password."""
    username = _require("username", username)
    _require("password", password)
    if contact.user_id is None:
        contact.user = user_create(
            username=username,
            password=password,
            role=Role.CUSTOMER_CONTACT,
            display_name=contact.name,
            email=contact.email,
            phone=contact.phone,
        )
        _touch(contact, ["user"])
        return contact
    user = contact.user
    if _taken(User.objects.filter(username__iexact=username), user):
        raise Invalid(USERNAME_TAKEN_BY_OTHER, field="username")
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), field="password") from exc
    user.username = username
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["username", "password", "is_active"])
    return contact


@transaction.atomic
def contact_portal_login_revoke(*, contact: Contact) -> Contact:
    """Disable the portal login and its API tokens; the login row stays for the history."""
    if contact.user_id is None:
        raise Invalid(NO_LOGIN, field="username")
    _login_disable(contact.user)
    return contact


def _login_disable(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _project_fields(
    *, customer: Customer, code: str, name: str, started_on, accepted_on, exclude=None
) -> tuple[str, str]:
    code = _require("code", code)
    name = _require("name", name)
    if _taken(Project.objects.filter(code__iexact=code), exclude):
        raise Invalid(PROJECT_CODE_TAKEN, field="code")
    if started_on and accepted_on and accepted_on < started_on:
        raise Invalid(ACCEPTED_BEFORE_INSTALLED, field="accepted_on")
    return code, name


@transaction.atomic
def project_create(
    *,
    customer: Customer,
    code: str,
    name: str,
    description: str = "",
    started_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
) -> Project:
    code, name = _project_fields(
        customer=customer, code=code, name=name, started_on=started_on, accepted_on=accepted_on
    )
    return Project.objects.create(
        customer=customer,
        code=code,
        name=name,
        description=description.strip(),
        started_on=started_on,
        accepted_on=accepted_on,
    )


@transaction.atomic
def project_update(
    *,
    project: Project,
    code: str,
    name: str,
    description: str = "",
    started_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
) -> Project:
    code, name = _project_fields(
        customer=project.customer,
        code=code,
        name=name,
        started_on=started_on,
        accepted_on=accepted_on,
        exclude=project,
    )
    project.code = code
    project.name = name
    project.description = description.strip()
    project.started_on = started_on
    project.accepted_on = accepted_on
    _touch(project, ["code", "name", "description", "started_on", "accepted_on"])
    return project


@transaction.atomic
def project_member_add(
    *,
    project: Project,
    user: User | None = None,
    contact: Contact | None = None,
    role: str = "",
) -> ProjectMember:
    """Add one of our staff (user) or one of the customer's contacts; re-adding revives."""
    if user is not None:
        if not is_staff_member(user) or not user.is_active:
            raise Invalid(NOT_STAFF, field="user")
        lookup = {"side": MemberSide.OURS, "user": user}
    elif contact is not None:
        if contact.customer_id != project.customer_id:
            raise Invalid(OTHER_CUSTOMERS_CONTACT, field="contact")
        if not contact.is_active:
            raise Invalid(INACTIVE_CHOICE, field="contact")
        lookup = {"side": MemberSide.CUSTOMER, "contact": contact}
    else:
        raise Invalid(REQUIRED, field="user")
    member = ProjectMember.objects.filter(project=project, **lookup).first()
    if member is not None and member.is_active:
        raise Invalid(ALREADY_MEMBER, field="contact" if contact else "user")
    if member is not None:
        member.is_active = True
        member.role = role.strip()
        member.save(update_fields=["is_active", "role"])
        return member
    return ProjectMember.objects.create(project=project, role=role.strip(), **lookup)


@transaction.atomic
def project_member_remove(*, member: ProjectMember) -> ProjectMember:
    member.is_active = False
    member.save(update_fields=["is_active"])
    return member


def _site_name(customer: Customer, name: str, exclude=None) -> str:
    name = _require("name", name)
    if _taken(Site.objects.filter(customer=customer, name__iexact=name), exclude):
        raise Invalid(NAME_TAKEN, field="name")
    return name


@transaction.atomic
def site_create(*, customer: Customer, name: str, address: str = "", region: str = "") -> Site:
    name = _site_name(customer, name)
    return Site.objects.create(
        customer=customer, name=name, address=address.strip(), region=region.strip()
    )


@transaction.atomic
def site_update(*, site: Site, name: str, address: str = "", region: str = "") -> Site:
    site.name = _site_name(site.customer, name, exclude=site)
    site.address = address.strip()
    site.region = region.strip()
    _touch(site, ["name", "address", "region"])
    return site


def _vendor_code(code: str, exclude=None) -> str:
    code = _require("code", code)
    if _taken(Vendor.objects.filter(code__iexact=code), exclude):
        raise Invalid(VENDOR_CODE_TAKEN, field="code")
    return code


@transaction.atomic
def vendor_create(
    *, code: str, name: str, support_phone: str = "", support_email: str = ""
) -> Vendor:
    code = _vendor_code(code)
    return Vendor.objects.create(
        code=code,
        name=_require("name", name),
        support_phone=support_phone.strip(),
        support_email=support_email.strip(),
    )


@transaction.atomic
def vendor_update(
    *, vendor: Vendor, code: str, name: str, support_phone: str = "", support_email: str = ""
) -> Vendor:
    vendor.code = _vendor_code(code, exclude=vendor)
    vendor.name = _require("name", name)
    vendor.support_phone = support_phone.strip()
    vendor.support_email = support_email.strip()
    _touch(vendor, ["code", "name", "support_phone", "support_email"])
    return vendor


def _model_name(vendor: Vendor, name: str, exclude=None) -> str:
    name = _require("name", name)
    if _taken(ProductModel.objects.filter(vendor=vendor, name__iexact=name), exclude):
        raise Invalid(MODEL_TAKEN, field="name")
    return name


@transaction.atomic
def product_model_create(
    *,
    vendor: Vendor,
    name: str,
    product_line: str = "",
    kind: str = ProductKind.HARDWARE,
    warranty_months: int = 36,
) -> ProductModel:
    name = _model_name(vendor, name)
    return ProductModel.objects.create(
        vendor=vendor,
        name=name,
        product_line=product_line.strip(),
        kind=kind,
        warranty_months=warranty_months,
    )


@transaction.atomic
def product_model_update(
    *,
    product_model: ProductModel,
    vendor: Vendor,
    name: str,
    product_line: str = "",
    kind: str = ProductKind.HARDWARE,
    warranty_months: int = 36,
) -> ProductModel:
    product_model.name = _model_name(vendor, name, exclude=product_model)
    product_model.vendor = vendor
    product_model.product_line = product_line.strip()
    product_model.kind = kind
    product_model.warranty_months = warranty_months
    _touch(product_model, ["vendor", "name", "product_line", "kind", "warranty_months"])
    return product_model


def _asset_checks(
    *,
    customer: Customer,
    serial_number: str,
    site: Site | None,
    project: Project | None,
    parent: Asset | None,
    installed_on: dt.date | None,
    accepted_on: dt.date | None,
    asset: Asset | None = None,
) -> str:
    serial_number = _require("serial_number", serial_number)
    if _taken(Asset.objects.filter(serial_number__iexact=serial_number), asset):
        raise Invalid(SERIAL_TAKEN, field="serial_number")
    if site is not None and site.customer_id != customer.pk:
        raise Invalid(OTHER_CUSTOMERS_RECORD, field="site")
    if project is not None and project.customer_id != customer.pk:
        raise Invalid(OTHER_CUSTOMERS_RECORD, field="project")
    if installed_on and accepted_on and accepted_on < installed_on:
        raise Invalid(ACCEPTED_BEFORE_INSTALLED, field="accepted_on")
    if parent is not None:
        if parent.customer_id != customer.pk:
            raise Invalid(PARENT_OTHER_CUSTOMER, field="parent")
        if asset is not None and asset.pk:
            if parent.pk == asset.pk:
                raise Invalid(PARENT_IS_SELF, field="parent")
            # Walk up from the new parent: meeting this asset means a cycle.
            seen: set[int] = set()
            node = parent
            while node.parent_id is not None and node.parent_id not in seen:
                if node.parent_id == asset.pk:
                    raise Invalid(PARENT_IS_DESCENDANT, field="parent")
                seen.add(node.parent_id)
                node = Asset.objects.only("pk", "parent_id").get(pk=node.parent_id)
    return serial_number


@transaction.atomic
def asset_register(
    *,
    customer: Customer,
    serial_number: str,
    product_model: ProductModel,
    site: Site | None = None,
    project: Project | None = None,
    parent: Asset | None = None,
    installed_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    warranty_months: int | None = None,
    software_version: str = "",
    notes: str = "",
) -> Asset:
    """Create an asset from chosen records (asset_create resolves typed names for the API)."""
    serial_number = _asset_checks(
        customer=customer,
        serial_number=serial_number,
        site=site,
        project=project,
        parent=parent,
        installed_on=installed_on,
        accepted_on=accepted_on,
    )
    try:
        with transaction.atomic():
            return Asset.objects.create(
                customer=customer,
                serial_number=serial_number,
                product_model=product_model,
                site=site,
                project=project,
                parent=parent,
                installed_on=installed_on,
                accepted_on=accepted_on,
                warranty_months=warranty_months,
                software_version=software_version.strip(),
                notes=notes.strip(),
            )
    except IntegrityError as exc:  # a concurrent insert of the same serial
        raise Invalid(SERIAL_TAKEN, field="serial_number") from exc


@transaction.atomic
def asset_update(
    *,
    asset: Asset,
    serial_number: str,
    product_model: ProductModel,
    site: Site | None = None,
    project: Project | None = None,
    parent: Asset | None = None,
    installed_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    warranty_months: int | None = None,
    software_version: str = "",
    notes: str = "",
) -> Asset:
    """Edit an asset; it stays with its customer, and its parent may not form a cycle."""
    asset.serial_number = _asset_checks(
        customer=asset.customer,
        serial_number=serial_number,
        site=site,
        project=project,
        parent=parent,
        installed_on=installed_on,
        accepted_on=accepted_on,
        asset=asset,
    )
    asset.product_model = product_model
    asset.site = site
    asset.project = project
    asset.parent = parent
    asset.installed_on = installed_on
    asset.accepted_on = accepted_on
    asset.warranty_months = warranty_months
    asset.software_version = software_version.strip()
    asset.notes = notes.strip()
    fields = ["serial_number", "product_model", "site", "project", "parent", "installed_on"]
    fields += ["accepted_on", "warranty_months", "software_version", "notes"]
    before = Asset.objects.values_list("accepted_on", "warranty_months", "product_model_id").get(
        pk=asset.pk
    )
    try:
        with transaction.atomic():
            _touch(asset, fields)
    except IntegrityError as exc:
        raise Invalid(SERIAL_TAKEN, field="serial_number") from exc
    if before != (asset.accepted_on, asset.warranty_months, asset.product_model_id):
        # The warranty moved: open cases of this customer get their entitlement re-decided.
        from aftersales.contracts.services import entitlement_refresh_open_cases

        entitlement_refresh_open_cases(customer=asset.customer)
    return asset


def _sniff_zip_visio(head: bytes, file) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    return any(n.startswith("visio/") for n in zip_members(file) or [])


def _sniff_drawio(head: bytes, file) -> bool:
    """A draw.io diagram: an mxfile/mxGraphModel root, no DTD (entities) and no SVG/script."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if b"<!doctype" in text or b"<!entity" in text or b"<svg" in text or b"<script" in text:
        return False
    if text.startswith(b"<?xml"):
        text = text[text.find(b"?>") + 2 :].lstrip()
        while text.startswith(b"<!--"):
            text = text[text.find(b"-->") + 3 :].lstrip()
    return text.startswith((b"<mxfile", b"<mxgraphmodel"))


# Extension -> (stored content type, sniffing function). SVG is deliberately absent: it can
# carry script, and a diagram viewer would run it in our origin.
TOPOLOGY_TYPES: TypeTable = {
    "png": ("image/png", starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", starts(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", starts(b"\xff\xd8\xff")),
    "gif": ("image/gif", starts(b"GIF87a", b"GIF89a")),
    "pdf": ("application/pdf", starts(b"%PDF-")),
    "vsdx": ("application/vnd.ms-visio.drawing", _sniff_zip_visio),
    "vsd": ("application/vnd.visio", starts(OLE2)),
    "drawio": ("application/vnd.jgraph.mxfile", _sniff_drawio),
    "xml": ("application/xml", _sniff_drawio),
}


@transaction.atomic
def topology_upload(
    *,
    customer: Customer,
    file,
    title: str = "",
    project: Project | None = None,
    by: User | None = None,
) -> TopologyAttachment:
    """Store a topology diagram under a generated name after checking size, type and content."""
    if project is not None and project.customer_id != customer.pk:
        raise Invalid(OTHER_CUSTOMERS_RECORD, field="project")
    # draw.io files are checked for DTDs and script in their first 4 KB.
    ext, content_type = check_upload(
        file, types=TOPOLOGY_TYPES, not_allowed=FILE_TYPE_NOT_ALLOWED, head_bytes=4096
    )
    original = os.path.basename(file.name or "")
    title = (title or "").strip() or original.rsplit(".", 1)[0][:200] or ext
    attachment = TopologyAttachment(
        customer=customer,
        project=project,
        title=title[:200],
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
    )
    # The client's file name never reaches the disk: paths stay ours.
    attachment.file.save(f"{uuid.uuid4().hex}.{ext}", file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def engineer_update(
    *,
    engineer: Engineer,
    name: str,
    phone: str = "",
    email: str = "",
    region: str = "",
    on_call: bool = False,
    skills=(),
    customers=(),
) -> Engineer:
    """Edit a staff service profile; the login's display name, e-mail and phone follow."""
    engineer.name = _require("name", name)
    engineer.phone = phone.strip()
    engineer.email = email.strip()
    engineer.region = region.strip()
    engineer.on_call = on_call
    _touch(engineer, ["name", "phone", "email", "region", "on_call"])
    engineer.skills.set(skills)
    engineer.customers.set(customers)
    User.objects.filter(pk=engineer.user_id).update(
        display_name=engineer.name, email=engineer.email, phone=engineer.phone
    )
    return engineer


@transaction.atomic
def engineer_register(
    *,
    username: str,
    password: str,
    name: str,
    phone: str = "",
    email: str = "",
    role: str = Role.ENGINEER,
    region: str = "",
    manager_level: str = "",
    on_call: bool = False,
    skills=(),
    customers=(),
) -> Engineer:
    """engineer_create plus skills, customers and on-call, in one transaction."""
    engineer = engineer_create(
        username=username,
        password=password,
        name=name,
        phone=phone,
        email=email,
        role=role,
        region=region,
        manager_level=manager_level,
    )
    return engineer_update(
        engineer=engineer,
        name=name,
        phone=phone,
        email=email,
        region=region,
        on_call=on_call,
        skills=skills,
        customers=customers,
    )


@transaction.atomic
def engineer_responsibility_add(*, engineer: Engineer, customer: Customer) -> Engineer:
    engineer.customers.add(customer)
    return engineer


@transaction.atomic
def engineer_responsibility_remove(*, engineer: Engineer, customer: Customer) -> Engineer:
    engineer.customers.remove(customer)
    return engineer


@transaction.atomic
def deactivate(*, obj):
    """Retire a registry row (nothing is deleted); a contact's portal login goes with it."""
    obj.is_active = False
    _touch(obj, ["is_active"])
    if isinstance(obj, Contact) and obj.user_id:
        _login_disable(obj.user)
    return obj


@transaction.atomic
def reactivate(*, obj):
    """Bring a retired row back; a contact's portal login stays off until given again."""
    obj.is_active = True
    _touch(obj, ["is_active"])
    return obj
