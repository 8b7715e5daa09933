"""Console forms: they parse fields; uniqueness and cross-field rules live in services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can_grant_role, grantable_roles
from aftersales.accounts.models import ManagerLevel
from aftersales.accounts.roles import Role
from aftersales.core.db import MAX_ID, id_or_none
from aftersales.core.form_fields import (
    LONG_TEXT_MAX,
    PASSWORD_MAX,
    BoundedDateField,
)
from aftersales.core.list_pages import ListFilter
from aftersales.registry import selectors
from aftersales.registry.models import (
    Asset,
    Contact,
    Customer,
    CustomerLevel,
    Engineer,
    ProductKind,
    ProductModel,
    Project,
    Region,
    Site,
    Skill,
    Vendor,
)

UNKNOWN_CODES = _("Unknown customer codes: %(codes)s")
UNKNOWN_SERIAL = _("No asset has this serial number.")

BLANK = [("", "—")]
REGION_CHOICES = BLANK + list(Region.choices)
STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.CUSTOMER_CONTACT]


TEXTAREA = forms.Textarea(attrs={"rows": 3})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.username})"


# --- list filters: every field optional, bad values simply ignored by the view ---


class CustomerFilter(ListFilter):
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, required=False)
    level = forms.ChoiceField(
        label=_("Level"), choices=BLANK + list(CustomerLevel.choices), required=False
    )


class CustomerScopedFilter(ListFilter):
    # Links from elsewhere (the call-centre lookup) name the customer by code; our own by id.
    customer = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def clean_customer(self) -> int | None:
        value = (self.cleaned_data.get("customer") or "").strip()
        if not value:
            return None
        pk = Customer.objects.filter(code=value).values_list("pk", flat=True).first()
        if pk is None:
            pk = id_or_none(value)
        # An unknown code must filter to nothing, never fall back to every customer.
        return pk if pk is not None else 0


class SiteFilter(CustomerScopedFilter):
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, required=False)


class ProductModelFilter(ListFilter):
    vendor = forms.ModelChoiceField(
        label=_("Vendor"), queryset=Vendor.objects.order_by("name"), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=BLANK + list(ProductKind.choices), required=False
    )


class AssetFilter(CustomerScopedFilter):
    vendor = forms.ModelChoiceField(
        label=_("Vendor"), queryset=Vendor.objects.order_by("name"), required=False
    )
    product_model = forms.ModelChoiceField(
        label=_("Model"),
        queryset=ProductModel.objects.select_related("vendor").order_by("vendor__name", "name"),
        required=False,
    )
    project = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )
    site = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )


class EngineerFilter(ListFilter):
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, required=False)
    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.all(), required=False)
    on_call = forms.NullBooleanField(
        label=_("On call"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )
    customer = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )


# --- edit forms ---


class CustomerForm(forms.Form):
    code = forms.CharField(label=_("Customer code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=CustomerLevel.choices)
    service_manager = StaffChoiceField(
        label=_("Customer service manager"), queryset=selectors.staff_users(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT_MAX,
    )

    @staticmethod
    def initial_for(customer: Customer) -> dict:
        fields = ("code", "name", "region", "address", "level", "service_manager", "notes")
        return {f: getattr(customer, f) for f in fields}


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.CharField(label=_("Role"), max_length=100, required=False)

    @staticmethod
    def initial_for(contact: Contact) -> dict:
        return {f: getattr(contact, f) for f in ("name", "phone", "email", "role")}


class ContactCreateForm(ContactForm):
    username = forms.CharField(
        label=_("Portal username"),
        max_length=150,
        required=False,
        help_text=_("Leave empty for a contact without a portal login."),
    )
    password = forms.CharField(
        label=_("Portal password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        max_length=PASSWORD_MAX,
    )

    def clean(self):
        data = super().clean()
        if data.get("username") and not data.get("password"):
            self.add_error("password", _("A portal login needs a password."))
        return data


class PortalLoginForm(forms.Form):
    username = forms.CharField(label=_("Portal username"), max_length=150)
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(render_value=False),
        max_length=PASSWORD_MAX,
    )


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("Project code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT_MAX,
    )
    started_on = BoundedDateField(label=_("Started on"), widget=DateInput(), required=False)
    accepted_on = BoundedDateField(label=_("Final acceptance"), widget=DateInput(), required=False)

    @staticmethod
    def initial_for(project: Project) -> dict:
        fields = ("code", "name", "description", "started_on", "accepted_on")
        return {f: getattr(project, f) for f in fields}


class StaffMemberForm(forms.Form):
    user = StaffChoiceField(label=_("Staff member"), queryset=selectors.staff_users())
    role = forms.CharField(label=_("Role on the project"), max_length=100, required=False)


class ContactMemberForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=Contact.objects.none())
    role = forms.CharField(label=_("Role on the project"), max_length=100, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(
            customer_id=project.customer_id, is_active=True
        )


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, required=False)

    @staticmethod
    def initial_for(site: Site) -> dict:
        return {f: getattr(site, f) for f in ("name", "address", "region")}


class VendorForm(forms.Form):
    code = forms.CharField(label=_("Vendor code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    support_phone = forms.CharField(label=_("Support phone"), max_length=40, required=False)
    support_email = forms.EmailField(label=_("Support e-mail"), required=False)

    @staticmethod
    def initial_for(vendor: Vendor) -> dict:
        return {f: getattr(vendor, f) for f in ("code", "name", "support_phone", "support_email")}


class ProductModelForm(forms.Form):
    vendor = forms.ModelChoiceField(
        label=_("Vendor"), queryset=Vendor.objects.filter(is_active=True).order_by("name")
    )
    name = forms.CharField(label=_("Model"), max_length=120)
    product_line = forms.CharField(label=_("Product line"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProductKind.choices)
    warranty_months = forms.IntegerField(
        label=_("Default warranty (months)"), min_value=0, max_value=600, initial=36
    )

    @staticmethod
    def initial_for(model: ProductModel) -> dict:
        fields = ("vendor", "name", "product_line", "kind", "warranty_months")
        return {f: getattr(model, f) for f in fields}


class AssetForm(forms.Form):
    serial_number = forms.CharField(label=_("Serial number"), max_length=80)
    product_model = forms.ModelChoiceField(label=_("Model"), queryset=ProductModel.objects.none())
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )
    parent = forms.CharField(
        label=_("Part of (parent serial number)"),
        max_length=80,
        required=False,
        help_text=_("For a component: the serial number of the device it is built into."),
    )
    installed_on = BoundedDateField(label=_("Installed on"), widget=DateInput(), required=False)
    accepted_on = BoundedDateField(label=_("Final acceptance"), widget=DateInput(), required=False)
    warranty_months = forms.IntegerField(
        label=_("Warranty (months)"),
        min_value=0,
        max_value=600,
        required=False,
        help_text=_("Empty: the model's default warranty."),
    )
    software_version = forms.CharField(label=_("Software version"), max_length=80, required=False)
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT_MAX,
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        models = ProductModel.objects.select_related("vendor").order_by("vendor__name", "name")
        self.fields["product_model"].queryset = models.filter(is_active=True)
        self.fields["site"].queryset = Site.objects.filter(customer=customer, is_active=True)
        self.fields["project"].queryset = Project.objects.filter(customer=customer, is_active=True)

    def clean_parent(self) -> Asset | None:
        serial = self.cleaned_data["parent"].strip()
        if not serial:
            return None
        # Resolved among every customer so the service can say "another customer's asset".
        parent = Asset.objects.filter(serial_number__iexact=serial).first()
        if parent is None:
            raise forms.ValidationError(UNKNOWN_SERIAL)
        return parent

    @staticmethod
    def initial_for(asset: Asset) -> dict:
        fields = ("serial_number", "product_model", "site", "project", "installed_on")
        fields += ("accepted_on", "warranty_months", "software_version", "notes")
        initial = {f: getattr(asset, f) for f in fields}
        initial["parent"] = asset.parent.serial_number if asset.parent_id else ""
        return initial


class TopologyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PNG, JPEG, GIF, PDF, Visio (vsdx, vsd) or draw.io (drawio, xml)."),
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(customer=customer, is_active=True)


class EngineerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, required=False)
    on_call = forms.BooleanField(label=_("On call"), required=False)
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"), queryset=Skill.objects.all(), required=False
    )
    customers = forms.CharField(
        label=_("Responsible for (customer codes)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONG_TEXT_MAX,
        help_text=_("Customer codes separated by spaces, commas or new lines."),
    )

    def clean_customers(self) -> list[Customer]:
        codes = [c for c in re.split(r"[\s,，;；]+", self.cleaned_data["customers"]) if c]
        if not codes:
            return []
        match = Q()
        for code in codes:
            match |= Q(code__iexact=code)
        found = {c.code.upper(): c for c in Customer.objects.filter(match)}
        missing = [c for c in codes if c.upper() not in found]
        if missing:
            raise forms.ValidationError(UNKNOWN_CODES % {"codes": ", ".join(missing)})
        return list(found.values())

    @staticmethod
    def initial_for(engineer: Engineer) -> dict:
        fields = ("name", "phone", "email", "region", "on_call")
        initial = {f: getattr(engineer, f) for f in fields}
        initial["skills"] = list(engineer.skills.all())
        initial["customers"] = " ".join(c.code for c in engineer.customers.order_by("code"))
        return initial


class EngineerCreateForm(EngineerForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(), max_length=PASSWORD_MAX
    )
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES, initial=Role.ENGINEER)
    manager_level = forms.ChoiceField(
        label=_("Manager level"), choices=BLANK + list(ManagerLevel.choices), required=False
    )
    field_order = ["username", "password", "role", "manager_level", "name"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Offer only what the user may grant: the service refuses the rest anyway.
        grantable = grantable_roles(user)
        self.fields["role"].choices = [c for c in STAFF_ROLE_CHOICES if c[0] in grantable]
        if not can_grant_role(user, Role.MANAGER):
            del self.fields["manager_level"]


class ResponsibilityForm(forms.Form):
    engineer = forms.ModelChoiceField(
        label=_("Engineer"), queryset=Engineer.objects.filter(is_active=True).order_by("name")
    )
