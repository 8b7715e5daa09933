"""The isolation sweep (architecture rule 6): every page and API operation, called as each
user its declared access rule keeps out, refuses and writes nothing.

The endpoints come from the URL conf and the NinjaAPI object, so a new endpoint is swept as
soon as it is routed; one without a declared rule fails test_every_endpoint_declares_a_rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client

from aftersales.accounts.endpoint_access import Kind, Rule
from aftersales.accounts.roles import ROLE_PERMISSIONS, Role
from tests.security.endpoints import Endpoint, all_endpoints, api_inputs
from tests.security.world import World, build_world

pytestmark = pytest.mark.django_db
ENDPOINTS = all_endpoints()

# Rows a refused request may write without changing anything the user could see or do.
EXEMPT_TABLES = {
    "django_session": "an anonymous request that sets a message or language gets a session",
}
# Tables whose rows are compared whole (not just counted): a refused action must not
# change a status, an assignee or a flag either.
COMPARED_TABLES = (
    "cases_case",
    "repairs_repairorder",
    "registry_customer",
    "registry_contact",
    "registry_asset",
    "registry_project",
    "registry_site",
    "registry_engineer",
    "registry_topologyattachment",
    "registry_importjob",
    "contracts_servicecontract",
    "notify_outboxmessage",
    "cases_inboundemail",
    "cases_savedview",
    "sla_escalationfiring",
)
REFUSED_HTML = {403, 404, 405}  # 405: a POST-only view checks the method before the user
REFUSED_API = {401, 403, 404}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Customer A's records, built once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        for user in [built.contact_b_user, *built.staff.values()]:
            login = Client()  # once per module: each test's own transaction is rolled back
            login.force_login(user)
            built.sessions[user.pk] = login.cookies
        yield built
        transaction.set_rollback(True)


def _tables() -> list[str]:
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    return sorted(names - set(EXEMPT_TABLES))


def snapshot() -> tuple:
    """Row counts of every table, and the rows of the compared ones."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in _tables())
        cursor.execute(f"SELECT {counts}")
        state: list[Any] = [dict(zip(_tables(), cursor.fetchone(), strict=True))]
        for table in COMPARED_TABLES:
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")
            state.append(cursor.fetchall())
    return tuple(state)


def _diff(before: tuple, after: tuple) -> str:
    changed = [t for t in before[0] if before[0][t] != after[0][t]]
    changed += [t for t, b, a in zip(COMPARED_TABLES, before[1:], after[1:], strict=True) if b != a]
    return ", ".join(changed)


# --- who is wrong for which rule ---


def wrong_roles(rule: Rule) -> list[str]:
    """The staff roles the rule keeps out, from the roles' default permissions."""
    staff = [r for r in Role if r not in (Role.CUSTOMER_CONTACT, Role.ADMIN)]
    if rule.kind is Kind.CONTACT:
        return [*staff, Role.ADMIN]
    if rule.kind is Kind.ADMIN:
        return staff
    if rule.kind in (Kind.STAFF_PERM, Kind.SCOPED):
        return [r for r in staff if not rule.held_by(set(ROLE_PERMISSIONS[r]))]
    return []


def client_for(world: World, user: Any, *, api: bool) -> Client:
    if user is None:
        return Client()
    if api:
        return Client(headers={"Authorization": f"Bearer {world.tokens[user.pk]}"})
    client = Client()
    client.cookies = world.sessions[user.pk]
    return client


def call(endpoint: Endpoint, world: World, client: Client) -> HttpResponse:
    path = endpoint.path(world.fillers)
    method = endpoint.method.lower()
    if not endpoint.api:
        data = {"text": "SWP", "reason": "SWP", "line": world.fillers["penalties/line_id"]}
        return getattr(client, method)(path, data if method == "post" else None)
    query, body, form = api_inputs(endpoint, world)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    if form:
        files = {k: SimpleUploadedFile("swp.csv", b"code,name\n") for k in form if k == "file"}
        return getattr(client, method)(path, {**form, **files})
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def names_a(endpoint: Endpoint, world: World) -> bool:
    """Whether the request points at one of customer A's records (path, query or body)."""
    if endpoint.names_an_object:
        return True
    if not endpoint.api or endpoint.method == "GET":
        return False  # a list filtered by A's code must simply come back without A's rows
    _query, body, form = api_inputs(endpoint, world)
    sent = json.dumps([body, form], ensure_ascii=False)
    return any(marker in sent for marker in world.markers) or world.fillers["cases/number"] in sent


def expectations(endpoint: Endpoint, world: World) -> Iterator[tuple[str, Any, set | None]]:
    """(persona, user, refused statuses) per wrong user; None: allowed, must not show A."""
    rule = endpoint.rule
    refused = REFUSED_API if endpoint.api else REFUSED_HTML
    not_found = {404} if endpoint.api else {404, 405}
    if rule.kind is Kind.PUBLIC:
        return
    yield "anonymous", None, {401} if endpoint.api else REFUSED_HTML | {302}
    pointed = names_a(endpoint, world)
    if rule.contacts_allowed and not (rule.kind is not Kind.SIGNED_IN and pointed):
        yield "contact of B", world.contact_b_user, None
    elif endpoint.names_an_object or not endpoint.api:
        yield "contact of B", world.contact_b_user, not_found
    else:  # a staff-only create: refused before any look-up, the same for any customer
        yield "contact of B", world.contact_b_user, {403, 404}
    for role in wrong_roles(rule):
        expected = not_found if rule.kind is Kind.CONTACT else refused - {401}
        yield role, world.staff[role], expected


def check(endpoint: Endpoint, world: World, persona: str, user: Any, expected: set | None) -> str:
    """Call once in a rolled-back savepoint; the problem found, or ""."""
    client = client_for(world, user, api=endpoint.api)
    with transaction.atomic():
        before = snapshot()
        response = call(endpoint, world, client)
        after = snapshot()
        transaction.set_rollback(True)
    status = response.status_code
    if expected is None:
        body = b"" if getattr(response, "streaming", False) else response.content
        shown = [m for m in world.markers if m.encode() in body]
        if status >= 500 or shown:
            return f"{persona}: {status}, shows A's {shown}"
        return ""
    problems = []
    if status == 302 and user is None:
        login = resolve_url(settings.LOGIN_URL)
        if not response["Location"].startswith(login):
            problems.append(f"redirects to {response['Location']}, not the login page")
    elif status not in expected:
        problems.append(f"answers {status}, expected one of {sorted(expected)}")
    changed = _diff(before, after)
    if changed:
        problems.append(f"changed {changed}")
    return f"{persona}: " + "; ".join(problems) if problems else ""


def test_every_endpoint_declares_a_rule():
    missing = sorted({f"{e.view_name} ({e})" for e in ENDPOINTS if e.rule is None})
    assert not missing, "declare an access rule (@access) on:\n" + "\n".join(missing)


def test_the_sweep_covers_pages_and_api():
    assert sum(e.api for e in ENDPOINTS) >= 60 and sum(not e.api for e in ENDPOINTS) >= 200


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_wrong_users_are_refused_and_nothing_changes(endpoint: Endpoint, world: World):
    if endpoint.rule is None:
        pytest.fail(f"{endpoint.view_name} declares no access rule")
    if endpoint.rule.kind is Kind.PUBLIC:
        pytest.skip("public: nobody is the wrong user")
    problems = [
        problem
        for persona, user, expected in expectations(endpoint, world)
        if (problem := check(endpoint, world, persona, user, expected))
    ]
    assert not problems, f"{endpoint} ({endpoint.rule}):\n" + "\n".join(problems)
