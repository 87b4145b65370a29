"""Catalogue search latency: the 45 real items vs 10 000 synthetic items, same run.

    .venv/bin/python bench/bench_catalog_search.py [--items 10000] [--repeat 50]

Against a temporary SQLite database (or ``--database-url``), one process:

1. org units of the province and the 45 demo items (``import_catalog``); the search index is
   built once (its build time is printed), then each query of ``QUERIES`` is run ``repeat``
   times through ``tongban.catalog.search.search`` (which includes the revision-token read
   that every search makes) and through the public list API view function;
2. ``--items`` synthetic published items (names combined from real subjects and actions, one
   implementation each) are added, the revision changes, the index is rebuilt and the same
   queries are timed again.

Prints the median latency per query for both sizes and the ratio large/small (1.0 = size
does not matter). Shared machines are noisy: compare ratios from one run.
"""

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django

QUERIES = [
    ("开个体户", {}),
    ("结婚", {}),
    ("公积金 租房", {}),
    ("开公司", {"audience": "legal"}),
    ("营业执照", {"division": "440106"}),
    ("许可", {"zero_visit": True}),
    ("", {"department": "公安局", "online": True}),
]
SUBJECTS = [
    "食品",
    "药品",
    "医疗器械",
    "建筑",
    "道路",
    "水运",
    "燃气",
    "供水",
    "排水",
    "林木",
    "草原",
    "渔业",
    "种子",
    "农药",
    "兽药",
    "饲料",
    "烟草",
    "酒类",
    "文物",
    "出版物",
    "印刷",
    "广告",
    "户外广告",
    "消防",
    "特种设备",
    "计量器具",
    "检验检测",
    "人力资源服务",
    "劳务派遣",
    "民办学校",
    "培训机构",
    "养老机构",
    "幼儿园",
    "殡葬",
    "宗教活动场所",
    "社会团体",
    "民办非企业单位",
    "基金会",
]
ACTIONS = [
    "经营许可",
    "生产许可",
    "设立登记",
    "变更登记",
    "注销登记",
    "备案",
    "许可证核发",
    "许可证延续",
    "许可证变更",
    "资质认定",
    "年度检验",
    "补证",
    "审批",
    "登记",
    "核准",
]
DEPARTMENTS = ["市场监督管理局", "公安局", "民政局", "住房和城乡建设局", "交通运输局", "生态环境局"]


def _time(func, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _measure(repeat: int) -> tuple[float, dict[str, float], float]:
    from django.test import RequestFactory

    from tongban.catalog import api, search

    search.invalidate()
    start = time.perf_counter()
    search.get_index()
    build_s = time.perf_counter() - start
    per_query = {}
    for query, filters in QUERIES:
        per_query[f"{query or '∅'} {filters or ''}".strip()] = _time(
            lambda q=query, f=filters: search.search(q, **f), repeat
        )
    request = RequestFactory().get("/api/v1/catalog/items")
    filters = api.ItemFilterIn(q="开个体户", page_size=20)
    api_s = _time(lambda: api.list_items(request, filters), repeat)
    return build_s, per_query, api_s


def _synthetic_items(count: int, seed: int) -> None:
    from django.db import transaction

    from tongban.catalog.models import Implementation, ItemVersion, ServiceItem
    from tongban.catalog.services import bump_revision
    from tongban.core.models import OrgUnit

    rng = random.Random(seed)
    units = {
        name: list(OrgUnit.objects.filter(kind="department", name=name)) for name in DEPARTMENTS
    }
    with transaction.atomic():
        items = ServiceItem.objects.bulk_create(
            [
                ServiceItem(
                    key=f"synthetic-{n}",
                    basic_code=f"44SYN{n:09d}",
                    name=f"{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}（{n}）",
                    item_type="行政许可",
                    department_name=rng.choice(DEPARTMENTS),
                    level="county",
                    audience=rng.choice(["natural", "legal", "both"]),
                )
                for n in range(count)
            ],
            batch_size=1000,
        )
        if any(item.pk is None for item in items):
            items = list(ServiceItem.objects.filter(key__startswith="synthetic-").order_by("pk"))
        versions = ItemVersion.objects.bulk_create(
            [
                ItemVersion(
                    item=item,
                    number=1,
                    status=ItemVersion.Status.PUBLISHED,
                    handling_type="承诺件",
                    legal_days=20,
                    promised_days=rng.randint(1, 20),
                    max_visits=rng.choice([0, 0, 1]),
                    online=rng.random() < 0.9,
                )
                for item in items
            ],
            batch_size=1000,
        )
        if any(version.pk is None for version in versions):
            versions = list(
                ItemVersion.objects.filter(item__key__startswith="synthetic-").order_by("item_id")
            )
        for item, version in zip(items, versions, strict=True):
            item.current_version = version
        ServiceItem.objects.bulk_update(items, ["current_version"], batch_size=1000)
        Implementation.objects.bulk_create(
            [
                Implementation(
                    item=item,
                    org_unit=rng.choice(units[item.department_name]),
                    implementation_code=f"SYN-{item.pk}",
                    legal_days=20,
                    promised_days=10,
                )
                for item in items
                if units[item.department_name]
            ],
            batch_size=1000,
        )
        bump_revision()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", help="an empty database to use instead of a temporary SQLite file"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-bench-catalog-") as tmp:
        setup_django(Path(tmp), args.database_url)
        from tongban.catalog.importer import import_catalog
        from tongban.catalog.models import ServiceItem
        from tongban.core.orgunits import seed_org_units

        seed_org_units()
        import_catalog()
        small = ServiceItem.objects.count()
        small_build, small_queries, small_api = _measure(args.repeat)

        _synthetic_items(args.items, args.seed)
        large = ServiceItem.objects.count()
        large_build, large_queries, large_api = _measure(args.repeat)

    print(f"catalogue search: {small} items vs {large} items, median of {args.repeat} runs")
    print(f"  index build      {small_build * 1000:9.1f} ms  {large_build * 1000:9.1f} ms")
    for name, small_s in small_queries.items():
        large_s = large_queries[name]
        print(
            f"  {name:<28} {small_s * 1000:7.3f} ms  {large_s * 1000:7.3f} ms  "
            f"ratio {large_s / small_s:6.2f}"
        )
    print(
        f"  API list (page of 20)        {small_api * 1000:7.3f} ms  {large_api * 1000:7.3f} ms  "
        f"ratio {large_api / small_api:6.2f}"
    )
    small_total = sum(small_queries.values())
    large_total = sum(large_queries.values())
    print(f"ratio (all queries, {large} ÷ {small} items): {large_total / small_total:.2f}")


if __name__ == "__main__":
    main()
