"""Topology diagrams of a customer's network: the accepted file types and the upload."""

from __future__ import annotations

import os
import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core.errors import Invalid
from aftersales.core.uploads import OLE2, TypeTable, check_upload, starts, zip_members
from aftersales.registry.models import Customer, Project, TopologyAttachment
from aftersales.registry.services.common import OTHER_CUSTOMERS_RECORD, audit

FILE_TYPE_NOT_ALLOWED = _(
    "Only PNG, JPEG or GIF images, PDF, Visio (vsdx, vsd) or draw.io (drawio, xml) files "
    "are accepted."
)


def _sniff_zip_visio(head: bytes, file: Any) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    return any(n.startswith("visio/") for n in zip_members(file) or [])


def _sniff_drawio(head: bytes, file: Any) -> bool:
    """A draw.io diagram: an mxfile/mxGraphModel root, no DTD (entities) and no SVG/script."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if b"<!doctype" in text or b"<!entity" in text or b"<svg" in text or b"<script" in text:
        return False
    if text.startswith(b"<?xml"):
        text = text[text.find(b"?>") + 2 :].lstrip()
        while text.startswith(b"<!--"):
            text = text[text.find(b"-->") + 3 :].lstrip()
    return text.startswith((b"<mxfile", b"<mxgraphmodel"))


# Extension -> (stored content type, sniffing function). SVG is deliberately absent: it can
# carry script, and a diagram viewer would run it in our origin.
TOPOLOGY_TYPES: TypeTable = {
    "png": ("image/png", starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", starts(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", starts(b"\xff\xd8\xff")),
    "gif": ("image/gif", starts(b"GIF87a", b"GIF89a")),
    "pdf": ("application/pdf", starts(b"%PDF-")),
    "vsdx": ("application/vnd.ms-visio.drawing", _sniff_zip_visio),
    "vsd": ("application/vnd.visio", starts(OLE2)),
    "drawio": ("application/vnd.jgraph.mxfile", _sniff_drawio),
    "xml": ("application/xml", _sniff_drawio),
}


@transaction.atomic
def topology_upload(
    *,
    customer: Customer,
    file: UploadedFile,
    title: str = "",
    project: Project | None = None,
    by: User | None = None,
) -> TopologyAttachment:
    """Store a topology diagram under a generated name after checking size, type and content."""
    if project is not None and project.customer_id != customer.pk:
        raise Invalid(OTHER_CUSTOMERS_RECORD, field="project")
    # draw.io files are checked for DTDs and script in their first 4 KB.
    ext, content_type = check_upload(
        file, types=TOPOLOGY_TYPES, not_allowed=FILE_TYPE_NOT_ALLOWED, head_bytes=4096
    )
    original = os.path.basename(file.name or "")
    title = (title or "").strip() or original.rsplit(".", 1)[0][:200] or ext
    attachment = TopologyAttachment(
        customer=customer,
        project=project,
        title=title[:200],
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
    )
    # The client's file name never reaches the disk: paths stay ours.
    attachment.file.save(f"{uuid.uuid4().hex}.{ext}", file, save=False)
    attachment.save()
    audit(attachment, by=by, kind="created", text=attachment.title)
    return attachment
