"""Changes in the installed base that floors above must hear of, without the registry
importing them: an app registers a listener in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aftersales.registry.models import Customer

WarrantyListener = Callable[..., Any]
_WARRANTY: list[WarrantyListener] = []


def on_warranty_changed(listener: WarrantyListener) -> None:
    """Register listener(*, customer, by); registering twice is a no-op."""
    if listener not in _WARRANTY:
        _WARRANTY.append(listener)


def warranty_changed(*, customer: Customer, by: Any = None) -> None:
    """An asset's acceptance date, warranty months or model changed (same transaction)."""
    for listener in _WARRANTY:
        listener(customer=customer, by=by)
