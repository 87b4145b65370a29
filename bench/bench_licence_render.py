"""Licence PDF render time ÷ an empty reportlab A4 page (the cost of layout), one run.

    .venv/bin/python bench/bench_licence_render.py [--seconds 3] [--database-url URL]

Imports the licence types, creates a seal for a department and issues one 营业执照 in a
temporary SQLite database (or the given database), then measures in the same process:

- ``build_pdf`` — a full render without the cache: title, holder, fields in layout order with
  CJK line breaking, the vector seal, the QR code of the verification URL (which carries a
  freshly signed offline payload) and the subset CJK font embedded;
- ``build_pdf`` with a share's purpose watermark tiled over the page;
- ``render_pdf`` on a cache hit (the file read back from private media);
- the parts: the verification URL alone (payload + SM2 signature), the QR code drawn alone;
- the baseline: an empty A4 page (``Canvas(...).showPage(); save()``).

The CJK font is registered once before timing (as in a running server). Shared machines are
noisy: compare the ratios of one run, not absolute numbers across runs.
"""

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django_setup import setup_django  # noqa: E402


def per_call(operation, seconds: float) -> float:
    """Mean seconds per call over about ``seconds`` of calls (at least 3)."""
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        operation()
        count += 1
        now = time.perf_counter()
        if now >= deadline and count >= 3:
            return (now - start) / count


def empty_page() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def issue_one():
    from tongban.core.models import OrgUnit, RoleAssignment
    from tongban.identity.models import User
    from tongban.licences.services import issuing, seals, types

    region = OrgUnit.objects.create(
        code="bench-440100", name="广州市", kind="city", division_code="440100", path="/"
    )
    dept = OrgUnit.objects.create(
        code="bench-440100-市场监督管理局",
        name="市场监督管理局",
        kind="department",
        division_code="440100",
        parent=region,
        path="/",
    )
    issuer = User.objects.create(username="bench_issuer", name="签发员", kind=User.Kind.STAFF)
    RoleAssignment.objects.create(user=issuer, org_unit=dept, role="approver")
    types.import_licence_types()
    seals.create_seal(dept, actor="bench")
    uscc = "92440106MA5CXBPK4G"
    from tongban.core.codes import validate

    if not validate("uscc", uscc).valid:  # keep the bench independent of one fixed code
        from random import Random

        from tongban.core.codes.uscc import generate_uscc

        uscc = generate_uscc(division_code="440100", authority="9", entity_type="2", rng=Random(1))
    fields = {
        "entity_name": "广州市天河区某某餐饮店",
        "uscc": uscc,
        "entity_type": "个体工商户",
        "legal_rep": "张三",
        "registered_capital": "10",
        "established_on": "2026-03-01",
        "address": "广东省广州市天河区体育西路1号首层自编101",
        "business_scope": "餐饮服务；食品销售（仅销售预包装食品）；外卖递送服务；"
        "日用百货销售；烟草制品零售。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
    }
    return issuing.issue_licence(
        licence_type="business-licence",
        issuer=dept,
        holder_type="legal",
        holder_name=fields["entity_name"],
        holder_code=uscc,
        fields=fields,
        actor=issuer,
        notify=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        setup_django(Path(workdir), args.database_url)
        from django.conf import settings

        from tongban.licences.services import rendering

        settings.PRIVATE_MEDIA_ROOT = Path(workdir) / "private"
        licence = issue_one()
        rendering.register_font()
        watermark = rendering.share_watermark("办理银行开户")
        url = rendering.verification_url(licence)
        rendering.render_pdf(licence)  # fill the cache

        def qr_only():
            from reportlab.lib.pagesizes import A4
            from reportlab.pdfgen.canvas import Canvas

            canvas = Canvas(io.BytesIO(), pagesize=A4, invariant=1)
            rendering._draw_qr(canvas, url, 40, 40, 112)
            canvas.showPage()
            canvas.save()

        baseline = per_call(empty_page, args.seconds)
        full = per_call(lambda: rendering.build_pdf(licence), args.seconds)
        marked = per_call(lambda: rendering.build_pdf(licence, watermark=watermark), args.seconds)
        cached = per_call(lambda: rendering.render_pdf(licence), args.seconds)
        url_cost = per_call(lambda: rendering.verification_url(licence), args.seconds)
        qr_cost = per_call(qr_only, args.seconds)
        size = len(rendering.build_pdf(licence))

        ms = 1000.0
        print(
            f"Licence PDF rendering (营业执照, {len(licence.fields)} fields, {size} bytes, "
            f"{args.seconds:g}s per measurement, one run)"
        )
        print(f"  empty reportlab A4 page                 {baseline * ms:9.3f} ms")
        print(f"  build_pdf (no cache)                    {full * ms:9.3f} ms")
        print(f"  build_pdf with purpose watermark        {marked * ms:9.3f} ms")
        print(f"  render_pdf cache hit                    {cached * ms:9.3f} ms")
        print(f"    of which: verification URL (signed)   {url_cost * ms:9.3f} ms")
        print(f"    of which: QR code on an empty page    {qr_cost * ms:9.3f} ms")
        print(f"render ratio = build_pdf/empty page = {full / baseline:.1f}")
        print(f"watermark ratio = watermarked/empty page = {marked / baseline:.1f}")
        print(f"cache ratio = cache hit/empty page = {cached / baseline:.2f}")


if __name__ == "__main__":
    main()
