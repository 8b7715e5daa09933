"""Checking an uploaded file: size, extension and content, never the client's word.

Each app keeps its own table of accepted types; this module holds the one way to apply it.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Invalid

FILE_REQUIRED = _("Choose a file.")
FILE_EMPTY = _("The file is empty.")
FILE_TOO_LARGE = _("The file is larger than %(limit)s.")
FILE_CONTENT_MISMATCH = _("The file's content does not match its name.")

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt/.vsd container

# Extension -> (stored content type, sniff(head, file) -> bool).
TypeTable = dict[str, tuple[str, Callable[[bytes, Any], bool]]]


def starts(*magic: bytes) -> Callable[[bytes, Any], bool]:
    return lambda head, file: head.startswith(magic)


def zip_members(file: Any) -> list[str] | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def check_upload(
    file: Any,
    *,
    types: TypeTable,
    not_allowed: Any,
    field: str = "file",
    allowed: tuple[str, ...] = (),
    head_bytes: int = 8192,
) -> tuple[str, str]:
    """Return (extension, content type) of an acceptable upload; raise Invalid naming the field.

    `types` are the accepted types, `allowed` narrows them further (empty: all of them), and
    `not_allowed` is the message for any other extension.
    """
    if file is None:
        raise Invalid(FILE_REQUIRED, field=field)
    limit = settings.UPLOAD_MAX_BYTES
    if file.size > limit:
        raise Invalid(FILE_TOO_LARGE % {"limit": filesizeformat(limit)}, field=field)
    if file.size == 0:
        raise Invalid(FILE_EMPTY, field=field)
    original = os.path.basename(file.name or "")
    ext = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if ext not in types or (allowed and ext not in allowed):
        raise Invalid(not_allowed, field=field)
    content_type, sniff = types[ext]
    file.seek(0)
    head = file.read(head_bytes)
    ok = sniff(head, file)
    file.seek(0)
    if not ok:
        raise Invalid(FILE_CONTENT_MISMATCH, field=field)
    return ext, content_type


def stored_file_response(stored: Any, *, name: str, content_type: str) -> FileResponse:
    """The only way to a stored file: always a download that runs nothing in our origin
    (404 when the file is gone from the disk)."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name or os.path.basename(stored.name),
        content_type=content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
