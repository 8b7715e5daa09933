"""The case page's clocks: time left in service and wall time, coloured."""

from __future__ import annotations

import time_machine
from django.template.loader import render_to_string

from aftersales.cases import services as case_services
from aftersales.sla.selectors import sla_clocks
from tests.sla.conftest import assign, at


def test_clock_is_green_with_plenty_left_and_amber_under_a_quarter(open_case):
    case = open_case("P2", at(2026, 3, 2, 10, 0))  # response due 11:00
    [response, *_rest] = sla_clocks(case, at(2026, 3, 2, 10, 10))
    assert (response.colour, response.service_left) == ("green", 50)
    assert sla_clocks(case, at(2026, 3, 2, 10, 50))[0].colour == "amber"


def test_overdue_clock_is_red_in_service_and_wall_time(open_case):
    case = open_case("P2", at(2026, 3, 2, 16, 30))  # response due Tuesday 09:30
    response = sla_clocks(case, at(2026, 3, 3, 9, 45))[0]
    assert response.colour == "red" and response.service_left == -15
    assert response.wall_text == "15 min" and response.overdue


def test_paused_clock_is_grey_with_the_banked_minutes(open_case, seat, engineer):
    case = assign(open_case("P3", at(2026, 3, 2, 10, 0)), engineer, seat, at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 2, 10, 20), tick=False):
        case = case_services.case_respond(case=case, by=engineer, text="已联系")
        case = case_services.case_wait(case=case, by=engineer, text="等待日志")
    diagnosis = next(c for c in sla_clocks(case, at(2026, 3, 5, 9, 0)) if c.target == "diagnosis")
    assert (diagnosis.colour, diagnosis.state, diagnosis.service_left) == ("grey", "paused", 1420)


def test_partial_renders_each_clock(open_case):
    case = open_case("P2", at(2026, 3, 2, 10, 0))
    html = render_to_string(
        "sla/_clocks.html", {"clocks": sla_clocks(case, at(2026, 3, 2, 10, 10))}
    )
    assert html.count("sla-clock ") == 3 and "50 min" in html
