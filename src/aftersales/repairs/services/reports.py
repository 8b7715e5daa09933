"""The service report (维修报告): rendered as PDF, archived on the case, mailed as a link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _t

from aftersales.repairs.models import RepairEventKind, RepairOrder
from aftersales.repairs.services.common import (
    notify_contact,
    record_event,
    save_order,
    site_url,
)


def report_archive(*, order: RepairOrder, by: Any) -> None:
    """Render the PDF, attach it to the case (an attachment + its activity), mail a link."""
    from aftersales.cases.services import attachment_add
    from aftersales.repairs.report import render_report_pdf

    pdf = render_report_pdf(order)
    upload = ContentFile(pdf, name=f"维修报告-{order.number}.pdf")
    attachment = attachment_add(case=order.case, by=by, file=upload)
    now = timezone.now()
    order.report = attachment
    save_order(order, now, "report")
    record_event(order, by=by, kind=RepairEventKind.REPORT, now=now, attachment=attachment.pk)
    link = site_url(reverse("repairs:portal_detail", args=[order.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        notify_contact(
            order,
            kind="repair.report",
            subject=_t("Service report %(number)s") % {"number": order.number},
            body=_t(
                "The repair %(number)s was completed and signed off by %(name)s.\n"
                "The service report (PDF) is attached and on the portal: %(link)s"
            )
            % {"number": order.number, "name": order.signer_name, "link": link},
            key="report",
            attachment=attachment,
        )
