"""Photos an engineer takes on an onsite job, kept with the appointment.

A phone on a weak network may send the same photo twice: a retry with the same client key
returns the photo kept the first time.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases.uploads import PHOTO_NOT_ALLOWED, PHOTO_TYPES, display_name
from aftersales.core import timeline
from aftersales.core.db import id_or_none
from aftersales.core.errors import Invalid, NotFound
from aftersales.core.schema_types import bounded_text
from aftersales.core.uploads import check_upload
from aftersales.fieldservice import appointment_access as access
from aftersales.fieldservice.models import Appointment, AppointmentEventKind, JobPhoto

PHOTOS_MAX = 30
TOO_MANY_PHOTOS = _("A job keeps at most %(max)s photos.")
PHOTO_NOT_FOUND = _("No such photo.")


def _key(client_key: str | None) -> str:
    return bounded_text((client_key or "").strip(), field="client_key", limit=64)


def job_photo_add(
    *,
    appointment: Appointment,
    by: User,
    file: Any,
    caption: str = "",
    client_key: str | None = None,
) -> tuple[JobPhoto, bool]:
    """Keep a photo of the job under MEDIA_ROOT/appointments/<id>/ with a generated name;
    returns (photo, created): a retry with the same key returns the first photo."""
    access.can_add_photo.enforce_who(by, appointment)
    key = _key(client_key)
    caption = bounded_text((caption or "").strip(), field="caption", limit=200)
    if key and (found := appointment.photos.filter(client_key=key).first()) is not None:
        return found, False
    ext, content_type = check_upload(
        file, types=PHOTO_TYPES, not_allowed=PHOTO_NOT_ALLOWED, field="photo"
    )
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        access.can_add_photo.enforce(by, locked)
        # A retry racing its first attempt waits on the lock and finds the first photo.
        if key and (found := locked.photos.filter(client_key=key).first()) is not None:
            return found, False
        if locked.photos.count() >= PHOTOS_MAX:
            raise Invalid(TOO_MANY_PHOTOS % {"max": PHOTOS_MAX}, field="photo")
        now = timezone.now()
        photo = JobPhoto(
            appointment=locked,
            name=display_name(file),
            content_type=content_type,
            size=file.size,
            caption=caption,
            client_key=key,
            uploaded_by=by,
            uploaded_at=now,
        )
        # The client's file name never reaches the disk: paths stay ours.
        photo.file.save(f"{uuid.uuid4().hex}.{ext}", file, save=False)
        photo.save()
        timeline.record(
            subject=locked,
            kind=AppointmentEventKind.PHOTO,
            actor=by,
            text=caption or photo.name,
            at=now,
            data={"photo": photo.pk},
        )
    return photo, True


def photo_of(appointment: Appointment, pk: Any) -> JobPhoto:
    """A photo of an appointment the caller already loaded for the user; 404 otherwise."""
    photo_id = id_or_none(pk)
    photo = appointment.photos.filter(pk=photo_id).first() if photo_id else None
    if photo is None:
        raise NotFound(PHOTO_NOT_FOUND)
    return photo
