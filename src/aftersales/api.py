"""The one NinjaAPI at /api/v1: bearer tokens or the browser session, JSON errors."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from aftersales.accounts.api import router as accounts_router
from aftersales.accounts.endpoint_access import PUBLIC, access
from aftersales.accounts.services import token_user
from aftersales.cases.api import router as cases_router
from aftersales.cases.email_api import router as inbound_email_router
from aftersales.cases.macros_api import router as macros_router
from aftersales.cases.organize_api import router as organize_router
from aftersales.contracts.api import router as contracts_router
from aftersales.contracts.penalty_api import router as penalty_router
from aftersales.core.errors import ApplicationError, error_body
from aftersales.core.middleware import BODY_TOO_LARGE
from aftersales.core.openapi import DocumentedAPI
from aftersales.core.parser import ApiParser
from aftersales.feedback.callbacks_api import router as callbacks_router
from aftersales.feedback.complaints_api import router as complaints_router
from aftersales.feedback.surveys_api import router as surveys_router
from aftersales.fieldservice.appointments_api import router as appointments_router
from aftersales.fieldservice.deliveries_api import router as deliveries_router
from aftersales.fieldservice.inspections_api import router as inspections_router
from aftersales.inventory.api import router as inventory_router
from aftersales.inventory.loans_api import router as loans_router
from aftersales.inventory.sales_api import router as part_sales_router
from aftersales.kb.articles_api import router as kb_articles_router
from aftersales.kb.case_reply_api import router as kb_case_reply_router
from aftersales.kb.deflection_api import router as kb_deflection_router
from aftersales.kb.search_api import router as kb_search_router
from aftersales.notify.api import router as notify_router
from aftersales.notify.notices_api import router as notices_router
from aftersales.registry.api import router as registry_router
from aftersales.registry.import_api import router as import_router
from aftersales.registry.lookup_api import router as lookup_router
from aftersales.repairs.api import router as repairs_router
from aftersales.reports.dashboard_api import router as reports_dashboard_router
from aftersales.reports.documents_api import router as reports_documents_router
from aftersales.reports.kpis_api import router as reports_kpis_router
from aftersales.reports.risk_api import router as reports_risk_router
from aftersales.reports.schedules_api import router as reports_schedules_router
from aftersales.rma.api import router as rma_router
from aftersales.rma.returns_api import router as returns_router
from aftersales.sla.api import router as sla_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(APIKeyCookie):
    """The staff UI's session cookie; unsafe methods still need the CSRF token."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing to forge: the answer is 401, not a
        # CSRF 403 that would send an API client looking for a token it never needed.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api = DocumentedAPI(
    title="aftersales API",
    version="1",
    description="After-sales service and technical-support platform (售后服务与技术支持平台).",
    auth=[BearerToken(), BrowserSession()],
    urls_namespace="api",
    parser=ApiParser(),
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError):
    return api.create_response(request, error_body(exc), status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, {"detail": "Authentication required."}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    # ninja wraps whatever the parser raised in a 400 "Cannot parse request body": our parser
    # raises ApplicationErrors (415, 422 naming the field), which keep their own answer.
    if isinstance(exc.__cause__, ApplicationError):
        return application_error(request, exc.__cause__)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig):
    return api.create_response(request, {"detail": str(BODY_TOO_LARGE)}, status=413)


@access(PUBLIC)
@api.get("/health", auth=None, include_in_schema=False)
def health(request: HttpRequest):
    return {"status": "ok"}


api.add_router("", accounts_router)
api.add_router("", registry_router)
api.add_router("", lookup_router)
api.add_router("", import_router)
# Before cases: "/cases/bulk" and the like must not be read as a case number.
api.add_router("", macros_router)
api.add_router("", organize_router)
api.add_router("", cases_router)
api.add_router("", inbound_email_router)
api.add_router("", notify_router)
api.add_router("", notices_router)
api.add_router("", sla_router)
api.add_router("", penalty_router)
api.add_router("", contracts_router)
api.add_router("", repairs_router)
api.add_router("", inventory_router)
api.add_router("", part_sales_router)
api.add_router("", loans_router)
api.add_router("", complaints_router)
api.add_router("", callbacks_router)
api.add_router("", kb_articles_router)
api.add_router("", kb_search_router)
api.add_router("", kb_deflection_router)
api.add_router("", kb_case_reply_router)
api.add_router("", reports_kpis_router)
api.add_router("", reports_documents_router)
api.add_router("", reports_dashboard_router)
api.add_router("", reports_risk_router)
api.add_router("", reports_schedules_router)
api.add_router("", surveys_router)
api.add_router("", rma_router)
api.add_router("", returns_router)
api.add_router("", deliveries_router)
api.add_router("", inspections_router)
api.add_router("", appointments_router)
