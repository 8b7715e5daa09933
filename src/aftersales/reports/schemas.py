"""The report filter as API query parameters, shared by every report endpoint.

Values are checked by reports.filters.parse_filter (422 naming the field), not here."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class DimensionParams(Schema):
    """The seven dimensions of reports.filters.ReportFilter (empty: all)."""

    customer: str = Field("", description="Customer code")
    contract: str = Field("", description="Contract number")
    region: str = Field("", description="The customer's region, e.g. 华东")
    team: str = Field("", description="The assignee's team")
    engineer: str = Field("", description="The assignee's username")
    product: str = Field("", description="Product model name or product line")
    priority: str = Field("", description="P1..P4")


class FilterParams(DimensionParams):
    """The period (local dates, `to` inclusive; default the last 30 days) and the dimensions."""

    from_: str = Field("", alias="from", description="First day, YYYY-MM-DD (default: to−29)")
    to: str = Field("", description="Last day, inclusive (default: today)")
