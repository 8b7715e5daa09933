"""Which files a case accepts: checked by extension and by content, never by the client's word."""

from __future__ import annotations

import codecs
import os
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Invalid

FILE_REQUIRED = _("Choose a file.")
FILE_EMPTY = _("The file is empty.")
FILE_TOO_LARGE = _("The file is larger than %(limit)s.")
FILE_TYPE_NOT_ALLOWED = _(
    "This type of file is not accepted. Allowed: images (PNG, JPG, GIF), PDF, text and log "
    "files, ZIP archives and Office documents."
)
FILE_CONTENT_MISMATCH = _("The file's content does not match its name.")

HEAD_BYTES = 8192
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt container
# Markup a browser would render or run; a "text" file starting like this is refused.
MARKUP_STARTS = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<body", b"<iframe")


def _zip_members(file: Any) -> list[str] | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _sniff_zip(head: bytes, file: Any) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06")) and _zip_members(file) is not None


def _office_open_xml(folder: str) -> Callable[[bytes, Any], bool]:
    """A .docx/.xlsx/.pptx: a zip holding [Content_Types].xml and the part's folder."""

    def sniff(head: bytes, file: Any) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        names = _zip_members(file) or []
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


def _starts(*magic: bytes) -> Callable[[bytes, Any], bool]:
    return lambda head, file: head.startswith(magic)


# Extension -> (stored content type, sniffing function). SVG and HTML are deliberately absent:
# they carry script, and a browser would run it in our origin.
ATTACHMENT_TYPES: dict[str, tuple[str, Callable[[bytes, Any], bool]]] = {
    "png": ("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    "gif": ("image/gif", _starts(b"GIF87a", b"GIF89a")),
    "pdf": ("application/pdf", _starts(b"%PDF-")),
    "txt": ("text/plain", _sniff_text),
    "log": ("text/plain", _sniff_text),
    "zip": ("application/zip", _sniff_zip),
    "doc": ("application/msword", _starts(OLE2)),
    "xls": ("application/vnd.ms-excel", _starts(OLE2)),
    "ppt": ("application/vnd.ms-powerpoint", _starts(OLE2)),
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


def check_upload(file: Any, *, field: str = "file", allowed: tuple[str, ...] = ()) -> tuple:
    """Return (extension, content type) of an acceptable upload; raise Invalid naming the field.

    `allowed` narrows the accepted extensions (empty: every type in ATTACHMENT_TYPES).
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
    if ext not in ATTACHMENT_TYPES or (allowed and ext not in allowed):
        raise Invalid(FILE_TYPE_NOT_ALLOWED, field=field)
    content_type, sniff = ATTACHMENT_TYPES[ext]
    file.seek(0)
    head = file.read(HEAD_BYTES)
    ok = sniff(head, file)
    file.seek(0)
    if not ok:
        raise Invalid(FILE_CONTENT_MISMATCH, field=field)
    return ext, content_type


def limit_mb() -> float:
    return round(settings.UPLOAD_MAX_BYTES / 1024 / 1024, 1)


def display_name(file: Any) -> str:
    """The client's file name, for showing only: it never becomes a path."""
    return os.path.basename((file.name or "").replace("\\", "/"))[:200] or "file"
