"""Fixtures of the customer-voice tests: each area keeps its own in factories_<area>.py and
lists them here (one import line per area)."""

from tests.feedback.factories_complaints import expert, manager, officer  # noqa: F401
