"""The written reports (报告) as files (contract.md, "Reports"): thin; the figures live in
quarterly.py, weekly.py and major.py, the files in rendering.py.

Access is checked before the period is read, so a caller who may not see the report learns
nothing, not even whether the period was well formed.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from aftersales.accounts.endpoint_access import STAFF, access, scoped, staff_perm
from aftersales.core.openapi import documented
from aftersales.reports.major import major_report_file
from aftersales.reports.quarterly import QUARTERLY, VIEW_REPORTS, YEARLY, customer_report_file
from aftersales.reports.rendering import file_response
from aftersales.reports.weekly import weekly_report_file

router = Router(tags=["reports"])

CUSTOMER_REPORT = scoped(VIEW_REPORTS)
MAJOR_REPORT = staff_perm(VIEW_REPORTS)
# The engineer themselves, or staff with reports.view_reports (weekly.engineer_for_report).
WEEKLY_REPORT = STAFF


@router.get(
    "/reports/customers/{code}/quarterly",
    response={200: None},
    openapi_extra=documented(403, 404, 422),
)
@access(CUSTOMER_REPORT)
def customer_quarterly(
    request: HttpRequest, code: str, quarter: str = "", format: str = "pdf", contract: str = ""
):
    """The customer's quarterly maintenance summary (YYYY-Qn) as a PDF or XLSX."""
    return file_response(
        *customer_report_file(
            user=request.auth,
            code=code,
            kind=QUARTERLY,
            period=quarter,
            fmt=format,
            contract=contract,
        )
    )


@router.get(
    "/reports/customers/{code}/yearly",
    response={200: None},
    openapi_extra=documented(403, 404, 422),
)
@access(CUSTOMER_REPORT)
def customer_yearly(
    request: HttpRequest, code: str, year: str = "", format: str = "pdf", contract: str = ""
):
    """The customer's yearly maintenance summary (YYYY) as a PDF or XLSX."""
    return file_response(
        *customer_report_file(
            user=request.auth,
            code=code,
            kind=YEARLY,
            period=year,
            fmt=format,
            contract=contract,
        )
    )


@router.get(
    "/reports/engineers/{username}/weekly",
    response={200: None},
    openapi_extra=documented(403, 404, 422),
)
@access(WEEKLY_REPORT)
def engineer_weekly(request: HttpRequest, username: str, week: str = "", format: str = "pdf"):
    """The engineer's weekly report (YYYY-Www) as a PDF or XLSX."""
    return file_response(
        *weekly_report_file(user=request.auth, username=username, week=week, fmt=format)
    )


@router.get(
    "/reports/major-requests/monthly",
    response={200: None},
    openapi_extra=documented(403, 404, 422),
)
@access(MAJOR_REPORT)
def major_monthly(request: HttpRequest, month: str = "", format: str = "pdf"):
    """The month's major requests (YYYY-MM) with approvals and causes, as a PDF or XLSX."""
    return file_response(*major_report_file(user=request.auth, month=month, fmt=format))
