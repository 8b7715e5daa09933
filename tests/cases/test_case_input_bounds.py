"""Case input out of bounds is a 422 naming the field: dates in range, texts capped, no coercion."""

from __future__ import annotations

import pytest

from aftersales.cases.models import Activity, Case, MajorApproval
from aftersales.core.schema_types import DATE_OUT_OF_RANGE, LONG_TEXT_MAX, NOT_AN_ISO_DATE

pytestmark = pytest.mark.django_db


def _create(api, **overrides):
    body = {"customer": "KH-A001", "title": "存储告警", "priority": "P2", "channel": "phone"}
    body.update(overrides)
    return api.post("/api/v1/cases", body, content_type="application/json")


def _post(api, number, action, body):
    return api.post(f"/api/v1/cases/{number}/{action}", body, content_type="application/json")


def _field_error(response) -> dict:
    assert response.status_code == 422, response.content[:300]
    return response.json()["detail"][0]


def test_case_list_refuses_a_year_one_created_after(api_as, seat, customer_a):
    response = api_as(seat).get("/api/v1/cases", {"created_after": "0001-01-01T00:00:00+01:00"})
    error = _field_error(response)
    assert error["loc"][-1] == "created_after" and error["msg"] == str(DATE_OUT_OF_RANGE)


def test_case_list_refuses_a_year_9999_created_before(api_as, seat, customer_a):
    response = api_as(seat).get("/api/v1/cases", {"created_before": "9999-12-31T23:59:59"})
    assert _field_error(response)["loc"][-1] == "created_before"


def test_case_list_refuses_a_timestamp_for_a_date(api_as, seat, customer_a):
    response = api_as(seat).get("/api/v1/cases", {"created_after": "1700000000"})
    assert _field_error(response)["loc"][-1] == "created_after"


def test_case_list_still_reads_iso_moments(api_as, seat, customer_a):
    response = api_as(seat).get("/api/v1/cases", {"created_after": "2026-01-01T00:00:00+08:00"})
    assert response.status_code == 200


def test_oversized_description_is_refused_and_nothing_written(api_as, seat, customer_a):
    response = _create(api_as(seat), description="坏" * (LONG_TEXT_MAX + 1))
    assert _field_error(response)["loc"][-1] == "description"
    assert Case.objects.count() == 0


def test_description_of_the_maximum_length_is_accepted(api_as, seat, customer_a):
    response = _create(api_as(seat), description="坏" * LONG_TEXT_MAX)
    assert response.status_code == 201


@pytest.mark.parametrize("field", ["fault_symptom", "title"])
def test_oversized_intake_text_is_refused(api_as, seat, customer_a, field):
    response = _create(api_as(seat), **{field: "x" * (LONG_TEXT_MAX + 1)})
    assert _field_error(response)["loc"][-1] == field
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("priority", "P9"), ("channel", "pigeon"), ("is_major", "yes"), ("is_major", 1)],
)
def test_intake_refuses_values_outside_the_fixed_ones(api_as, seat, customer_a, field, value):
    response = _create(api_as(seat), **{field: value})
    assert _field_error(response)["loc"][-1] == field
    assert Case.objects.count() == 0


def test_oversized_comment_is_refused(api_as, seat, new_case):
    before = Activity.objects.count()
    response = _post(api_as(seat), new_case.number, "comment", {"text": "x" * (LONG_TEXT_MAX + 1)})
    assert _field_error(response)["loc"][-1] == "text"
    assert Activity.objects.count() == before


def test_comment_internal_flag_must_be_a_boolean(api_as, seat, new_case):
    before = Activity.objects.count()
    response = _post(api_as(seat), new_case.number, "comment", {"text": "ok", "internal": "yes"})
    assert _field_error(response)["loc"][-1] == "internal"
    assert Activity.objects.count() == before


@pytest.mark.parametrize("version", [1.5, "1"])
def test_version_must_be_a_whole_number(api_as, seat, engineer, new_case, version):
    body = {"engineer": "engineer", "version": version}
    response = _post(api_as(seat), new_case.number, "assign", body)
    assert _field_error(response)["loc"][-1] == "version"
    assert Case.objects.get().assignee is None


@pytest.mark.parametrize("decided_on", [0, 1700000000, "0"])
def test_approval_date_is_never_a_number(api_as, seat, new_case, decided_on):
    body = {"approver": "张总", "decision": "approved", "decided_on": decided_on}
    error = _field_error(_post(api_as(seat), new_case.number, "approval", body))
    assert error["loc"][-1] == "decided_on" and error["msg"] == str(NOT_AN_ISO_DATE)
    assert MajorApproval.objects.count() == 0


def test_approval_date_of_year_one_is_refused(api_as, seat, new_case):
    body = {"approver": "张总", "decision": "approved", "decided_on": "0001-01-01"}
    error = _field_error(_post(api_as(seat), new_case.number, "approval", body))
    assert error["loc"][-1] == "decided_on" and error["msg"] == str(DATE_OUT_OF_RANGE)
    assert MajorApproval.objects.count() == 0
