from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.inventory.models import Warehouse


class ReceiveForm(forms.Form):
    part_number = forms.CharField(label=_("Part number"), max_length=80)
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.filter(is_active=True)
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000)
    serials = forms.CharField(
        label=_("Serial numbers"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, for serialised parts."),
    )
    reason = forms.CharField(label=_("Note"), required=False, max_length=2_000)

    def clean_serials(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data["serials"].splitlines() if s.strip()]


class CountForm(forms.Form):
    part = forms.IntegerField(min_value=1)
    counted = forms.IntegerField(label=_("Counted"), min_value=0, max_value=100_000)


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2_000)
