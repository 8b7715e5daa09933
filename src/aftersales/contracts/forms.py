"""Console forms for contracts and warranty terms: they parse; rules live in services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import STAFF_ROLES
from aftersales.contracts.models import WarrantyStart
from aftersales.core.form_fields import LONG_TEXT_MAX, SHORT_TEXT_MAX, BoundedDateField
from aftersales.registry.forms import TEXTAREA, DateInput, StaffChoiceField
from aftersales.registry.models import Asset, ProductKind, ProductModel, Project
from aftersales.sla.models import SlaPolicy

STATE_CHOICES = [
    ("", _("Active and upcoming")),
    ("active", _("In force")),
    ("expiring", _("Expiring soon")),
    ("expired", _("Expired")),
    ("upcoming", _("Not started yet")),
    ("inactive", _("Deactivated")),
    ("all", _("All")),
]


class ContractFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=SHORT_TEXT_MAX)
    customer = forms.CharField(label=_("Customer code"), required=False, max_length=40)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    within_days = forms.IntegerField(
        label=_("Expiring within (days)"), required=False, min_value=1, max_value=3650
    )

    def value(self, name: str):
        self.is_valid()
        return self.cleaned_data.get(name)


def _policies():
    return [(p.code, f"{p.code} · {p.name}") for p in SlaPolicy.objects.filter(is_active=True)]


def _staff():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[str(r) for r in STAFF_ROLES])
        .distinct()
        .order_by("username")
    )


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=40)
    service_level = forms.ChoiceField(label=_("Service level"))
    starts_on = BoundedDateField(label=_("Starts on"), widget=DateInput())
    ends_on = BoundedDateField(label=_("Ends on"), widget=DateInput())
    value = forms.DecimalField(label=_("Contract value (CNY)"), max_digits=14, decimal_places=2)
    assets = forms.ModelMultipleChoiceField(
        label=_("Covered assets"),
        queryset=Asset.objects.none(),
        required=False,
        help_text=_("Neither assets nor projects: the contract covers all the customer's assets."),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Covered projects"), queryset=Project.objects.none(), required=False
    )
    free_upgrades_until = BoundedDateField(
        label=_("Free upgrades until"), required=False, widget=DateInput()
    )
    inspections_per_year = forms.IntegerField(
        label=_("Inspections a year"), min_value=0, max_value=365, initial=4
    )
    onsite_visits = forms.IntegerField(
        label=_("Onsite visits included"), min_value=0, max_value=32767, required=False
    )
    remote_support = forms.BooleanField(label=_("Remote support"), required=False, initial=True)
    advance_replacement = forms.BooleanField(
        label=_("Advance replacement"),
        required=False,
        initial=True,
        help_text=_("Unticked: the spare ships only after the faulty unit has arrived."),
    )
    training_days = forms.IntegerField(
        label=_("Training days"), min_value=0, max_value=32767, initial=0
    )
    service_manager = StaffChoiceField(
        label=_("Customer service manager"), queryset=None, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=TEXTAREA, required=False, max_length=LONG_TEXT_MAX
    )

    def __init__(self, *args, customer, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_level"].choices = _policies()
        self.fields["assets"].queryset = Asset.objects.filter(
            customer=customer, is_active=True
        ).select_related("product_model")
        self.fields["projects"].queryset = Project.objects.filter(customer=customer, is_active=True)
        self.fields["service_manager"].queryset = _staff()
        if editing:
            self.fields["number"].disabled = True


class RenewForm(forms.Form):
    number = forms.CharField(label=_("New contract number"), max_length=40)
    starts_on = BoundedDateField(
        label=_("Starts on"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the day after the current contract ends."),
    )
    ends_on = BoundedDateField(
        label=_("Ends on"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: as long as the current contract."),
    )
    value = forms.DecimalField(
        label=_("Contract value (CNY)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Empty: the current value."),
    )
    service_level = forms.ChoiceField(label=_("Service level"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_level"].choices = [("", _("Unchanged"))] + _policies()


class WarrantyTermForm(forms.Form):
    product_model = forms.ModelChoiceField(
        label=_("Product model"),
        queryset=ProductModel.objects.filter(is_active=True).select_related("vendor"),
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Component kind"),
        choices=[("", _("Any kind"))] + list(ProductKind.choices),
        required=False,
    )
    months = forms.IntegerField(label=_("Months"), min_value=0, max_value=600)
    starts_from = forms.ChoiceField(label=_("Starts from"), choices=WarrantyStart.choices)
    service_level = forms.ChoiceField(label=_("Service level in warranty"), required=False)
    exclusions = forms.CharField(
        label=_("Exclusions"), widget=TEXTAREA, required=False, max_length=LONG_TEXT_MAX
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_level"].choices = [("", _("Default policy"))] + _policies()
