"""Read a PDF as a person would, with pypdfium2 (a wheel: no poppler on the machine)."""

from __future__ import annotations

import pypdfium2 as pdfium
from PIL import Image, ImageChops

SHAPE = (24, 24)


def pdf_text(pdf: bytes) -> str:
    """The text of every page, in reading order."""
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def glyph_images(pdf: bytes, text: str, *, scale: float = 4) -> list[Image.Image]:
    """Page one rasterised, cut into one black-and-white picture per character of `text`."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        textpage = page.get_textpage()
        start = textpage.get_text_range().index(text)
        height = page.get_height()
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        glyphs = []
        for i in range(len(text)):
            left, bottom, right, top = textpage.get_charbox(start + i, loose=True)
            box = (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
            glyph = image.crop(tuple(round(v) for v in box)).resize(SHAPE)
            glyphs.append(glyph.point(lambda v: 255 if v < 128 else 0, mode="1"))
        return glyphs
    finally:
        document.close()


def ink(glyph: Image.Image) -> float:
    """The share of the character's box that is drawn."""
    return glyph.histogram()[255] / (glyph.width * glyph.height)


def difference(a: Image.Image, b: Image.Image) -> float:
    """The share of pixels where two characters' pictures differ."""
    return ink(ImageChops.logical_xor(a, b))
