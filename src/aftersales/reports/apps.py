from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aftersales.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from aftersales.reports import (
            dashboard_views,
            export_tasks,
            exports,
            risk_views,
            schedules,
        )

        exports.register()
        dashboard_views.register()
        risk_views.register()
        schedules.register()
        del export_tasks  # imported for the worker: Huey finds tasks by import
