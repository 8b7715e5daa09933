"""GET /api/v1/lookup: the call-centre search."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["lookup"])
