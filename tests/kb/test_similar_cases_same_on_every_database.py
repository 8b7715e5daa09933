"""Similar cases come in the same order with the same scores on SQLite and PostgreSQL: staff
rank them through the knowledge index, not each database's own full-text score."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from aftersales.cases import services
from aftersales.kb.models import DictionaryWord, SynonymSet
from tests.kb.factories import clear_lexicon

pytestmark = pytest.mark.django_db

EARLIER = {
    "c1": ("核心交换机宕机", "机房A核心交换机无法启动，电源灯不亮。"),
    "c2": ("交换机端口 down", "接入交换机 3 号端口反复 down，光模块告警。"),
    "c3": ("防火墙升级失败", "firmware 升级到 V200R010 后重启失败。"),
    "c4": ("电源模块告警", "核心交换机电源模块 02310KHN 告警，风扇停转。"),
    "c5": ("Switch down after power cut", "The core switch stays down after a power cut."),
}
NEW = ("核心交换机死机", "断电后核心交换机无法启动，电源模块告警。")

# Frozen from a SQLite run; the PostgreSQL run of the suite must give exactly these.
EXPECTED = [
    ("c1", 70.749707),
    ("c5", 47.653069),
    ("c2", 46.996575),
    ("c4", 31.83679),
]


@pytest.fixture
def earlier_cases(seat, customer_a):
    clear_lexicon()
    SynonymSet.objects.all().delete()
    DictionaryWord.objects.all().delete()
    SynonymSet.objects.create(terms="交换机, switch")
    SynonymSet.objects.create(terms="宕机, 死机, down")
    names = {}
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    for n, (key, (title, description)) in enumerate(EARLIER.items()):
        with time_machine.travel(start + dt.timedelta(hours=n), tick=False):
            case = services.case_create(
                by=seat,
                customer=customer_a,
                title=title,
                description=description,
                priority="P3",
                case_type="fault",
                channel="phone",
            )
        names[case.number] = key
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        new = services.case_create(
            by=seat,
            customer=customer_a,
            title=NEW[0],
            description=NEW[1],
            priority="P3",
            case_type="fault",
            channel="phone",
        )
    return names, new


def test_similar_cases_are_the_same_on_every_database(api_as, seat, earlier_cases):
    names, new = earlier_cases
    response = api_as(seat).get(f"/api/v1/cases/{new.number}/similar")
    assert response.status_code == 200, response.content
    found = [(names[c["number"]], round(c["score"], 6)) for c in response.json()["cases"]]
    assert found == EXPECTED
