"""The round red seal image (电子印章印模), drawn as vector graphics from a unit's name.

Shared by every kind of seal (licence seals, finance seals of payment receipts). One layout,
two outputs: ``svg_for(top, purpose)`` for web pages (and as the picture inside the seal
certificate) and ``draw_layout(canvas, x, y, size, layout(top, purpose))`` for reportlab PDFs.
The layout is a 200 × 200 box: an outer ring, a five-pointed star in the centre, the unit's
full name along the upper arc (each character placed and rotated on its own, so it needs no
``textPath`` support) and the purpose text (e.g. "电子证照专用章", "财务专用章", default
"电子印章") horizontally below the star. Output is deterministic: same texts, same bytes.

``split_seal_name(unit_full_name, seal_name)`` gives the (arc, purpose) texts of a seal whose
name is the unit's name followed by its purpose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

SEAL_RED = "#d7000f"
BOX = 200.0
CENTER = BOX / 2
RING_RADIUS = 94.0
RING_WIDTH = 5.0
TEXT_RADIUS = 70.0
STAR_OUTER = 26.0
STAR_INNER = STAR_OUTER * 0.381966  # regular pentagram
DEFAULT_PURPOSE = "电子印章"
FONT_FAMILY = (
    "'SimSun','STSong','Songti SC','Noto Serif CJK SC','Source Han Serif SC',"
    "'WenQuanYi Micro Hei','Noto Sans CJK SC',serif"
)


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float
    y: float  # y grows downwards (SVG)
    rotation: float  # degrees, clockwise
    size: float


@dataclass(frozen=True)
class SealLayout:
    star: tuple[tuple[float, float], ...]
    glyphs: tuple[Glyph, ...]
    purpose: str
    purpose_y: float
    purpose_size: float


def split_seal_name(unit_full_name: str | None, seal_name: str) -> tuple[str, str]:
    """(text along the arc, purpose text below) for a seal named "<unit><purpose>"."""
    top = unit_full_name or seal_name
    name = (seal_name or "").strip()
    purpose = name[len(top) :].strip() if name.startswith(top) else ""
    return top, purpose or DEFAULT_PURPOSE


def layout(top: str, purpose: str = DEFAULT_PURPOSE) -> SealLayout:
    """Positions of everything in the 200 × 200 box."""
    top = "".join(top.split())[:24] or "电子印章"
    count = len(top)
    span = min(220.0, 22.0 * count + 10.0)  # degrees covered by the arc text
    size = 26.0 if count <= 8 else max(13.0, 26.0 - (count - 8) * 1.3)
    glyphs = []
    for index, char in enumerate(top):
        theta = -span / 2 + span * (index + 0.5) / count  # clockwise from the top
        rad = math.radians(theta)
        glyphs.append(
            Glyph(
                char,
                round(CENTER + TEXT_RADIUS * math.sin(rad), 2),
                round(CENTER - TEXT_RADIUS * math.cos(rad), 2),
                round(theta, 2),
                round(size, 2),
            )
        )
    star = []
    for k in range(10):
        radius = STAR_OUTER if k % 2 == 0 else STAR_INNER
        angle = math.radians(-90 + 36 * k)
        star.append(
            (
                round(CENTER + radius * math.cos(angle), 2),
                round(CENTER + radius * math.sin(angle), 2),
            )
        )
    purpose = "".join(purpose.split())[:12] or DEFAULT_PURPOSE
    purpose_size = 17.0 if len(purpose) <= 6 else max(11.0, 17.0 - (len(purpose) - 6) * 1.2)
    return SealLayout(tuple(star), tuple(glyphs), purpose, 148.0, round(purpose_size, 2))


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def svg_for(top: str, purpose: str = DEFAULT_PURPOSE, *, title: str = "") -> str:
    """The seal image as a standalone SVG document (UTF-8 text)."""
    spec = layout(top, purpose)
    points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in spec.star)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200"'
        ' role="img"' + (f' aria-label="{escape(title)}"' if title else "") + ">",
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    parts.append(
        f'<g fill="{SEAL_RED}" stroke="none" font-family="{escape(FONT_FAMILY, quote=False)}"'
        ' font-weight="bold" text-anchor="middle">'
    )
    parts.append(
        f'<circle cx="100" cy="100" r="{_fmt(RING_RADIUS)}" fill="none" stroke="{SEAL_RED}"'
        f' stroke-width="{_fmt(RING_WIDTH)}"/>'
    )
    parts.append(f'<polygon points="{points}"/>')
    for glyph in spec.glyphs:
        x, y = _fmt(glyph.x), _fmt(glyph.y)
        parts.append(
            f'<text x="{x}" y="{y}" font-size="{_fmt(glyph.size)}" dominant-baseline="central"'
            f' transform="rotate({_fmt(glyph.rotation)} {x} {y})">{escape(glyph.char)}</text>'
        )
    parts.append(
        f'<text x="100" y="{_fmt(spec.purpose_y)}" font-size="{_fmt(spec.purpose_size)}"'
        f' dominant-baseline="central">{escape(spec.purpose)}</text>'
    )
    parts.append("</g></svg>")
    return "".join(parts)


# --- reportlab -------------------------------------------------------------------------------

_FONT_NAME = "TongbanSealCJK"
_CID_FALLBACK = "STSong-Light"
_font_name: str | None = None


def _pdf_font() -> str:
    """The CJK font for seal text: settings.PDF_FONT_PATH, else reportlab's built-in
    STSong-Light CID font (needs no font file)."""
    global _font_name
    if _font_name:
        return _font_name
    from django.conf import settings
    from reportlab.pdfbase import pdfmetrics

    path = str(getattr(settings, "PDF_FONT_PATH", "") or "")
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        kwargs = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
        pdfmetrics.registerFont(TTFont(_FONT_NAME, path, **kwargs))
        _font_name = _FONT_NAME
    except (OSError, TTFError):  # no usable font file: use the CID font
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(_CID_FALLBACK))
        _font_name = _CID_FALLBACK
    return _font_name


def draw_seal_texts(
    canvas, x: float, y: float, size: float, top: str, purpose: str = DEFAULT_PURPOSE, **kwargs
):
    """Draw the seal of (arc text, purpose) in the square with lower-left corner (x, y)."""
    draw_layout(canvas, x, y, size, layout(top, purpose), **kwargs)


def draw_layout(canvas, x: float, y: float, size: float, spec: SealLayout, *, font_name=None):
    from reportlab.lib.colors import HexColor

    font = font_name or _pdf_font()
    scale = size / BOX
    red = HexColor(SEAL_RED)

    def px(value: float) -> float:
        return x + value * scale

    def py(value: float) -> float:  # SVG y (down) to PDF y (up)
        return y + size - value * scale

    canvas.saveState()
    canvas.setStrokeColor(red)
    canvas.setFillColor(red)
    canvas.setLineWidth(RING_WIDTH * scale)
    canvas.circle(px(CENTER), py(CENTER), RING_RADIUS * scale, stroke=1, fill=0)
    path = canvas.beginPath()
    first, *rest = spec.star
    path.moveTo(px(first[0]), py(first[1]))
    for point in rest:
        path.lineTo(px(point[0]), py(point[1]))
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    for glyph in spec.glyphs:
        canvas.saveState()
        canvas.translate(px(glyph.x), py(glyph.y))
        canvas.rotate(-glyph.rotation)
        font_size = glyph.size * scale
        canvas.setFont(font, font_size)
        canvas.drawCentredString(0, -font_size * 0.36, glyph.char)
        canvas.restoreState()
    font_size = spec.purpose_size * scale
    canvas.setFont(font, font_size)
    canvas.drawCentredString(px(CENTER), py(spec.purpose_y) - font_size * 0.36, spec.purpose)
    canvas.restoreState()
