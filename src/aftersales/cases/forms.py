"""Case forms: they parse and check input; the workflow rules live in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.cases import pickers
from aftersales.cases.models import PRIORITY_DEFINITIONS, Channel, Priority, ServiceMode, Status
from aftersales.cases.templatetags.cases_ui import case_type_label
from aftersales.cases.uploads import check_upload
from aftersales.core.errors import Invalid, NotFound
from aftersales.core.form_fields import LONG_TEXT_MAX, BoundedDateField
from aftersales.registry import selectors as registry_selectors
from aftersales.registry.models import Customer

BLANK = [("", "—")]
UNKNOWN_CUSTOMER = _("No active customer has this code.")

QUEUES = [
    ("mine", _("My cases")),
    ("team", _("My team's")),
    ("unassigned", _("Unassigned")),
    ("overdue", _("Overdue")),
    ("breached", _("Breached")),
    ("watched", _("Watched")),
    ("all", _("All")),
]
SORTS = [
    ("-created", _("Newest first")),
    ("due", _("Due soonest")),
    ("created", _("Oldest first")),
    ("priority", _("Priority P1 first")),
    ("-priority", _("Priority P4 first")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked like a single attachment."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for f in cleaned:
            try:
                check_upload(f, field="attachments")
            except Invalid as exc:
                raise forms.ValidationError(f"{f.name}: {exc.message}") from exc
        return cleaned


class QueueFilter(forms.Form):
    """The queue's tabs, filters, search and sort; bad values are ignored one by one."""

    tab = forms.ChoiceField(choices=QUEUES, required=False, widget=forms.HiddenInput)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=BLANK + [("open", _("All open"))] + list(Status.choices),
        required=False,
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=BLANK + list(Priority.choices), required=False
    )
    customer = forms.CharField(label=_("Customer code"), required=False, max_length=40)
    case_type = forms.ChoiceField(label=_("Case type"), required=False)
    vendor = forms.ChoiceField(label=_("Vendor"), required=False)
    assignee = forms.ChoiceField(label=_("Engineer"), required=False)
    created_from = BoundedDateField(label=_("Created from"), required=False, widget=DateInput())
    created_to = BoundedDateField(label=_("Created to"), required=False, widget=DateInput())
    sort = forms.ChoiceField(choices=SORTS, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, case_types=(), vendors=(), engineers=(), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = BLANK + [
            (t.code, case_type_label(t)) for t in case_types
        ]
        self.fields["vendor"].choices = BLANK + [(v.code, v.name) for v in vendors]
        self.fields["assignee"].choices = (
            BLANK + [("none", _("Nobody (unassigned)"))] + [(u.username, str(u)) for u in engineers]
        )

    def value(self, name: str) -> Any:
        """The cleaned value, or None when absent or bad: one bad filter spoils no others."""
        self.is_valid()
        return self.cleaned_data.get(name)

    def created_range(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """Whole days in the user's time zone: 'to' includes its own day."""
        zone = timezone.get_current_timezone()
        start, end = self.value("created_from"), self.value("created_to")
        after = dt.datetime.combine(start, dt.time.min, zone) if start else None
        before = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone) if end else None
        return after, before


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class PriorityRadio(forms.RadioSelect):
    option_template_name = "cases/_priority_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["definition"] = PRIORITY_DEFINITIONS.get(value, "")
        return option


class CaseCreateForm(forms.Form):
    """The seat's intake form; customer by code, contact from that customer's people."""

    customer = forms.CharField(label=_("Customer code"), max_length=40)
    contact = forms.ChoiceField(label=_("Contact"), required=False)
    caller_name = forms.CharField(label=_("Caller name"), max_length=100, required=False)
    caller_phone = forms.CharField(label=_("Caller phone"), max_length=40, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=80, required=False)
    case_type = forms.ChoiceField(label=_("Case type"))
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.P3, widget=PriorityRadio
    )
    service_mode = forms.ChoiceField(
        label=_("Service mode"), choices=ServiceMode.choices, initial=ServiceMode.REMOTE
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in Channel.choices if c[0] not in (Channel.PORTAL, Channel.API)],
        initial=Channel.PHONE,
        help_text=_("Fax or letter for paper intake."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    fault_symptom = forms.CharField(
        label=_("Fault symptom"),
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_major = forms.BooleanField(
        label=_(
            "Major request (data recovery, changes to business results): needs a signed approval"
        ),
        required=False,
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.customer_obj: Customer | None = None
        self.fields["case_type"].choices = [
            (t.code, case_type_label(t)) for t in pickers.case_types_for_picker()
        ]
        self.fields["case_type"].initial = "fault"
        code = (self.data.get("customer") if self.is_bound else self.initial.get("customer")) or ""
        self.customer_obj = customer_by_code(user, code)
        self.fields["contact"].choices = BLANK + contact_choices(user, self.customer_obj)

    def clean_customer(self) -> Customer:
        if self.customer_obj is None:
            raise forms.ValidationError(UNKNOWN_CUSTOMER)
        return self.customer_obj

    def clean_contact(self):
        value = self.cleaned_data.get("contact")
        if not value or self.customer_obj is None:
            return None
        return (
            registry_selectors.contacts_for_user(self.user)
            .filter(customer=self.customer_obj, pk=value)
            .first()
        )


def customer_by_code(user: Any, code: str) -> Customer | None:
    """Codes are stored as typed (usually upper case): try both spellings."""
    code = (code or "").strip()
    if not code:
        return None
    for candidate in dict.fromkeys((code, code.upper())):
        try:
            return registry_selectors.customer_get_for_user(user=user, code=candidate)
        except NotFound:
            continue
    return None


def contact_choices(user: Any, customer: Customer | None) -> list[tuple[str, str]]:
    if customer is None:
        return []
    contacts = registry_selectors.contacts_for_user(user).filter(customer=customer).order_by("name")
    return [(str(c.pk), f"{c.name} {c.phone}".strip()) for c in contacts]


class PortalCaseForm(forms.Form):
    """A contact's own report; P1 stays with the hotline so a person picks it up at once."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What happened?"),
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    asset = forms.ChoiceField(label=_("Equipment"), required=False)
    case_type = forms.ChoiceField(label=_("Request type"))
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[c for c in Priority.choices if c[0] != Priority.P1],
        initial=Priority.P3,
        widget=PriorityRadio,
    )
    attachments = MultipleFileField(label=_("Attachments (screenshots, logs)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = [
            (t.code, case_type_label(t)) for t in pickers.case_types_for_picker()
        ]
        self.fields["case_type"].initial = "fault"
        assets = (
            registry_selectors.assets_for_user(user)
            .select_related("product_model")
            .order_by("serial_number")
        )
        self.fields["asset"].choices = BLANK + [
            (a.serial_number, f"{a.serial_number} · {a.product_model.name}") for a in assets
        ]
