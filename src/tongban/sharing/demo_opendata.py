"""Demo open datasets of the demo province, called by the demo province seed (idempotent).

Three dataset-backed resources of 广州市 departments, imported through the real import
service and published on the portal (institutions only, nothing personal; the rows are
invented demo data and say so in their summary):

* 广州市药品零售企业名录 (市场监督管理局, gz_admin): two versions, so the portal shows an
  earlier version still downloadable;
* 广州市市场监管业务办理窗口 (市场监督管理局);
* 广州市养老机构名录 (民政局, gz_mca_admin).

The 广州市 population registry resource is put on the 不予开放 list by the operator.
"""

import csv
import io
import random

from tongban.core import orgunits
from tongban.core.codes import generate_uscc
from tongban.identity.models import User
from tongban.sharing.models import NegativeListEntry, OpenDataset, Resource
from tongban.sharing.services import catalogue, datasets, imports, opendata

DISTRICTS = [
    ("440103", "荔湾区"),
    ("440104", "越秀区"),
    ("440105", "海珠区"),
    ("440106", "天河区"),
    ("440111", "白云区"),
    ("440112", "黄埔区"),
    ("440113", "番禺区"),
    ("440114", "花都区"),
    ("440115", "南沙区"),
    ("440117", "从化区"),
    ("440118", "增城区"),
]
ROADS = ["一路", "二路", "三路", "东街", "西街", "南路", "北路", "大道"]
DEMO_NOTE = "（演示数据，非真实信息）"


def _item(key, name, kind="string", length=None, required=False, sensitivity="public"):
    return {
        "key": key,
        "name": name,
        "type": kind,
        "length": length,
        "required": required,
        "sensitivity": sensitivity,
    }


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _address(rng: random.Random, district: str) -> str:
    return f"广州市{district}示范{rng.choice(ROADS)}{rng.randint(1, 300)}号"


def _pharmacy_rows(count: int) -> list[list]:
    rng = random.Random(4401)
    rows = []
    for i in range(count):
        code, district = DISTRICTS[i % len(DISTRICTS)]
        rows.append(
            [
                f"{district[:-1]}康民大药房第{i + 1}分店",
                generate_uscc(division_code=code, rng=rng),
                district,
                _address(rng, district),
                "是" if rng.random() < 0.7 else "否",
                rng.randint(1, 4),
                f"{rng.randint(40, 400)}.{rng.randint(0, 9)}",
            ]
        )
    return rows


def _window_rows() -> list[list]:
    rng = random.Random(4402)
    return [
        [
            f"{district}政务服务中心市场监管窗口",
            district,
            _address(rng, district),
            rng.randint(2, 12),
            "周一至周五 9:00-12:00，13:00-17:00",
            "是",
        ]
        for _code, district in DISTRICTS
    ]


def _elderly_rows() -> list[list]:
    rng = random.Random(4403)
    rows = []
    for i in range(24):
        _code, district = DISTRICTS[i % len(DISTRICTS)]
        rows.append(
            [
                f"{district[:-1]}颐康养老院{i // len(DISTRICTS) + 1}号院",
                district,
                _address(rng, district),
                rng.choice([60, 80, 120, 150, 200, 300]),
                "是" if rng.random() < 0.5 else "否",
            ]
        )
    return rows


PHARMACY_ITEMS = [
    _item("name", "企业名称", length=100, required=True),
    _item("uscc", "统一社会信用代码", length=18, required=True),
    _item("district", "所在区", length=20, required=True),
    _item("address", "经营地址", length=200),
    _item("insured", "医保定点", "boolean"),
    _item("pharmacists", "执业药师人数", "integer"),
    _item("area", "营业面积（平方米）", "decimal", length=8),
]
WINDOW_ITEMS = [
    _item("name", "窗口名称", length=100, required=True),
    _item("district", "所在区", length=20, required=True),
    _item("address", "地址", length=200, required=True),
    _item("windows", "窗口数", "integer"),
    _item("hours", "办公时间", length=100),
    _item("business_licence", "可办理营业执照", "boolean"),
]
ELDERLY_ITEMS = [
    _item("name", "机构名称", length=100, required=True),
    _item("district", "所在区", length=20, required=True),
    _item("address", "地址", length=200),
    _item("beds", "床位数", "integer"),
    _item("medical", "医养结合", "boolean"),
]

# code, name, department, admin, topic, summary, items, versions [(rows, note)], tags
DATASETS = [
    (
        "440100-OD-YPLS",
        "广州市药品零售企业名录",
        "市场监督管理局",
        "gz_admin",
        "医疗卫生",
        "广州市持有药品经营许可证的零售药店：名称、统一社会信用代码、所在区、地址、"
        "是否医保定点、执业药师人数、营业面积。",
        PHARMACY_ITEMS,
        [(_pharmacy_rows(30), "首次发布"), (_pharmacy_rows(36), "2026年第三季度更新")],
        ["药店", "医保"],
    ),
    (
        "440100-OD-SCJGCK",
        "广州市市场监管业务办理窗口",
        "市场监督管理局",
        "gz_admin",
        "政务服务",
        "各区政务服务中心的市场监管业务窗口：地址、窗口数、办公时间。",
        WINDOW_ITEMS,
        [(_window_rows(), "首次发布")],
        ["政务服务大厅", "营业执照"],
    ),
    (
        "440100-OD-YLJG",
        "广州市养老机构名录",
        "民政局",
        "gz_mca_admin",
        "社会保障",
        "已备案的养老机构：名称、所在区、地址、床位数、是否医养结合。",
        ELDERLY_ITEMS,
        [(_elderly_rows(), "首次发布")],
        ["养老"],
    ),
]


def _header(items) -> list[str]:
    return [item["name"] for item in items]


def seed(report) -> None:
    """Add demo rows; ``report.add(line)`` records what was done."""
    for code, name, department, admin_name, topic, summary, items, versions, tags in DATASETS:
        provider = orgunits.department_unit("440100", department)
        admin = User.objects.filter(username=admin_name).first()
        if provider is None or admin is None:
            report.add(f"opendata: skipped {code} (no {department} or {admin_name})")
            continue
        resource = Resource.objects.filter(code=code).first()
        if resource is None:
            resource = catalogue.register_resource(
                actor=None,
                provider=provider,
                code=code,
                name=name,
                classification="201001",
                items=items,
                share_type=Resource.ShareType.UNCONDITIONAL,
                backing=Resource.Backing.DATASET,
                summary=summary + DEMO_NOTE,
                format="CSV",
                open_type=Resource.OpenType.OPEN,
                update_cycle=Resource.UpdateCycle.QUARTERLY,
                topic=topic,
                lookup_key="uscc" if any(i["key"] == "uscc" for i in items) else "",
                publish=True,
            )
            report.add(f"opendata: resource {code}")
        have = datasets.accepted_versions(resource).count()
        for rows, note in versions[have:]:
            job = imports.start_import_bytes(
                resource,
                name=f"{code}.csv",
                content=_csv(_header(items), rows),
                note=note,
                actor=admin,
            )
            job = imports.run_import(job.pk) or job
            job.refresh_from_db()
            report.add(f"opendata: {code} import {job.status} ({job.rows_read} rows)")
        if not OpenDataset.objects.filter(resource=resource).exists():
            opendata.publish_dataset(resource, actor=admin, tags=tags)
            report.add(f"opendata: published {code}")
    _seed_negative_list(report)


def _seed_negative_list(report) -> None:
    operator = User.objects.filter(username="operator").first()
    population = (
        Resource.objects.filter(backing=Resource.Backing.PERSON_REGISTRY, code__startswith="440100")
        .order_by("code")
        .first()
    )
    if operator is None or population is None:
        return
    if NegativeListEntry.objects.filter(resource=population).exists():
        return
    opendata.add_to_negative_list(
        population,
        actor=operator,
        reason="含公民个人信息，不予开放",
        legal_basis="《中华人民共和国个人信息保护法》",
    )
    report.add(f"opendata: negative list {population.code}")
