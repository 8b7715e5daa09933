"""Entitlement (保修状态): is this asset's service under contract, in warranty, or paid?

Rule, first match wins:
1. an active contract in force on the day that covers the asset (named, by its project, or a
   contract naming neither = the whole customer) → in_contract, at the contract's service level;
2. the asset's warranty: its own warranty_months, else the most specific active WarrantyTerm
   (model + kind, model, kind), else the product model's default months; counted from final
   acceptance (or delivery/installation when the term says so) → in_warranty while the day is
   on or before the last day;
3. otherwise out_of_warranty (paid service, quoted before work).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from aftersales.registry.models import Asset, Customer, ProductKind

IN_WARRANTY = "in_warranty"
IN_CONTRACT = "in_contract"
OUT_OF_WARRANTY = "out_of_warranty"
STATUSES = (IN_WARRANTY, IN_CONTRACT, OUT_OF_WARRANTY)


# Reasons are stored as a code and its values, and worded in the reader's language when shown:
# a reason stored as a sentence would read in its writer's language to everybody.
REASONS = {
    "contract": gettext_noop("contract %(number)s %(level)s until %(date)s"),
    "no_asset": gettext_noop("No registered asset: paid service unless agreed."),
    "no_acceptance": gettext_noop("No final acceptance date recorded: warranty cannot start."),
    "not_accepted": gettext_noop("%(kind)s not yet accepted: warranty runs until %(date)s"),
    "in_warranty": gettext_noop("%(kind)s warranty until %(date)s"),
    "ended": gettext_noop("%(kind)s warranty ended on %(date)s"),
    # Warranties of our own work, decided by rma and repairs on top of the asset's.
    "spare_part": gettext_noop("part warranty of the spare shipped by %(number)s until %(date)s"),
    "repair_warranty": gettext_noop("repair warranty of %(number)s until %(date)s"),
}


def reason_text(stored: str) -> str:
    """A stored reason in the current language; text stored before codes is shown as it is."""
    try:
        data = json.loads(stored) if stored.startswith("{") else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("code") not in REASONS:
        return stored
    worded = _worded(data["code"], {k: v for k, v in data.items() if k != "code"})
    return stored if worded is None else worded


def _worded(code: str, values: dict[str, Any]) -> str | None:
    """The reason `code` with its values in the current language; None if they do not fit."""
    params = {k: str(v) for k, v in values.items()}
    if "kind" in params:
        kinds = dict(ProductKind.choices)
        params["kind"] = str(kinds.get(params["kind"], params["kind"])).lower()
    if "level" in params:
        params["level"] = service_level_label(params["level"])
    try:
        return _(REASONS[code]) % params
    except (KeyError, ValueError, TypeError):
        return None


@dataclass(frozen=True)
class Entitlement:
    status: str
    reason_code: str
    until: dt.date | None = None
    service_level: str = ""
    contract: str = ""
    reason_params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_free(self) -> bool:
        return self.status != OUT_OF_WARRANTY

    @property
    def stored_reason(self) -> str:
        """The reason as records keep it: its code and values, no words."""
        return json.dumps(
            {"code": self.reason_code, **self.reason_params}, ensure_ascii=False, sort_keys=True
        )

    @property
    def reason(self) -> str:
        return _worded(self.reason_code, self.reason_params) or self.stored_reason

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "reason": self.reason,
            "until": self.until,
            "service_level": self.service_level,
            "contract": self.contract,
        }


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def service_level_label(code: str) -> str:
    """7x24 → 7×24, as the plans write it; custom policy codes stay as they are."""
    return code.replace("x", "×") if re.fullmatch(r"\d+x\d+", code or "") else code


@dataclass(frozen=True)
class Warranty:
    kind: str
    months: int
    starts_on: dt.date | None
    ends_on: dt.date | None
    service_level: str = ""


def asset_warranty(asset: Asset) -> Warranty:
    """The asset's warranty period; ends_on is None when its start date is not recorded."""
    from aftersales.contracts.selectors import warranty_term_for

    model = asset.product_model
    term = warranty_term_for(product_model=model, kind=model.kind)
    if asset.warranty_months is not None:
        months = asset.warranty_months
    elif term is not None:
        months = term.months
    else:
        months = model.warranty_months
    start = asset.accepted_on
    if term is not None and term.starts_from == "delivery":
        start = asset.installed_on or asset.accepted_on
    end = add_months(start, months) - dt.timedelta(days=1) if start else None
    level = term.service_level if term is not None else ""
    return Warranty(
        kind=model.kind, months=months, starts_on=start, ends_on=end, service_level=level
    )


def warranty_end(asset: Asset) -> dt.date | None:
    """Last day of the asset's warranty (自终验合格之日起), or None without a start date."""
    return asset_warranty(asset).ends_on


def _contract_entitlement(contract) -> Entitlement:
    code = contract.sla_policy.code
    params = {"number": contract.number, "level": code, "date": contract.ends_on.isoformat()}
    return Entitlement(IN_CONTRACT, "contract", contract.ends_on, code, contract.number, params)


def entitlement_for(
    *, asset: Asset | None, on: dt.date, customer: Customer | None = None
) -> Entitlement:
    """Decide the entitlement of an asset (or, without one, of the customer) on a day."""
    from aftersales.contracts.selectors import contract_covering

    owner = asset.customer if asset is not None else customer
    contract = None
    if owner is not None:
        contract = contract_covering(customer=owner, asset=asset, on=on)
    return _entitlement(asset, on, contract)


def entitlements_for(*, assets: list[Asset], on: dt.date) -> dict[int, Entitlement]:
    """entitlement_for of each asset (asset pk -> entitlement), the contracts read at once."""
    from aftersales.contracts.selectors import contracts_covering

    covering = contracts_covering(assets=assets, on=on)
    return {a.pk: _entitlement(a, on, covering[a.pk]) for a in assets}


def _entitlement(asset: Asset | None, on: dt.date, contract) -> Entitlement:
    if contract is not None:
        return _contract_entitlement(contract)
    if asset is None:
        return Entitlement(OUT_OF_WARRANTY, "no_asset")
    warranty = asset_warranty(asset)
    if warranty.ends_on is None:
        return Entitlement(OUT_OF_WARRANTY, "no_acceptance")
    params = {"kind": asset.product_model.kind, "date": warranty.ends_on.isoformat()}
    level = warranty.service_level
    if warranty.starts_on and on < warranty.starts_on:
        # Serviced before acceptance: still the supplier's delivery obligation, hence free.
        return Entitlement(
            IN_WARRANTY, "not_accepted", warranty.ends_on, level, reason_params=params
        )
    if on <= warranty.ends_on:
        return Entitlement(
            IN_WARRANTY, "in_warranty", warranty.ends_on, level, reason_params=params
        )
    return Entitlement(OUT_OF_WARRANTY, "ended", warranty.ends_on, reason_params=params)
