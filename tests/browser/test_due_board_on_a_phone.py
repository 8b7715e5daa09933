"""The "due next" board of the staff home page on a 390 px phone: rows stack, nothing overflows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.cases import services
from aftersales.sla.models import Promise
from tests import factories
from tests.browser.helpers import login

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def due_case(transactional_db):
    seat = factories.staff_user("seat_d", role="dispatcher")
    engineer = factories.staff_user("engineer_d", role="engineer")
    customer = factories.CustomerFactory(code="KH-PHONE-BOARD-0001")
    case = services.case_create(by=seat, customer=customer, title="存储控制器故障", priority="P1")
    case = services.case_assign(case=case, engineer=engineer, by=seat)
    now = timezone.now()
    Promise.objects.filter(subject_kind="case", subject_id=case.pk, target="response").update(
        due_at=now + dt.timedelta(hours=2)
    )
    Promise.objects.filter(subject_kind="case", subject_id=case.pk, target="resolution").update(
        due_at=now - dt.timedelta(hours=1), breached_at=now - dt.timedelta(hours=1)
    )
    return case


def _right(page, selector: str) -> float:
    script = f"Math.max(...[...document.querySelectorAll('{selector}')]"
    script += ".map(e => e.getBoundingClientRect().right))"
    return page.evaluate(script)


def test_the_board_fits_a_phone(page, due_case):
    page.set_viewport_size(PHONE)
    login(page, "engineer_d", factories.PASSWORD)
    page.goto("/")
    page.wait_for_selector("#due-next .due-row")
    assert page.locator("#due-next .due-row a", has_text=due_case.number).count() >= 2
    # The console's top bar overflows at 390 px (layouts/console.html): the board on its own.
    assert _right(page, ".due-next, .due-next *") <= PHONE["width"]
