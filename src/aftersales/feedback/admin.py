"""Admin of the feedback app: each area registers its models in its own module."""

from aftersales.feedback import survey_admin  # noqa: F401  (surveys)
