from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RmaConfig(AppConfig):
    name = "aftersales.rma"
    label = "rma"
    verbose_name = _("RMA and advance replacement")

    def ready(self) -> None:
        from aftersales.notify.notices import register_notice_link

        register_notice_link("rma", "rma:detail")
        register_notice_link("return", "returns:detail")
        from aftersales.core.subjects import register_subject
        from aftersales.registry.demo import register_section as register_demo
        from aftersales.rma import promises, return_promises
        from aftersales.rma.models import ReturnEventKind, ReturnRequest, Rma, RmaEventKind

        register_subject(Rma, "rma", kinds=RmaEventKind.choices)
        promises.register()
        register_demo("rma", "aftersales.rma.demo.load")
        register_subject(ReturnRequest, "return", kinds=ReturnEventKind.choices)
        return_promises.register()
        register_demo("returns", "aftersales.rma.return_demo.load")
