"""Files attached to a case, stored under generated names."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.cases import access
from aftersales.cases.models import ActivityKind, Attachment, Case
from aftersales.cases.services.common import (
    CUSTOMERS_NO_INTERNAL,
    record,
    require,
    save_case,
)
from aftersales.core.errors import Invalid


@transaction.atomic
def attachment_add(*, case: Case, by: User, file: Any, internal: bool = False) -> Attachment:
    """Store a checked file under MEDIA_ROOT/cases/<id>/ with a generated name; log it."""
    from aftersales.cases.uploads import check_upload, display_name

    require(access.can_add_attachment, by, case)
    if internal and not access.can_comment_internal(by, case):
        raise Invalid(CUSTOMERS_NO_INTERNAL, field="internal")
    ext, content_type = check_upload(file, field="file")
    case = Case.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    name = display_name(file)
    activity = record(
        case,
        by=by,
        kind=ActivityKind.ATTACHMENT,
        now=now,
        text=name,
        internal=internal,
        data={"name": name, "size": file.size},
    )
    attachment = Attachment(
        case=case,
        activity=activity,
        name=name,
        content_type=content_type,
        size=file.size,
        internal=internal,
        uploaded_by=by,
        uploaded_at=now,
    )
    # The client's file name never reaches the disk: paths stay ours.
    attachment.file.save(f"{uuid.uuid4().hex}.{ext}", file, save=False)
    attachment.save()
    save_case(case, now)
    return attachment
