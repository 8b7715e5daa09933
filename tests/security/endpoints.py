"""Every page of the URL conf and every operation of the NinjaAPI, with what fills its inputs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from aftersales.accounts.endpoint_access import Rule, access_rule_of
from aftersales.cases import detail_views as case_pages
from aftersales.portal import views as portal_pages

# Not ours to sweep: Django's admin has its own staff gate; the API is enumerated from
# the NinjaAPI object, whose operations carry the declarations.
SKIPPED_PREFIXES = ("admin/", "api/v1/", "static/", "media/")
API_PREFIX = "/api/v1"

# Views that dispatch on an <action> path segment: each action is swept on its own.
ACTIONS: dict[str, tuple[str, ...]] = {
    "aftersales.cases.detail_views.case_action": tuple(case_pages.ACTIONS),
    "aftersales.portal.views.case_action": tuple(portal_pages.PORTAL_ACTIONS),
    "aftersales.repairs.views.repair_action": (
        "quote",
        "start",
        "cancel",
        "decision",
        "verify",
        "sign-off",
    ),
    "aftersales.portal.repairs.repair_action": ("approve", "refuse", "sign-off"),
    "aftersales.fieldservice.appointment_views.appointment_action": (
        "cancel",
        "move",
        "propose",
        "choose",
        "reschedule",
        "depart",
        "arrive",
        "finish",
        "parts",
    ),
    "aftersales.kb.article_views.article_step": ("submit", "publish", "return", "retire"),
    "aftersales.fieldservice.inspection_views.visit_step": (
        "move",
        "checks",
        "findings",
        "changes",
        "sign",
        "complete",
    ),
}
# Path parameters that name no object of customer A.
NEUTRAL_PARAMS = frozenset({"action", "kind"})

HTML_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
API_PARAM = re.compile(r"{(?:(?P<conv>\w+):)?(?P<name>\w+)}")


@dataclass(frozen=True)
class Endpoint:
    api: bool
    route: str  # as declared: "cases/<str:number>/" or "/cases/{number}"
    method: str
    view: Callable[..., Any]
    action: str = ""
    operation: Any = None  # the ninja Operation, for its parameter models

    def __str__(self) -> str:
        where = f"{API_PREFIX}{self.route}" if self.api else f"/{self.route}"
        return f"{self.method} {where}" + (f" [{self.action}]" if self.action else "")

    @property
    def rule(self) -> Rule | None:
        return access_rule_of(self.view)

    @property
    def view_name(self) -> str:
        return f"{self.view.__module__}.{self.view.__qualname__}"

    def params(self) -> list[tuple[str, str]]:
        """(filler key, name) per path parameter; the key is "<segment before it>/<name>"."""
        pattern = API_PARAM if self.api else HTML_PARAM
        found = []
        for match in pattern.finditer(self.route):
            before = [s for s in self.route[: match.start()].split("/") if s]
            literal = next((s for s in reversed(before) if not pattern.search(s)), "")
            found.append((f"{literal}/{match['name']}", match["name"]))
        return found

    @property
    def names_an_object(self) -> bool:
        return any(name not in NEUTRAL_PARAMS for _key, name in self.params())

    def path(self, fillers: dict[str, Any]) -> str:
        pattern = API_PARAM if self.api else HTML_PARAM
        values = {}
        for key, name in self.params():
            if name == "action":
                values[name] = self.action
            elif key in fillers:
                values[name] = fillers[key]
            else:
                raise LookupError(f"{self}: no filler for {key!r}: add it in tests/security/world")
        path = pattern.sub(lambda m: str(values[m["name"]]), self.route)
        return f"{API_PREFIX}{path}" if self.api else f"/{path}"


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Callable[..., Any]]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def html_endpoints() -> list[Endpoint]:
    """Every page, as GET and as POST (the method a view refuses is refused as well)."""
    found = []
    for route, view in _walk(get_resolver().url_patterns):
        name = f"{view.__module__}.{view.__qualname__}"
        for action in ACTIONS.get(name, ("",)):
            for method in ("GET", "POST"):
                found.append(Endpoint(False, route, method, view, action))
    return found


def api_endpoints() -> list[Endpoint]:
    from aftersales.api import api

    found = []
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append(Endpoint(True, path, method, operation.view_func, "", operation))
    return found


def all_endpoints() -> list[Endpoint]:
    return html_endpoints() + api_endpoints()


# --- plausible inputs: valid enough that the permission check, not validation, answers ---


def input_values(world: Any) -> dict[str, Any]:
    """Field name -> a valid value that, where it names an object, names one of A's."""
    today = dt.date.today().isoformat()
    return {
        "customer": world.customer_a.code,
        "serial_number": world.fillers["assets/serial_number"],
        "serial": world.fillers["assets/serial_number"],
        "contract": world.fillers["contracts/number"],
        "case": world.fillers["cases/number"],
        "q": world.customer_a.code,
        "engineer": "swp_worker",
        "engineers": ["swp_worker"],
        "code": "KH-SWPNEW",
        "number": "HT-SWPNEW",
        "name": "SWP",
        "title": "SWP",
        "text": "SWP",
        "reason": "SWP",
        "description": "SWP",
        "fault_text": "SWP",
        "test_results": "SWP",
        "phone": "13800000000",
        "email": "swp-new@example.com",
        "username": "swp_new",
        "password": "s3rvice-Desk!new",
        "role": "engineer",
        "priority": "P3",
        "case_type": "fault",
        "channel": "phone",
        "service_level": "7x24",
        "service_mode": "onsite",
        "to": "expert",
        "decision": "approved",
        "approver": "SWP",
        "kind": "customers",
        "value": "1000.00",
        "starts_on": today,
        "ends_on": today,
        "accepted_on": today,
        "decided_on": today,
        "product_model": "SWP-MODEL",
        "vendor": "SWP-VENDOR",
        "fault_category": "other",
    }


def _example(schema: dict, defs: dict, name: str, values: dict[str, Any]) -> Any:
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    if name in values:
        return values[name]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _example(options[0], defs, name, values) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        required = schema.get("required", [])
        return {
            key: _example(sub, defs, key, values) for key, sub in props.items() if key in required
        }
    if kind == "array":
        return []
    if kind == "boolean":
        return False
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return "1"
    if schema.get("format") == "date":
        return dt.date.today().isoformat()
    if schema.get("format") == "date-time":
        return dt.datetime.now(dt.UTC).isoformat()
    return "SWP"


def api_inputs(endpoint: Endpoint, world: Any) -> tuple[dict, dict, dict]:
    """(query, JSON body, form fields) of an API operation, each filled from its models."""
    values = input_values(world)
    parts: dict[str, dict] = {"query": {}, "body": {}, "form": {}, "file": {}}
    for model in endpoint.operation.models:
        source = model.__ninja_param_source__
        if source not in parts:
            continue
        schema = model.model_json_schema()
        defs = schema.get("$defs", {})
        for key, sub in schema.get("properties", {}).items():
            if "$ref" in sub:  # a Schema parameter: its fields are the query or the body
                parts[source].update(_example(sub, defs, "", values))
            elif key in schema.get("required", []):
                parts[source][key] = _example(sub, defs, key, values)
    return parts["query"], parts["body"], parts["form"] | parts["file"]
