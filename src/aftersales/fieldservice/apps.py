from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldServiceConfig(AppConfig):
    name = "aftersales.fieldservice"
    label = "fieldservice"
    verbose_name = _("Field service")

    def ready(self) -> None:
        from aftersales.core.subjects import register_subject
        from aftersales.fieldservice.models import (
            Appointment,
            AppointmentEventKind,
            Delivery,
            DeliveryEventKind,
            InspectionVisit,
            VisitEventKind,
        )

        register_subject(Delivery, "delivery", kinds=DeliveryEventKind.choices)
        register_subject(InspectionVisit, "inspection_visit", kinds=VisitEventKind.choices)
        register_subject(Appointment, "appointment", kinds=AppointmentEventKind.choices)
        # Each area adds its lines below: promises, notice links, demo sections.
