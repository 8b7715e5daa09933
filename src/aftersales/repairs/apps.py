from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "aftersales.repairs"
    label = "repairs"
    verbose_name = _("Repairs and service reports")

    def ready(self) -> None:
        from aftersales.core.subjects import register_subject
        from aftersales.registry.demo import register_section as register_demo
        from aftersales.repairs import promises
        from aftersales.repairs.models import RepairEventKind, RepairOrder

        register_subject(RepairOrder, "repair", kinds=RepairEventKind.choices)
        from aftersales.notify.notices import register_notice_link

        register_notice_link("repair", "repairs:by_number")
        promises.register()
        register_demo("repairs", "aftersales.repairs.demo.load")
        register_demo("repair states", "aftersales.repairs.demo.load_states")
