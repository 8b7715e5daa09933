"""A signature drawn on a tablet or phone (HTML canvas → PNG data URL), checked before storing."""

from __future__ import annotations

import base64
import binascii
import io

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Invalid

PREFIX = "data:image/png;base64,"
MAX_BYTES = 512 * 1024
MAX_SIDE = 4000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

NOT_A_SIGNATURE = _("The signature must be a PNG image drawn on the screen.")
SIGNATURE_TOO_LARGE = _("The signature image is too large.")
SIGNATURE_EMPTY = _("The signature is empty: please sign in the box.")


def signature_png(data_url: str, *, field: str = "signature") -> bytes:
    """Decode and check a canvas data URL; return the PNG bytes or raise Invalid(field)."""
    from PIL import Image, UnidentifiedImageError

    data_url = (data_url or "").strip()
    if not data_url.startswith(PREFIX):
        raise Invalid(NOT_A_SIGNATURE, field=field)
    encoded = data_url[len(PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise Invalid(SIGNATURE_TOO_LARGE, field=field)
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Invalid(NOT_A_SIGNATURE, field=field) from exc
    if not png.startswith(PNG_MAGIC):
        raise Invalid(NOT_A_SIGNATURE, field=field)
    try:
        with Image.open(io.BytesIO(png)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG" or max(image.size) > MAX_SIDE:
                raise Invalid(NOT_A_SIGNATURE, field=field)
            # Ink on paper: composite on white, then look for any clearly dark pixel.
            rgba = image.convert("RGBA")
            paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            darkest, _lightest = Image.alpha_composite(paper, rgba).convert("L").getextrema()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Invalid(NOT_A_SIGNATURE, field=field) from exc
    if darkest > 160:
        raise Invalid(SIGNATURE_EMPTY, field=field)
    return png
