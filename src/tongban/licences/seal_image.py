"""The round red seal of a licence ``Seal`` (电子印章印模).

The drawing itself is shared with other seals and lives in
:mod:`tongban.core.signing.seal_image`; this module applies it to a ``Seal``:
``seal_svg(seal)`` for web pages (and as the picture inside the seal certificate) and
``draw_seal(canvas, x, y, size, seal)`` for reportlab PDFs. The department's full name goes
along the upper arc, the purpose (e.g. "电子证照专用章", default "电子印章") below the star.
"""

from __future__ import annotations

from tongban.core.signing.seal_image import (  # noqa: F401  (re-exported)
    DEFAULT_PURPOSE,
    Glyph,
    SealLayout,
    draw_layout,
    layout,
    split_seal_name,
    svg_for,
)


def seal_texts(seal) -> tuple[str, str]:
    """(text along the arc, purpose text below) for a ``Seal``."""
    unit = seal.org_unit
    return split_seal_name(unit.full_name if unit is not None else None, seal.name)


def seal_svg(seal) -> str:
    """The seal's image as SVG text (deterministic)."""
    top, purpose = seal_texts(seal)
    return svg_for(top, purpose, title=seal.name)


def draw_seal(canvas, x: float, y: float, size: float, seal, *, font_name: str | None = None):
    """Draw the seal on a reportlab canvas in the square with lower-left corner (x, y)."""
    top, purpose = seal_texts(seal)
    draw_layout(canvas, x, y, size, layout(top, purpose), font_name=font_name)
