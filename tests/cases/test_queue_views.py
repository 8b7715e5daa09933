from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from aftersales.cases import services
from aftersales.cases.models import SavedView, Watch
from tests import factories

pytestmark = pytest.mark.django_db
QUEUE = reverse("cases:list")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_case(seat, customer, title="磁盘阵列告警", priority="P3"):
    return services.case_create(by=seat, customer=customer, title=title, priority=priority)


def test_seat_sees_all_cases_with_priority_badge_and_customer(seat, customer_a, new_case):
    html = login(seat).get(QUEUE).content.decode()
    assert new_case.number in html
    assert 'class="badge text-bg-danger priority-p1"' in html
    assert customer_a.name in html


def test_engineer_starts_on_his_own_cases(engineer, assigned_case, seat, customer_a):
    other = open_case(seat, customer_a, title="不相关的请求")
    html = login(engineer).get(QUEUE).content.decode()
    assert assigned_case.number in html
    assert other.number not in html


def test_unassigned_tab_lists_only_cases_without_engineer(seat, customer_a, assigned_case):
    waiting = open_case(seat, customer_a)
    html = login(seat).get(QUEUE, {"tab": "unassigned"}).content.decode()
    assert waiting.number in html
    assert assigned_case.number not in html


def test_watched_tab_lists_the_cases_the_user_watches(seat, customer_a, new_case):
    other = open_case(seat, customer_a)
    Watch.objects.create(case=new_case, user=seat)
    html = login(seat).get(QUEUE, {"tab": "watched"}).content.decode()
    assert new_case.number in html and other.number not in html


def test_overdue_response_due_is_shown_in_red(seat, new_case):
    later = new_case.response_due_at + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        html = login(seat).get(QUEUE, {"tab": "overdue"}).content.decode()
    assert new_case.number in html
    assert "text-danger fw-semibold overdue" in html


def test_filters_by_priority_and_full_text(seat, customer_a, new_case):
    other = open_case(seat, customer_a, title="打印机卡纸", priority="P4")
    client = login(seat)
    by_priority = client.get(QUEUE, {"priority": "P4"}).content.decode()
    by_text = client.get(QUEUE, {"q": "交换机"}).content.decode()
    assert other.number in by_priority and new_case.number not in by_priority
    assert new_case.number in by_text and other.number not in by_text


def test_created_range_counts_whole_days_in_the_users_time_zone(seat, customer_a):
    late_evening = dt.datetime(2026, 3, 10, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC
    with time_machine.travel(late_evening, tick=False):
        case = open_case(seat, customer_a)
    client = login(seat)
    same_day = client.get(QUEUE, {"created_from": "2026-03-10", "created_to": "2026-03-10"})
    next_day = client.get(QUEUE, {"created_from": "2026-03-11"})
    assert case.number in same_day.content.decode()
    assert case.number not in next_day.content.decode()


def test_sort_by_priority_puts_p1_first(seat, customer_a, new_case):
    later = open_case(seat, customer_a, title="咨询", priority="P4")
    html = login(seat).get(QUEUE, {"sort": "priority"}).content.decode()
    assert html.index(new_case.number) < html.index(later.number)


def test_bad_filter_value_is_ignored_not_an_error(seat, new_case):
    response = login(seat).get(QUEUE, {"priority": "P9", "created_from": "yesterday"})
    assert response.status_code == 200
    assert new_case.number in response.content.decode()


def test_htmx_filter_answers_only_the_rows(seat, new_case):
    response = login(seat).get(QUEUE, {"q": "交换机"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="rows">')
    assert new_case.number in html


def test_queue_query_count_does_not_grow_with_rows(seat, customer_a, django_assert_max_num_queries):
    for n in range(30):
        open_case(seat, customer_a, title=f"请求{n}")
    client = login(seat)
    with django_assert_max_num_queries(14):
        response = client.get(QUEUE)
    assert response.content.decode().count('class="case-row"') == 30


def test_queue_pages_by_fifty(seat, customer_a):
    for n in range(51):
        open_case(seat, customer_a, title=f"请求{n}")
    client = login(seat)
    assert client.get(QUEUE).content.decode().count('class="case-row"') == 50
    assert client.get(QUEUE, {"page": 2}).content.decode().count('class="case-row"') == 1


def test_new_case_link_has_access_key_n(seat):
    assert 'accesskey="n"' in login(seat).get(QUEUE).content.decode()


def test_customer_contact_gets_404_on_the_queue(contact_a):
    assert login(contact_a.user).get(QUEUE).status_code == 404


def test_anonymous_visitor_is_sent_to_login():
    response = Client().get(QUEUE)
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


# --- saved views ---


def test_seat_saves_the_current_filters_as_a_view(seat):
    client = login(seat)
    client.post(
        reverse("cases:saved_view_create"),
        {"name": "P1 未响应", "query": "priority=P1&tab=overdue&page=3"},
    )
    view = SavedView.objects.get(user=seat)
    assert view.query == "priority=P1&tab=overdue"
    assert f"?{view.query}" in client.get(QUEUE).content.decode().replace("&amp;", "&")


def test_saving_a_view_under_a_taken_name_says_so(seat):
    SavedView.objects.create(user=seat, name="我的", query="tab=mine")
    client = login(seat)
    response = client.post(
        reverse("cases:saved_view_create"), {"name": "我的", "query": "tab=all"}, follow=True
    )
    assert "You already have a view with this name." in response.content.decode()
    assert SavedView.objects.get(user=seat).query == "tab=mine"


def test_user_deletes_own_saved_view(seat):
    view = SavedView.objects.create(user=seat, name="我的", query="tab=mine")
    login(seat).post(reverse("cases:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.exists()


def test_user_cannot_delete_someone_elses_saved_view(seat, engineer):
    view = SavedView.objects.create(user=engineer, name="他的", query="tab=mine")
    response = login(seat).post(reverse("cases:saved_view_delete", args=[view.pk]))
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


# --- bulk assign ---


def test_seat_bulk_assigns_ticked_cases(seat, customer_a, engineer):
    first, second = open_case(seat, customer_a), open_case(seat, customer_a)
    ticked = [f"{c.number}:{c.version}" for c in (first, second)]
    response = login(seat).post(
        reverse("cases:bulk_assign"), {"cases": ticked, "engineer": engineer.pk}, follow=True
    )
    first.refresh_from_db(), second.refresh_from_db()
    assert first.assignee == second.assignee == engineer
    assert f"{first.number}, {second.number}" in response.content.decode()


def test_bulk_assign_reports_a_stale_case_and_assigns_the_others(seat, customer_a, engineer):
    fresh, stale = open_case(seat, customer_a), open_case(seat, customer_a)
    ticked = [f"{fresh.number}:{fresh.version}", f"{stale.number}:{stale.version}"]
    services.case_comment(case=stale, by=seat, text="客户又来电")  # bumps the version
    response = login(seat).post(
        reverse("cases:bulk_assign"), {"cases": ticked, "engineer": engineer.pk}, follow=True
    )
    fresh.refresh_from_db(), stale.refresh_from_db()
    assert fresh.assignee == engineer and stale.assignee is None
    assert f"{stale.number}: This case was changed by someone else" in response.content.decode()


def test_bulk_assign_without_engineer_changes_nothing(seat, customer_a):
    case = open_case(seat, customer_a)
    login(seat).post(reverse("cases:bulk_assign"), {"cases": [f"{case.number}:{case.version}"]})
    case.refresh_from_db()
    assert case.assignee is None


def test_warehouse_keeper_cannot_bulk_assign(customer_a, seat, engineer):
    keeper = factories.staff_user("keeper", role="warehouse")
    case = open_case(seat, customer_a)
    response = login(keeper).post(
        reverse("cases:bulk_assign"), {"cases": [case.number], "engineer": engineer.pk}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee is None


def test_queue_sorts_by_the_nearest_promise(seat, customer_a):
    with time_machine.travel("2026-11-23T10:00:00+08:00", tick=False):
        older = services.case_create(
            by=seat,
            customer=customer_a,
            title="咨询",
            priority="P4",
            case_type="consultation",
            channel="phone",
        )
    with time_machine.travel("2026-11-24T10:00:00+08:00", tick=False):
        newer = services.case_create(
            by=seat,
            customer=customer_a,
            title="宕机",
            priority="P1",
            case_type="fault",
            channel="phone",
        )
        client = Client()
        client.force_login(seat)
        by_due = client.get("/cases/", {"tab": "all", "sort": "due"}).content.decode()
        newest = client.get("/cases/", {"tab": "all"}).content.decode()
    assert by_due.index(older.number) < by_due.index(newer.number)
    assert newest.index(newer.number) < newest.index(older.number)


def test_queue_counts_up_to_the_cap_and_says_there_are_more(seat, customer_a, monkeypatch):
    from aftersales.cases import selectors

    monkeypatch.setattr(selectors, "CASE_COUNT_CAP", 3)
    for i in range(5):
        open_case(seat, customer_a, title=f"交换机故障{i}")
    page = login(seat).get(QUEUE, {"tab": "all"}).content.decode()
    assert "More than 3 rows" in page


def test_only_those_who_assign_pay_for_the_engineers_load(engineer, seat, customer_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    open_case(seat, customer_a)
    for user, counted in ((engineer, False), (seat, True)):
        with CaptureQueriesContext(connection) as ctx:
            login(user).get(QUEUE, {"tab": "all"})
        sql = " ".join(q["sql"] for q in ctx.captured_queries)
        assert ('GROUP BY U0."assignee_id"' in sql) is counted
