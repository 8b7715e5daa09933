from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.notify.models import Channel, Status


class OutboxFilterForm(forms.Form):
    """The console's outbox filters; every field optional, bad values are simply ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )
    kind = forms.CharField(label=_("Kind"), required=False, max_length=64)
    recipient = forms.CharField(label=_("Recipient"), required=False, max_length=200)
    ref_type = forms.CharField(label=_("Reference type"), required=False, max_length=40)
    ref_id = forms.CharField(label=_("Reference"), required=False, max_length=64)

    def filters(self) -> dict[str, str]:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}
