"""Which files a case accepts: checked by extension and by content, never by the client's word."""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aftersales.core import uploads
from aftersales.core.uploads import OLE2, starts, zip_members

FILE_TYPE_NOT_ALLOWED = _(
    "This type of file is not accepted. Allowed: images (PNG, JPG, GIF), PDF, text and log "
    "files, ZIP archives and Office documents."
)

HEAD_BYTES = 8192
# Markup a browser would render or run; a "text" file starting like this is refused.
MARKUP_STARTS = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<body", b"<iframe")


def _sniff_zip(head: bytes, file: Any) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06")) and zip_members(file) is not None


def _office_open_xml(folder: str) -> Callable[[bytes, Any], bool]:
    """A .docx/.xlsx/.pptx: a zip holding [Content_Types].xml and the part's folder."""

    def sniff(head: bytes, file: Any) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        names = zip_members(file) or []
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return sniff


def _sniff_text(head: bytes, file: Any) -> bool:
    """Plain text or a device log: no NUL bytes, decodable, not HTML/SVG in disguise."""
    if b"\x00" in head:
        return False
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith(MARKUP_STARTS):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # The head may end in the middle of a multi-byte character: not final then.
            codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < HEAD_BYTES)
            return True
        except UnicodeDecodeError:
            continue
    return False


# Extension -> (stored content type, sniffing function). SVG and HTML are deliberately absent:
# they carry script, and a browser would run it in our origin.
ATTACHMENT_TYPES: uploads.TypeTable = {
    "png": ("image/png", starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", starts(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", starts(b"\xff\xd8\xff")),
    "gif": ("image/gif", starts(b"GIF87a", b"GIF89a")),
    "pdf": ("application/pdf", starts(b"%PDF-")),
    "txt": ("text/plain", _sniff_text),
    "log": ("text/plain", _sniff_text),
    "zip": ("application/zip", _sniff_zip),
    "doc": ("application/msword", starts(OLE2)),
    "xls": ("application/vnd.ms-excel", starts(OLE2)),
    "ppt": ("application/vnd.ms-powerpoint", starts(OLE2)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _office_open_xml("word/"),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _office_open_xml("xl/"),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _office_open_xml("ppt/"),
    ),
}

# A signed approval form is a scan or a PDF.
SIGNED_FORM_TYPES = ("png", "jpg", "jpeg", "gif", "pdf")
# Photos (returned goods, an onsite job): the image rows of the table above.
PHOTO_TYPES: uploads.TypeTable = {
    ext: ATTACHMENT_TYPES[ext] for ext in ("png", "jpg", "jpeg", "gif")
}
PHOTO_NOT_ALLOWED = _("Only photos are accepted: PNG, JPG or GIF.")


def check_upload(file: Any, *, field: str = "file", allowed: tuple[str, ...] = ()) -> tuple:
    """Return (extension, content type) of an acceptable case attachment; raise Invalid.

    `allowed` narrows the accepted extensions (empty: every type in ATTACHMENT_TYPES).
    """
    return uploads.check_upload(
        file,
        types=ATTACHMENT_TYPES,
        not_allowed=FILE_TYPE_NOT_ALLOWED,
        field=field,
        allowed=allowed,
        head_bytes=HEAD_BYTES,
    )


def limit_mb() -> float:
    return round(settings.UPLOAD_MAX_BYTES / 1024 / 1024, 1)


def display_name(file: Any) -> str:
    """The client's file name, for showing only: it never becomes a path."""
    return os.path.basename((file.name or "").replace("\\", "/"))[:200] or "file"
