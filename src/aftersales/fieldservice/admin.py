"""Admin of the field service app: each area registers its models in its own module."""

from aftersales.fieldservice import appointment_admin  # noqa: F401  (appointments, representatives)
