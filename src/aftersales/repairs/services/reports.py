"""The service report (维修报告): rendered as PDF, archived on the case, mailed as a link.

Rendering takes seconds, so it never runs while the sign-off holds the order's row lock
(architecture rule 9): the sign-off schedules report_schedule() to run after it commits, and
the task renders first, outside any transaction, then archives and mails in one short one.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases.models import Attachment
from aftersales.cases.services import attachment_add
from aftersales.repairs import report
from aftersales.repairs.models import RepairEventKind, RepairOrder
from aftersales.repairs.services.common import (
    notify_contact,
    record_event,
    save_order,
    site_url,
)

log = logging.getLogger(__name__)

REPORT_FAILED = _("The service report could not be rendered (%(error)s); nothing was archived.")
NOT_A_PDF = _("the renderer returned no PDF")


def report_schedule(*, order: RepairOrder, by: Any) -> None:
    """Inside the sign-off's transaction: archive and mail the report once it has committed."""
    actor_id = by.pk if getattr(by, "is_authenticated", False) else None
    transaction.on_commit(partial(_enqueue, order.pk, actor_id), robust=True)


def _enqueue(order_id: int, actor_id: int | None) -> None:
    # Imported late: the tasks module imports this one (as notify.services does).
    from aftersales.repairs import tasks

    tasks.report_archive_task(order_id, actor_id)


def report_archive(*, order_id: int, by: User | None) -> Attachment | None:
    """Render the signed order's report, then attach it to the case and mail a link.

    Runs in a task, outside any transaction. Idempotent: an order with a report is left
    alone. A render that fails (no CJK font, a broken template) is logged and recorded on the
    order's timeline; no blank or partial PDF is archived. Returns the attachment, or None.
    """
    order = RepairOrder.objects.select_related("case", "case__contact").get(pk=order_id)
    if order.report_id is not None:
        return None
    try:
        pdf = report.render_report_pdf(order)
        if not pdf.startswith(b"%PDF"):
            raise ValueError(str(NOT_A_PDF))
    except Exception as exc:
        log.exception("service report of repair %s not rendered", order.number)
        _record_failure(order, by=by, error=exc)
        return None
    return _archive(order_id=order.pk, by=by, pdf=pdf)


@transaction.atomic
def _record_failure(order: RepairOrder, *, by: User | None, error: Exception) -> None:
    # Our own errors carry a translated message; anything else is named with its type.
    message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
    record_event(
        order,
        by=by,
        kind=RepairEventKind.REPORT_FAILED,
        now=timezone.now(),
        text=str(REPORT_FAILED % {"error": message}),
    )


@transaction.atomic
def _archive(*, order_id: int, by: User | None, pdf: bytes) -> Attachment | None:
    order = RepairOrder.objects.select_for_update().select_related("case").get(pk=order_id)
    if order.report_id is not None:  # another run got there first
        return None
    upload = ContentFile(pdf, name=f"维修报告-{order.number}.pdf")
    attachment = attachment_add(case=order.case, by=by, file=upload)
    now = timezone.now()
    order.report = attachment
    save_order(order, now, "report")
    record_event(order, by=by, kind=RepairEventKind.REPORT, now=now, attachment=attachment.pk)
    link = site_url(reverse("portal:repair_detail", args=[order.pk]))
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
    return attachment
