"""The system's own accounts (the mail robot) act on cases but are never offered as people."""

from __future__ import annotations

import pytest

from aftersales.cases import pickers
from aftersales.cases.mail import mailbot_user
from aftersales.registry.selectors import staff_users

pytestmark = pytest.mark.django_db


def test_the_mail_robot_is_not_a_staff_member_to_pick(seat):
    robot = mailbot_user()
    assert seat in staff_users() and robot not in staff_users()


def test_the_mail_robot_is_not_offered_to_take_cases(engineer):
    robot = mailbot_user()
    offered = list(pickers.engineers_for_picker()) + list(pickers.engineer_names_for_picker())
    assert engineer in offered and robot not in offered
