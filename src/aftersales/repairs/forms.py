"""Console and portal forms for repair orders: they parse; the rules live in services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import Role
from aftersales.core.form_fields import LONG_TEXT_MAX, MEDIUM_TEXT_MAX, BoundedDateTimeField
from aftersales.core.signatures import MAX_BYTES, PREFIX
from aftersales.registry.forms import TEXTAREA
from aftersales.repairs.models import Decision, Exclusion, ServiceMode, TravelMode
from aftersales.repairs.selectors import fault_categories

# A PNG data URL of at most MAX_BYTES; the exact check is the service's.
SIGNATURE_MAX = len(PREFIX) + MAX_BYTES * 4 // 3 + 4

BAD_PART_LINE = _(
    "Line %(line)d: write “name | part number | quantity | unit price”, e.g. "
    "“电源模块 | PWR-650 | 1 | 1200”."
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _fault_choices():
    return [(c.code, c.name) for c in fault_categories()]


class RepairCreateForm(forms.Form):
    service_mode = forms.ChoiceField(label=_("Service mode"), choices=ServiceMode.choices)
    fault_category = forms.ChoiceField(label=_("Fault category"))
    fault_text = forms.CharField(
        label=_("Fault as reported"), max_length=LONG_TEXT_MAX, widget=TEXTAREA
    )
    diagnosis = forms.CharField(
        label=_("Diagnosis"), max_length=LONG_TEXT_MAX, widget=TEXTAREA, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fault_category"].choices = _fault_choices()


class PartsField(forms.CharField):
    """One part a line: name | part number | quantity | unit price."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        lines = []
        for number, raw in enumerate((value or "").splitlines(), start=1):
            if not raw.strip():
                continue
            cells = [c.strip() for c in raw.split("|")]
            if len(cells) != 4 or not cells[0]:
                raise forms.ValidationError(BAD_PART_LINE % {"line": number})
            try:
                quantity, price = int(cells[2]), Decimal(cells[3])
            except (ValueError, InvalidOperation) as exc:
                raise forms.ValidationError(BAD_PART_LINE % {"line": number}) from exc
            lines.append(
                {
                    "name": cells[0],
                    "part_number": cells[1],
                    "quantity": quantity,
                    "unit_price": price,
                }
            )
        return lines


def parts_text(order) -> str:
    return "\n".join(
        f"{p.name} | {p.part_number} | {p.quantity} | {p.unit_price}"
        # Only free-text parts: parts drawn from stock are listed and returned apart.
        for p in order.parts.filter(stock_move__isnull=True)
    )


class RepairEditForm(forms.Form):
    service_mode = forms.ChoiceField(label=_("Service mode"), choices=ServiceMode.choices)
    fault_category = forms.ChoiceField(label=_("Fault category"))
    fault_text = forms.CharField(
        label=_("Fault as reported"), max_length=LONG_TEXT_MAX, widget=TEXTAREA
    )
    diagnosis = forms.CharField(
        label=_("Diagnosis"), max_length=LONG_TEXT_MAX, widget=TEXTAREA, required=False
    )
    cause = forms.CharField(
        label=_("Cause"), max_length=LONG_TEXT_MAX, widget=TEXTAREA, required=False
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, required=False)
    exclusion = forms.ChoiceField(
        label=_("Warranty exclusion"), choices=Exclusion.choices, required=False
    )
    appointment_at = BoundedDateTimeField(
        label=_("Appointment"), required=False, widget=DateTimeInput()
    )
    engineers = forms.ModelMultipleChoiceField(
        label=_("Engineers"), queryset=get_user_model().objects.none(), required=False
    )
    parts = PartsField(
        label=_("Parts used"),
        max_length=LONG_TEXT_MAX,
        required=False,
        help_text=_("One a line: name | part number | quantity | unit price"),
    )
    labour_minutes = forms.IntegerField(
        label=_("Labour (minutes)"), min_value=0, max_value=1000000, initial=0
    )
    travel_mode = forms.ChoiceField(label=_("Travel"), choices=TravelMode.choices)
    travel_km = forms.DecimalField(
        label=_("Travel distance (km)"),
        min_value=0,
        max_digits=8,
        decimal_places=1,
        required=False,
    )
    solution = forms.CharField(
        label=_("Solution"), max_length=LONG_TEXT_MAX, widget=TEXTAREA, required=False
    )
    process = forms.CharField(
        label=_("Repair process"), max_length=LONG_TEXT_MAX, widget=TEXTAREA, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fault_category"].choices = _fault_choices()
        self.fields["engineers"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, groups__name__in=[Role.ENGINEER, Role.EXPERT, Role.RMA_ADMIN]
            )
            .distinct()
            .order_by("username")
        )


class PhoneDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approved")), ("refuse", _("Refused"))]
    )
    name = forms.CharField(label=_("Customer's name"), max_length=100)
    decided_at = BoundedDateTimeField(label=_("When"), widget=DateTimeInput())
    note = forms.CharField(
        label=_("Note"), max_length=MEDIUM_TEXT_MAX, widget=TEXTAREA, required=False
    )


class VerifyForm(forms.Form):
    test_results = forms.CharField(
        label=_("Test results"), max_length=LONG_TEXT_MAX, widget=TEXTAREA
    )
    signature = forms.CharField(widget=forms.HiddenInput, max_length=SIGNATURE_MAX, required=False)


class SignOffForm(forms.Form):
    name = forms.CharField(label=_("Signer's name"), max_length=100, required=False)
    signature = forms.CharField(widget=forms.HiddenInput, max_length=SIGNATURE_MAX, required=False)


class StepMomentForm(forms.Form):
    """A carry-in step (received, returned), with its moment when recorded afterwards."""

    at = BoundedDateTimeField(label=_("When (if not now)"), widget=DateTimeInput(), required=False)


class StockPartForm(forms.Form):
    """Draw a part from a warehouse's stock; the lists are the stock the user may see."""

    warehouse = forms.ChoiceField(label=_("Warehouse"))
    part_number = forms.ChoiceField(label=_("Part"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100, initial=1)
    serial = forms.CharField(
        label=_("Serial number (serialised parts)"), max_length=80, required=False
    )

    def __init__(self, *args, warehouses=(), parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = [(w.code, f"{w.code} {w.name}") for w in warehouses]
        self.fields["part_number"].choices = [
            (p.part_number, f"{p.part_number} {p.name}") for p in parts
        ]
