"""Forms of the triage queue: they only parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.cases.models import InboundEmailStatus

TRIAGE_TABS = (
    InboundEmailStatus.TRIAGE,
    InboundEmailStatus.ERROR,
    InboundEmailStatus.IGNORED,
    InboundEmailStatus.NEW_CASE,
    InboundEmailStatus.COMMENT,
)


class CreateCaseForm(forms.Form):
    customer = forms.CharField(label=_("Customer code"), max_length=40)
    add_contact = forms.BooleanField(
        label=_("Add the sender as a contact of this customer"), required=False
    )


class AttachForm(forms.Form):
    case = forms.CharField(label=_("Case number"), max_length=32)
    internal = forms.BooleanField(label=_("Internal note"), required=False)


class IgnoreForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
