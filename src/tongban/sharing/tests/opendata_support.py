"""Test helpers of uploaded datasets and the open data portal: resources with data items,
CSV/XLSX builders and an import run inline."""

import io

import pytest

from tongban.sharing.models import DataItem, Resource
from tongban.sharing.services import imports

PHARMACY_ITEMS = [
    # key, name, type, length, sensitivity, required
    ("name", "药店名称", "string", 50, "public", True),
    ("uscc", "统一社会信用代码", "string", 18, "public", True),
    ("district", "所在区", "string", 20, "public", True),
    ("address", "地址", "string", 100, "public", False),
    ("pharmacists", "执业药师人数", "integer", None, "public", False),
    ("insured", "医保定点", "boolean", None, "public", False),
    ("licensed_on", "许可日期", "date", None, "public", False),
    ("area", "营业面积", "decimal", 8, "public", False),
    ("remark", "内部备注", "string", 100, "internal", False),
]


def make_resource(provider, *, code="440100-YD-001", items=PHARMACY_ITEMS, **fields) -> Resource:
    defaults = {
        "name": "药店名录",
        "classification": "101001",
        "summary": "广州市药品零售企业名录",
        "format": "CSV",
        "share_type": Resource.ShareType.UNCONDITIONAL,
        "open_type": Resource.OpenType.OPEN,
        "backing": Resource.Backing.DATASET,
        "status": Resource.Status.PUBLISHED,
        "topic": "医疗卫生",
        "lookup_key": "uscc",
    }
    defaults.update(fields)
    resource = Resource.objects.create(code=code, provider=provider, **defaults)
    for position, (key, name, kind, length, sensitivity, required) in enumerate(items):
        DataItem.objects.create(
            resource=resource,
            key=key,
            name=name,
            type=kind,
            length=length,
            sensitivity=sensitivity,
            required=required,
            position=position,
        )
    return resource


def valid_usccs(n: int, division: str = "440100") -> list[str]:
    import random

    from tongban.core.codes import generate_uscc

    rng = random.Random(7)
    return [generate_uscc(division_code=division, rng=rng) for _ in range(n)]


def pharmacy_rows(n: int) -> list[list[str]]:
    codes = valid_usccs(n)
    districts = ["天河区", "越秀区", "海珠区", "白云区"]
    return [
        [
            f"测试药店{i + 1}",
            codes[i],
            districts[i % len(districts)],
            f"测试路{i + 1}号",
            str(i % 4 + 1),
            "是" if i % 2 else "否",
            "2024-03-01",
            f"{80 + i}.5",
            "",
        ]
        for i in range(n)
    ]


HEADER = [item[1] for item in PHARMACY_ITEMS]


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_import(resource, actor, content: bytes, name="pharmacies.csv", note=""):
    """Start an import and run it inline (the task backend runs after commit in pages)."""
    job = imports.start_import_bytes(resource, name=name, content=content, note=note, actor=actor)
    finished = imports.run_import(job.pk)  # None when the task already ran after commit
    if finished is None:
        job.refresh_from_db()
        return job
    return finished


def published_dataset(provider, actor, *, rows=5, code="440100-YD-001", **fields):
    """A resource with ``rows`` imported pharmacy rows, published on the portal by ``actor``
    (needs ``sharing.publish_dataset`` in ``provider``)."""
    from tongban.sharing.services import opendata

    resource = make_resource(provider, code=code, **fields)
    job = run_import(resource, actor, csv_bytes(pharmacy_rows(rows)))
    assert job.status == "accepted", job.rejections
    return opendata.publish_dataset(resource, actor=actor, tags=["药店", "医保"])


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded dataset files go to the test's own folder (import it into a test module to
    activate it there)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
