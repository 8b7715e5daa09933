"""Field service endpoints (contract.md, "Field service"): thin; the flow lives in services."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["field service"])
