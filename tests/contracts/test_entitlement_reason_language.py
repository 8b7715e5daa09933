"""An entitlement reason is stored as a code and worded in the language of whoever reads it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import translation

from aftersales.contracts.entitlement import entitlement_for, reason_text
from tests.contracts.conftest import make_contract

pytestmark = pytest.mark.translations
D = dt.date.fromisoformat


def test_a_reason_is_stored_without_words(hardware_asset):
    ent = entitlement_for(asset=hardware_asset, on=D("2028-03-01"))
    stored = json.loads(ent.stored_reason)
    assert stored == {"code": "in_warranty", "kind": "hardware", "date": "2028-03-01"}


def test_a_reason_written_under_chinese_reads_in_english_for_an_english_reader(hardware_asset):
    with translation.override("zh-hans"):
        stored = entitlement_for(asset=hardware_asset, on=D("2028-03-01")).stored_reason
        chinese = reason_text(stored)
    with translation.override("en"):
        english = reason_text(stored)
    assert english == "hardware warranty until 2028-03-01"
    assert chinese != english and "2028-03-01" in chinese and "hardware" not in chinese


def test_a_contract_reason_keeps_its_number_and_level_in_either_language(
    hardware_asset, customer_a
):
    make_contract(customer_a, "HT-2026-017", starts="2026-07-01", ends="2027-06-30")
    stored = entitlement_for(asset=hardware_asset, on=D("2026-07-01")).stored_reason
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert "HT-2026-017" in reason_text(stored) and "5×8" in reason_text(stored)


def test_a_reason_stored_as_a_sentence_before_codes_is_shown_as_it_is():
    assert reason_text("合同 HT-1 5×8 至 2027-06-30") == "合同 HT-1 5×8 至 2027-06-30"
    assert reason_text('{"code": "unknown"}') == '{"code": "unknown"}'
    assert reason_text("") == ""
