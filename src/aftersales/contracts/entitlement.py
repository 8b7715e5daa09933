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
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from aftersales.registry.models import Asset, Customer

IN_WARRANTY = "in_warranty"
IN_CONTRACT = "in_contract"
OUT_OF_WARRANTY = "out_of_warranty"
STATUSES = (IN_WARRANTY, IN_CONTRACT, OUT_OF_WARRANTY)


@dataclass(frozen=True)
class Entitlement:
    status: str
    reason: str
    until: dt.date | None = None
    service_level: str = ""
    contract: str = ""

    @property
    def is_free(self) -> bool:
        return self.status != OUT_OF_WARRANTY

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
    reason = _("contract %(number)s %(level)s until %(date)s") % {
        "number": contract.number,
        "level": service_level_label(code),
        "date": contract.ends_on.isoformat(),
    }
    return Entitlement(IN_CONTRACT, reason, contract.ends_on, code, contract.number)


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
        return Entitlement(OUT_OF_WARRANTY, _("No registered asset: paid service unless agreed."))
    warranty = asset_warranty(asset)
    kind = asset.product_model.get_kind_display().lower()
    if warranty.ends_on is None:
        return Entitlement(
            OUT_OF_WARRANTY, _("No final acceptance date recorded: warranty cannot start.")
        )
    params = {"kind": kind, "date": warranty.ends_on.isoformat()}
    if warranty.starts_on and on < warranty.starts_on:
        # Serviced before acceptance: still the supplier's delivery obligation, hence free.
        return Entitlement(
            IN_WARRANTY,
            _("%(kind)s not yet accepted: warranty runs until %(date)s") % params,
            warranty.ends_on,
            warranty.service_level,
        )
    if on <= warranty.ends_on:
        return Entitlement(
            IN_WARRANTY,
            _("%(kind)s warranty until %(date)s") % params,
            warranty.ends_on,
            warranty.service_level,
        )
    return Entitlement(
        OUT_OF_WARRANTY, _("%(kind)s warranty ended on %(date)s") % params, warranty.ends_on
    )
