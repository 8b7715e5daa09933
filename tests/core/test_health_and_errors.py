import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/auth/token" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.django_db
def test_api_without_credentials_answers_401_json(client):
    response = client.get("/api/v1/customers")
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.django_db
def test_malformed_json_body_answers_4xx_not_500(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/customers", data="{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500
