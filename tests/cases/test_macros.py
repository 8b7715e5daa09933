"""Macros: who keeps and sees which, their validation, and applying one to a case."""

from __future__ import annotations

import pytest

from aftersales.cases import macros, services
from aftersales.cases.models import Activity, ActivityKind, Case, Macro, Status
from aftersales.core.errors import Conflict, Forbidden, Invalid, NotFound
from aftersales.core.schema_types import LONG_TEXT_MAX
from tests import factories
from tests.cases import factories_daily as daily

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


@pytest.fixture
def officer(db):
    return factories.staff_user("officer", role="complaint_officer")


@pytest.fixture
def waiting_macro(manager):
    return daily.macro(manager, name="请提供日志", team="engineer", set_status="waiting")


def _kinds(case: Case) -> list[str]:
    return list(case.activities.values_list("kind", flat=True))


# --- who sees which ---


def test_a_user_sees_own_macros_and_those_of_their_team(engineer, manager, waiting_macro):
    mine = daily.macro(engineer, name="我的")
    daily.macro(manager, name="调度的", team="dispatcher")
    assert set(macros.macros_usable(user=engineer)) == {mine, waiting_macro}


def test_another_users_personal_macro_is_not_found(engineer, seat):
    theirs = daily.macro(seat, name="座席私有")
    with pytest.raises(NotFound):
        macros.macro_get_for_user(user=engineer, pk=theirs.pk)


def test_retired_macros_are_not_usable(engineer):
    mine = daily.macro(engineer)
    macros.macro_retire(macro=mine, by=engineer)
    assert list(macros.macros_usable(user=engineer)) == []
    assert Macro.objects.get(pk=mine.pk).is_active is False


def test_a_complaint_officer_keeps_no_macros(officer):
    with pytest.raises(Forbidden):
        macros.macro_create(by=officer, name="x", body="y")
    assert Macro.objects.count() == 0


def test_a_customer_contact_learns_nothing_of_macros(contact_a):
    with pytest.raises(NotFound):
        macros.macros_usable(user=contact_a.user)


def test_only_a_manager_makes_team_macros(engineer):
    with pytest.raises(Forbidden):
        daily.macro(engineer, team="engineer")
    assert Macro.objects.count() == 0


def test_an_engineer_cannot_edit_a_team_macro(engineer, waiting_macro):
    with pytest.raises(Forbidden):
        macros.macro_get_for_user(user=engineer, pk=waiting_macro.pk, write=True)


def test_a_dispatcher_keeps_personal_macros(seat):
    assert daily.macro(seat, name="座席回复").owner == seat


# --- validation ---


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "名" * 81}, "name"),
        ({"body": ""}, "body"),
        ({"body": "长" * (LONG_TEXT_MAX + 1)}, "body"),
        ({"set_status": "closed"}, "set_status"),
        ({"set_status": "waiting", "internal": True}, "set_status"),
        ({"set_priority": "P9"}, "set_priority"),
        ({"add_tags": ["没有这个标签"]}, "add_tags"),
        ({"team": "customer_contact"}, "team"),
    ],
)
def test_bad_macro_input_names_the_field_and_writes_nothing(manager, fields, field):
    with pytest.raises(Invalid) as exc:
        daily.macro(manager, **fields)
    assert exc.value.field == field
    assert Macro.objects.count() == 0


def test_a_name_is_unique_per_owner_among_active_macros(engineer, seat):
    daily.macro(engineer, name="同名")
    daily.macro(seat, name="同名")  # another owner: fine
    with pytest.raises(Invalid) as exc:
        daily.macro(engineer, name="同名")
    assert exc.value.field == "name" and exc.value.message == macros.NAME_TAKEN


def test_a_retired_name_may_be_used_again(engineer):
    macros.macro_retire(macro=daily.macro(engineer, name="旧的"), by=engineer)
    assert daily.macro(engineer, name="旧的").is_active


def test_editing_a_macro_records_what_changed(engineer):
    mine = daily.macro(engineer, name="旧名")
    macros.macro_update(macro=mine, by=engineer, name="新名")
    row = Activity.objects.filter(subject_kind="macro", subject_id=mine.pk, kind="updated").get()
    assert row.changes == {"name": ["旧名", "新名"]}


# --- applying ---


def test_applying_a_waiting_macro_replies_and_waits(responded_case, engineer, waiting_macro):
    case = macros.macro_apply(case=responded_case, macro=waiting_macro, by=engineer)
    assert case.status == Status.WAITING
    comment = case.activities.get(kind=ActivityKind.COMMENT)
    assert not comment.internal and case.number in comment.text and str(engineer) in comment.text
    macro_row = case.activities.get(kind=ActivityKind.MACRO)
    assert macro_row.internal and macro_row.data["macro"] == waiting_macro.pk


def test_placeholders_are_filled_once(responded_case, engineer, contact_a):
    mine = daily.macro(engineer, body="{customer}/{contact}/{case_number}/{engineer}/{other}")
    macros.macro_apply(case=responded_case, macro=mine, by=engineer)
    text = responded_case.activities.get(kind=ActivityKind.COMMENT).text
    expected = f"华东电力集团/{contact_a.name}/{responded_case.number}/{engineer}/{{other}}"
    assert text == expected


def test_the_edited_text_is_sent_instead(responded_case, engineer, waiting_macro):
    macros.macro_apply(case=responded_case, macro=waiting_macro, by=engineer, text="改过的")
    assert responded_case.activities.get(kind=ActivityKind.COMMENT).text == "改过的"


def test_a_resolving_macro_makes_its_reply_the_solution(responded_case, engineer, manager):
    done = daily.macro(manager, name="已远程解决", team="engineer", set_status="resolved")
    case = macros.macro_apply(case=responded_case, macro=done, by=engineer)
    assert case.status == Status.RESOLVED and case.number in case.resolution
    assert ActivityKind.COMMENT not in _kinds(case)  # said once, by the resolution


def test_an_internal_macro_writes_an_internal_note(responded_case, engineer):
    note = daily.macro(engineer, name="清单", internal=True)
    macros.macro_apply(case=responded_case, macro=note, by=engineer)
    assert responded_case.activities.get(kind=ActivityKind.COMMENT).internal


def test_a_priority_macro_goes_through_the_priority_service(new_case, seat):
    urgent = daily.macro(seat, name="升级P1", set_priority="P4")
    case = macros.macro_apply(case=new_case, macro=urgent, by=seat)
    assert case.priority == "P4"
    assert case.activities.filter(kind=ActivityKind.UPDATED).exists()


def test_a_tagging_macro_adds_its_tags(responded_case, engineer):
    vip = daily.tag("VIP")
    mine = daily.macro(engineer, name="标记", add_tags=["VIP"])
    case = macros.macro_apply(case=responded_case, macro=mine, by=engineer)
    assert list(case.tags.all()) == [vip]
    assert case.activities.get(kind=ActivityKind.TAGGED).internal


def _nothing_written(case: Case, before: list[str], status: str) -> None:
    case.refresh_from_db()
    assert _kinds(case) == before and case.status == status


def test_a_refused_status_step_writes_nothing(new_case, seat, engineer, waiting_macro):
    case = services.case_assign(case=new_case, engineer=engineer, by=seat)  # assigned: no wait
    before = _kinds(case)
    with pytest.raises(Conflict) as exc:
        macros.macro_apply(case=case, macro=waiting_macro, by=engineer)
    assert exc.value.extra["field"] == "set_status"
    _nothing_written(case, before, Status.ASSIGNED)


def test_a_step_the_user_may_not_take_writes_nothing(responded_case, engineer):
    urgent = daily.macro(engineer, name="改级别", set_priority="P4")  # engineers may not
    before = _kinds(responded_case)
    with pytest.raises(Forbidden) as exc:
        macros.macro_apply(case=responded_case, macro=urgent, by=engineer)
    assert exc.value.extra["field"] == "set_priority"
    _nothing_written(responded_case, before, Status.RESPONDED)


def test_a_stale_version_writes_nothing(responded_case, engineer, waiting_macro):
    before = _kinds(responded_case)
    with pytest.raises(Conflict) as exc:
        macros.macro_apply(
            case=responded_case,
            macro=waiting_macro,
            by=engineer,
            version=responded_case.version - 1,
        )
    assert exc.value.extra["field"] == "version"
    _nothing_written(responded_case, before, Status.RESPONDED)


def test_an_empty_edited_text_is_refused(responded_case, engineer, waiting_macro):
    with pytest.raises(Invalid) as exc:
        macros.macro_apply(case=responded_case, macro=waiting_macro, by=engineer, text=" ")
    assert exc.value.field == "text"
    _nothing_written(responded_case, _kinds(responded_case), Status.RESPONDED)


def test_another_users_personal_macro_cannot_be_applied(responded_case, engineer, seat):
    theirs = daily.macro(seat, name="座席私有")
    with pytest.raises(NotFound):
        macros.macro_apply(case=responded_case, macro=theirs, by=engineer)


def test_the_demo_adds_chinese_team_macros_once(manager):
    from aftersales.cases import macro_demo
    from aftersales.registry.demo import Demo

    demo = Demo()
    macro_demo.load(demo)
    macro_demo.load(demo)
    assert Macro.objects.filter(team="engineer", set_status="waiting", name="请提供日志").exists()
    assert demo.created == {"macros": len(macro_demo.DEMO_MACROS)}
