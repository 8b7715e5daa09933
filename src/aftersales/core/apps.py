from django.apps import AppConfig, apps
from django.db import connections
from django.db.models.signals import post_migrate


def analyze_after_migrate(sender: AppConfig, using: str, **kwargs: object) -> None:
    """Give SQLite's planner statistics once `migrate` has run (it keeps none by itself)."""
    from aftersales.core.db import analyze_sqlite

    # post_migrate comes once per app, after every migration ran: act on the last one only.
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender is last:
        analyze_sqlite(connections[using])


class CoreConfig(AppConfig):
    name = "aftersales.core"
    label = "core"

    def ready(self) -> None:
        post_migrate.connect(analyze_after_migrate, dispatch_uid="aftersales.analyze_sqlite")
