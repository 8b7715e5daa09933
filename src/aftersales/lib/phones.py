"""Phone numbers as people type them, reduced to one comparable form."""

from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"[^\d]")


def normalize_phone(raw: str) -> str:
    """Return the digits of a Chinese phone number without country prefix.

    '+86 138-0013-8000', '0086 13800138000' and '13800138000' all give '13800138000'.
    Landlines keep their area code ('010-6552 1234' gives '01065521234').
    """
    text = (raw or "").strip()
    digits = _NON_DIGITS.sub("", text)
    if text.startswith("+86"):
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        return digits[2:]
    else:
        return digits
    # After a country code, landlines lose their trunk '0' ('+86 10 ...' is Beijing's 010).
    if not (len(digits) == 11 and digits.startswith("1")):
        digits = "0" + digits
    return digits


def looks_like_phone(raw: str) -> bool:
    stripped = raw.strip()
    if not stripped or re.search(r"[A-Za-z]", stripped):
        return False
    return len(normalize_phone(stripped)) >= 7 and bool(re.fullmatch(r"[+\d\s\-()]+", stripped))
