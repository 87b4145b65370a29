"""The vector seal image: SVG for pages, reportlab drawing for PDFs, deterministic."""

import io
import xml.etree.ElementTree as ET

import pytest
from reportlab.pdfgen import canvas

from tongban.licences.models import Seal
from tongban.licences.seal_image import DEFAULT_PURPOSE, draw_seal, layout, seal_svg, seal_texts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def seal(gz_market_dept):
    return Seal(
        org_unit=gz_market_dept, name="广州市市场监督管理局电子证照专用章", esid="44010020260001"
    )


def test_texts_from_the_department_and_seal_name(seal):
    assert seal_texts(seal) == ("广州市市场监督管理局", "电子证照专用章")
    seal.name = "某某专用章"
    assert seal_texts(seal) == ("广州市市场监督管理局", DEFAULT_PURPOSE)


def test_svg_is_well_formed_and_deterministic(seal):
    svg = seal_svg(seal)
    assert svg == seal_svg(seal)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 200 200"
    assert root.find(f"{SVG}title").text == seal.name
    assert root.find(f".//{SVG}circle") is not None
    star = root.find(f".//{SVG}polygon").get("points").split()
    assert len(star) == 10  # five points, five inner corners
    texts = [node.text for node in root.iter(f"{SVG}text")]
    assert "".join(texts[:-1]) == "广州市市场监督管理局"  # one glyph per character on the arc
    assert texts[-1] == "电子证照专用章"


def test_arc_is_symmetric_and_upper():
    spec = layout("广州市市场监督管理局")
    first, last = spec.glyphs[0], spec.glyphs[-1]
    assert first.rotation == -last.rotation
    assert first.x + last.x == pytest.approx(200, abs=0.02)
    assert all(glyph.y < 100 for glyph in spec.glyphs[1:-1])


def test_names_are_escaped(gz_market_dept):
    seal = Seal(org_unit=gz_market_dept, name='<script>"x"</script>', esid="1")
    svg = seal_svg(seal)
    assert "<script>" not in svg
    ET.fromstring(svg)


def test_reportlab_drawing(seal):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    draw_seal(pdf, 100, 100, 120, seal)
    pdf.showPage()
    pdf.save()
    assert buffer.getvalue().startswith(b"%PDF")
    assert len(buffer.getvalue()) > 1000
