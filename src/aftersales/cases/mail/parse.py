"""Turn raw RFC 822 bytes into what the intake needs: Chinese-safe text, clean HTML, files.

Free of Django: the stdlib `email` package does the parsing, nh3 the sanitising.
"""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import email.header
import email.policy
import email.utils
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from html.parser import HTMLParser

import nh3

# Chinese mail clients label GBK (and GB18030) text as gb2312; GB18030 is a superset of both.
CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
}
FALLBACK_CHARSETS = ("utf-8", "gb18030")

# Basic formatting only: no scripts, styles, forms, frames, images from the sender's servers.
SAFE_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan"}}
SAFE_URL_SCHEMES = {"http", "https", "mailto"}

BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr",
    "table", "ul", "ol",
}  # fmt: skip
INVISIBLE_TAGS = {"script", "style", "head", "title", "template"}
MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


@dataclass
class MailFile:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    to: str
    subject: str
    sent_at: dt.datetime | None
    in_reply_to: list[str]
    references: list[str]
    text: str
    html: str
    files: list[MailFile] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


class NotAMessage(ValueError):
    pass


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset (GB aliases widened), then UTF-8, then GB18030."""
    candidates = []
    if charset:
        name = charset.strip().strip('"').lower()
        candidates.append(CHARSET_ALIASES.get(name, name))
    candidates += [c for c in FALLBACK_CHARSETS if c not in candidates]
    # NUL bytes cannot be stored in PostgreSQL text: the mail would be retried for ever.
    for candidate in candidates:
        try:
            return data.decode(candidate).replace("\x00", "")
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace").replace("\x00", "")


def _raw_bytes(value: str) -> bytes | None:
    """Header text as the parser stored it: undecodable 8-bit bytes became surrogates."""
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return None


def decode_header(value: str | None) -> str:
    """Decode RFC 2047 words and raw 8-bit headers (some clients send bare GBK)."""
    if not value:
        return ""
    value = str(value)
    try:
        chunks = email.header.decode_header(value)
    except (ValueError, email.errors.HeaderParseError):
        chunks = [(value, None)]
    parts = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            raw = _raw_bytes(chunk)
            parts.append(decode_bytes(raw, None) if raw is not None else chunk)
        else:
            parts.append(decode_bytes(chunk, charset))
    return re.sub(r"\s+", " ", "".join(parts).replace("\x00", "")).strip()


def _raw_header(msg: Message, name: str) -> str:
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def _normal_id(message_id: str) -> str:
    if len(message_id) <= 255:
        return message_id
    # Cutting it short could make two messages one; a digest stays unique and stable.
    return f"{hashlib.sha256(message_id.encode()).hexdigest()}@long-message-id"


def _message_ids(value: str) -> list[str]:
    return [_normal_id(found) for found in MESSAGE_ID.findall(value or "")[:50]]


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    return decode_bytes(payload, part.get_content_charset())


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in INVISIBLE_TAGS:
            self.hidden += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in INVISIBLE_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return tidy_text("".join(extractor.parts))


def tidy_text(text: str) -> str:
    """Normalise line ends, trim each line's right edge and collapse runs of blank lines."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes=SAFE_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def _walk(msg: Message):
    """Leaf parts, not descending into attached messages (kept whole as .eml files)."""
    if msg.get_content_type() == "message/rfc822":
        yield msg
    elif msg.is_multipart():
        for sub in msg.get_payload():
            yield from _walk(sub)
    else:
        yield msg


def _file_name(part: Message, index: int) -> str:
    name = part.get_filename() or ""
    if "=?" in name:
        name = decode_header(name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        content_type = part.get_content_type()
        ext = (
            ".eml" if content_type == "message/rfc822" else mimetypes.guess_extension(content_type)
        )
        ext = ext or ".bin"
        name = f"attachment-{index}{ext}"
    return name[:200]


def _inner_bytes(part: Message) -> bytes:
    inner = part.get_payload()
    inner = inner[0] if isinstance(inner, list) and inner else inner
    try:
        return inner.as_bytes() if isinstance(inner, Message) else b""
    except (UnicodeError, LookupError, ValueError):
        return b""


def _is_body_candidate(part: Message) -> bool:
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and part.get_content_disposition() != "attachment"
        and not part.get_filename()
    )


def _bodies_and_files(msg: Message) -> tuple[str, str, list[MailFile]]:
    text = html = None
    files = []
    for index, part in enumerate(_walk(msg), start=1):
        if part.get_content_type() == "message/rfc822":
            files.append(MailFile(_file_name(part, index), "message/rfc822", _inner_bytes(part)))
            continue
        if _is_body_candidate(part):
            if part.get_content_type() == "text/plain" and text is None:
                text = _part_text(part)
                continue
            if part.get_content_type() == "text/html" and html is None:
                html = _part_text(part)
                continue
        data = part.get_payload(decode=True) or b""
        files.append(MailFile(_file_name(part, index), part.get_content_type(), data))
    return text or "", html or "", files


def _sent_at(msg: Message) -> dt.datetime | None:
    try:
        value = email.utils.parsedate_to_datetime(_raw_header(msg, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    if value is None or value.tzinfo is None:
        return None
    return value


def parse_message(raw: bytes) -> ParsedMail:
    """Parse one message; raise NotAMessage when the bytes carry no headers or no sender."""
    if not raw or not raw.strip():
        raise NotAMessage("empty input")
    msg: EmailMessage = email.message_from_bytes(raw, policy=email.policy.default)
    if not msg.keys() or not _raw_header(msg, "From"):
        raise NotAMessage("no From header")
    from_name, from_address = email.utils.parseaddr(decode_header(_raw_header(msg, "From")))
    ids = _message_ids(_raw_header(msg, "Message-ID"))
    # No Message-ID: the bytes themselves identify the message, so a redelivery still dedupes.
    message_id = ids[0] if ids else f"{hashlib.sha256(raw).hexdigest()}@no-message-id"
    text, html, files = _bodies_and_files(msg)
    clean_html = sanitise_html(html) if html else ""
    text = tidy_text(text) if text else (html_to_text(clean_html) if clean_html else "")
    watched = ("auto-submitted", "precedence", "x-autoreply", "x-autorespond", "return-path")
    headers = {k.lower(): decode_header(str(v)) for k, v in msg.raw_items() if k.lower() in watched}
    headers["content-type"] = msg.get_content_type()
    return ParsedMail(
        message_id=message_id,
        from_address=from_address.strip().lower()[:254],
        from_name=from_name.strip()[:200],
        to=decode_header(_raw_header(msg, "To"))[:2000],
        subject=decode_header(_raw_header(msg, "Subject"))[:500],
        sent_at=_sent_at(msg),
        in_reply_to=_message_ids(decode_header(_raw_header(msg, "In-Reply-To"))),
        references=_message_ids(decode_header(_raw_header(msg, "References"))),
        text=text,
        html=clean_html,
        files=files,
        headers=headers,
    )


def is_auto_reply(mail: ParsedMail) -> bool:
    """RFC 3834 auto-replies, list and bulk mail, vacation notices and bounces (mail loops)."""
    h = mail.headers
    if h.get("auto-submitted", "no").strip().lower() not in ("", "no"):
        return True
    if h.get("precedence", "").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    if "x-autoreply" in h or "x-autorespond" in h:
        return True
    if h.get("return-path", "").strip() == "<>" or h["content-type"] == "multipart/report":
        return True
    local = mail.from_address.split("@", 1)[0]
    return local in ("mailer-daemon", "postmaster")
