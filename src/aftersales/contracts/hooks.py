"""The one documented hook list through which coverage changes reach the modules above.

A contract, its coverage or an asset's acceptance date changed: the modules whose subjects
depend on coverage (cases: entitlement and promises of open cases) registered a listener in
their AppConfig.ready(); contracts calls them in the same transaction, never importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aftersales.registry.models import Customer

CoverageListener = Callable[..., int]
_LISTENERS: list[CoverageListener] = []


def on_coverage_changed(listener: CoverageListener) -> None:
    """Register listener(*, customer, by) -> changed count; registering twice is a no-op."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def coverage_changed(*, customer: Customer, by: Any = None) -> int:
    """Tell every listener the customer's coverage changed; returns the changes they made."""
    return sum(listener(customer=customer, by=by) for listener in _LISTENERS)
