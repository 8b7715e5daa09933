from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldServiceConfig(AppConfig):
    name = "aftersales.fieldservice"
    label = "fieldservice"
    verbose_name = _("Field service")

    def ready(self) -> None:
        from aftersales.core.subjects import register_subject
        from aftersales.fieldservice import inspection_promises
        from aftersales.fieldservice.models import (
            Appointment,
            AppointmentEventKind,
            Delivery,
            DeliveryEventKind,
            InspectionVisit,
            RegionalRepresentative,
            VisitEventKind,
        )
        from aftersales.notify.notices import register_notice_link
        from aftersales.registry.demo import register_section as register_demo
        from aftersales.sla.promises import register_kind_alias

        register_subject(Delivery, "delivery", kinds=DeliveryEventKind.choices)
        register_subject(InspectionVisit, "inspection_visit", kinds=VisitEventKind.choices)
        register_subject(Appointment, "appointment", kinds=AppointmentEventKind.choices)
        register_subject(
            RegionalRepresentative,
            "representative",
            kinds=[("appointed", _("Appointed")), ("retired", _("Retired"))],
        )
        # A visit's promise: contract.md filters promises with subject_kind=visit.
        inspection_promises.register()
        register_kind_alias("visit", inspection_promises.KIND)
        register_notice_link("inspection_visit", "inspections:visit")
        register_notice_link("appointment", "appointments:detail")
        register_demo("inspections", "aftersales.fieldservice.inspection_demo.load")
        register_demo("appointments", "aftersales.fieldservice.appointment_demo.load")
        register_demo("deliveries", "aftersales.fieldservice.delivery_demo.load")
