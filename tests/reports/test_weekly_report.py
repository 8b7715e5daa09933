"""The weekly engineer report matches the engineer's timeline and work log for the ISO week."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from aftersales.cases import services
from aftersales.cases.worklog import work_log_add
from aftersales.core.models import Activity
from aftersales.reports.weekly import parse_week, weekly_report
from tests import factories
from tests.conftest import api_client_for
from tests.repairs.pdf_pages import pdf_text
from tests.reports import factories as rf
from tests.reports.factories import at

pytestmark = pytest.mark.django_db
W10 = parse_week("2026-W10")  # Monday 2 – Sunday 8 March 2026
URL = "/api/v1/reports/engineers/{username}/weekly"


@pytest.fixture
def week_of_work(seat, engineer, customer_a):
    """Through the services: a case opened, assigned, answered, resolved and logged in W10,
    one assigned in W10 and not touched, one worked the week before."""
    with time_machine.travel(at(2026, 2, 27, 10), tick=False):
        before = services.case_create(
            by=seat,
            customer=customer_a,
            title="上周故障",
            priority="P3",
            case_type="fault",
            channel="phone",
        )
        services.case_assign(case=before, engineer=engineer, by=seat)
        services.case_respond(case=before, by=engineer, text="上周已联系")
    with time_machine.travel(at(2026, 3, 3, 10), tick=False):
        done = services.case_create(
            by=seat,
            customer=customer_a,
            title="核心交换机宕机",
            priority="P2",
            case_type="fault",
            channel="phone",
        )
        services.case_assign(case=done, engineer=engineer, by=seat)
        idle = services.case_create(
            by=seat,
            customer=customer_a,
            title="咨询配置",
            priority="P4",
            case_type="fault",
            channel="phone",
        )
        services.case_assign(case=idle, engineer=engineer, by=seat)
    with time_machine.travel(at(2026, 3, 4, 10), tick=False):
        services.case_respond(case=done, by=engineer, text="已电话联系")
        services.case_resolve(case=done, by=engineer, text="更换电源模块")
        work_log_add(case=done, by=engineer, minutes=90, worked_on=dt.date(2026, 3, 4))
    with time_machine.travel(at(2026, 3, 9, 10), tick=False):  # the next Monday
        services.case_comment(case=done, by=engineer, text="回访", internal=True)
    return {"before": before, "done": done, "idle": idle}


def test_a_week_is_its_iso_monday_to_sunday():
    assert (W10.start, W10.end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))


def test_the_activities_are_exactly_the_engineers_timeline_rows_of_the_week(engineer, week_of_work):
    report = weekly_report(engineer=engineer, period=W10)
    expected = Activity.objects.filter(
        actor=engineer, at__gte=at(2026, 3, 2), at__lt=at(2026, 3, 9)
    ).order_by("at", "id")
    assert [a.pk for a in report.activities] == [a.pk for a in expected]
    assert len(report.activities) >= 3  # responded, resolved, time logged


def test_handled_cases_are_those_acted_on_or_assigned_in_the_week(engineer, week_of_work):
    report = weekly_report(engineer=engineer, period=W10)
    handled = {h.case.number: h for h in report.cases}
    assert set(handled) == {week_of_work["done"].number, week_of_work["idle"].number}
    done = handled[week_of_work["done"].number]
    assert (done.assigned, done.resolved, done.minutes) == (True, True, 90)
    idle = handled[week_of_work["idle"].number]
    assert (idle.assigned, idle.resolved, idle.actions) == (True, False, 0)
    assert (report.assigned, report.resolved, report.minutes) == (2, 1, 90)


def test_voided_and_other_weeks_work_is_not_counted(engineer, customer_a):
    case = rf.case(customer_a, at(2026, 3, 1, 9), assignee=engineer)
    rf.work(case, engineer, dt.date(2026, 3, 2), 30)
    rf.work(case, engineer, dt.date(2026, 3, 8), 15)
    rf.work(case, engineer, dt.date(2026, 3, 5), 200, voided=True)
    rf.work(case, engineer, dt.date(2026, 3, 9), 60)
    report = weekly_report(engineer=engineer, period=W10)
    assert report.minutes == 45
    assert [h.minutes for h in report.cases] == [45]


def test_the_engineer_downloads_their_own_week_as_a_pdf_matching_the_timeline(
    engineer, week_of_work
):
    response = api_client_for(engineer).get(URL.format(username="engineer"), {"week": "2026-W10"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="weekly-engineer-2026-W10.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "工程师周报" in text and "核心交换机宕机" in text
    assert week_of_work["before"].number not in text


def test_the_xlsx_lists_one_row_per_activity(engineer, week_of_work):
    manager = factories.staff_user("manager", role="manager")
    response = api_client_for(manager).get(
        URL.format(username="engineer"), {"week": "2026-W10", "format": "xlsx"}
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Activities"].iter_rows(values_only=True))[1:]
    expected = Activity.objects.filter(
        actor=engineer, at__gte=at(2026, 3, 2), at__lt=at(2026, 3, 9)
    )
    assert len(rows) == expected.count()
    cases = list(book["Cases handled"].iter_rows(values_only=True))
    assert cases[-1][0] == "Total" and cases[-1][1] == 2 and cases[-1][-1] == 90


def test_another_engineer_may_not_read_the_week(engineer, week_of_work):
    other = factories.staff_user("engineer2", role="engineer")
    response = api_client_for(other).get(URL.format(username="engineer"), {"week": "2026-W10"})
    assert response.status_code == 403


def test_a_contact_gets_404(contact_a, engineer):
    response = api_client_for(contact_a.user).get(
        URL.format(username="engineer"), {"week": "2026-W10"}
    )
    assert response.status_code == 404


def test_an_unknown_engineer_is_404_for_a_report_reader(db):
    manager = factories.staff_user("manager", role="manager")
    response = api_client_for(manager).get(URL.format(username="nobody"), {"week": "2026-W10"})
    assert response.status_code == 404


@pytest.mark.parametrize("week", ["2026-W54", "2026-10", "", "2026-W00"])
def test_a_bad_week_is_422_naming_it(engineer, week):
    response = api_client_for(engineer).get(URL.format(username="engineer"), {"week": week})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "week"]
