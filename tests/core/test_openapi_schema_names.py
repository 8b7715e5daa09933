"""Every schema has one name across the API, so the OpenAPI documents each one truly."""

from __future__ import annotations

from collections import defaultdict

import pydantic
import pytest

from aftersales.api import api


def _our_models() -> list[type[pydantic.BaseModel]]:
    found, todo = [], list(pydantic.BaseModel.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("aftersales."):
            found.append(cls)
    return found


def test_no_two_schema_classes_share_a_name():
    by_name = defaultdict(set)
    for cls in _our_models():
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: paths for name, paths in by_name.items() if len(paths) > 1} == {}


@pytest.mark.django_db
def test_every_documented_component_is_the_model_of_that_name():
    components = api.get_openapi_schema()["components"]["schemas"]
    checked = 0
    for cls in _our_models():
        component = components.get(cls.__name__)
        if component is None or "properties" not in component:
            continue
        documented = set(component["properties"])
        shapes = [
            set(cls.model_json_schema(mode=mode, by_alias=alias)["properties"])
            for mode in ("validation", "serialization")
            for alias in (True, False)
        ]
        assert documented in shapes, cls.__name__
        checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_case_responses_document_the_case_entitlement():
    schema = api.get_openapi_schema()
    case_out = schema["components"]["schemas"]["CaseOut"]
    ref = case_out["properties"]["entitlement"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {"status", "reason"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("component", "field", "values"),
    [
        ("CaseIn", "priority", {"P1", "P2", "P3", "P4"}),
        ("CaseIn", "channel", {"phone", "email", "portal", "fax", "letter", "api"}),
        (
            "CaseOut",
            "status",
            {"new", "assigned", "responded", "in_progress", "waiting", "resolved", "closed"},
        ),
        (
            "EngineerIn",
            "role",
            {
                "dispatcher",
                "engineer",
                "expert",
                "rma_admin",
                "warehouse",
                "service_manager",
                "manager",
                "complaint_officer",
                "admin",
            },
        ),
        ("EscalateIn", "to", {"expert", "vendor"}),
    ],
)
def test_fixed_values_are_documented_as_enums(component, field, values):
    schema = api.get_openapi_schema()["components"]["schemas"][component]["properties"][field]
    options = [schema] + schema.get("anyOf", []) + schema.get("allOf", [])
    enums = [set(o["enum"]) for o in options if "enum" in o]
    assert values in enums
