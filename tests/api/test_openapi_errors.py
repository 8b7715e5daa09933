"""The OpenAPI schema documents the errors each operation can answer."""

from __future__ import annotations

import pytest

ERROR = "#/components/schemas/Error"


@pytest.fixture
def schema(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


@pytest.mark.django_db
def test_every_authenticated_operation_documents_401_and_403(schema):
    for path, method, operation in _operations(schema):
        if operation.get("security"):
            assert {"401", "403"} <= operation["responses"].keys(), (method, path)


@pytest.mark.django_db
def test_every_operation_with_a_path_parameter_documents_404(schema):
    for path, method, operation in _operations(schema):
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in operation["responses"], (method, path)


@pytest.mark.django_db
def test_every_post_action_documents_409_and_every_input_422(schema):
    for path, method, operation in _operations(schema):
        if method == "post":
            assert "409" in operation["responses"], path
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in operation["responses"], (method, path)


@pytest.mark.django_db
def test_errors_point_at_the_error_schema(schema):
    take_over = schema["paths"]["/api/v1/cases/{number}/take-over"]["post"]["responses"]
    assert take_over["409"]["content"]["application/json"]["schema"] == {"$ref": ERROR}
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    assert "ValidationError" in schema["components"]["schemas"]
