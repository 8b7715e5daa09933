"""Configuration rows memoised per process stay exact within it."""

from __future__ import annotations

import pytest

from aftersales.cases.models import CaseType
from aftersales.core.memo import ConfigMemo

pytestmark = pytest.mark.django_db


def counting_loader(values):
    calls = []

    def load():
        calls.append(1)
        return values[-1]

    return load, calls


def test_a_memoised_value_is_loaded_once():
    memo = ConfigMemo("test-once", CaseType, ttl=60)
    load, calls = counting_loader(["a"])
    assert memo.get("k", load) == "a"
    assert memo.get("k", load) == "a"
    assert len(calls) == 1


def test_saving_a_watched_row_forgets_the_memo():
    memo = ConfigMemo("test-save", CaseType, ttl=60)
    values = ["before"]
    load, calls = counting_loader(values)
    memo.get("k", load)
    CaseType.objects.create(code="audit", name="审计")
    values.append("after")
    assert memo.get("k", load) == "after"
    assert len(calls) == 2


def test_a_value_older_than_the_ttl_is_loaded_again():
    memo = ConfigMemo("test-ttl", CaseType, ttl=0)
    load, calls = counting_loader(["a"])
    memo.get("k", load)
    memo.get("k", load)
    assert len(calls) == 2


def test_changing_a_case_type_takes_effect_for_the_next_case(seat, customer_a):
    from aftersales.cases import services
    from aftersales.core.errors import Invalid

    services.case_create(by=seat, customer=customer_a, title="安装", case_type="installation")
    kind = CaseType.objects.get(code="installation")
    kind.is_active = False
    kind.save()
    with pytest.raises(Invalid) as exc:
        services.case_create(by=seat, customer=customer_a, title="安装", case_type="installation")
    assert exc.value.field == "case_type"
