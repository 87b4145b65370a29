"""Batch licence issuance per second ÷ raw SM2 sign rate, one run (the cost of everything else).

    .venv/bin/python bench/bench_licence_issuance.py [--licences 2000] [--database-url URL]

Builds a department with a seal and the licence directory in a temporary SQLite database (or
the given database), writes a CSV of ``--licences`` 居民身份证 rows (valid generated ID
numbers) and imports it with ``import_licences_csv(dry_run=False)`` — every row checked,
then issued in one transaction: number claimed under a row lock, GB/T 36904 identifier,
canonical JSON, SM3 + SM2 signature in an ``SES_Signature``-like DER through
``sign_with_seal`` (key decrypted per use), the licence row, two audit events (seal use,
issuance) and the SMS outbox row. The issue asks for 10 000 (``--licences 10000``); the
default is smaller so a run takes a minute on a shared machine.

The baseline signs the same canonical JSON of one licence with the bare SM2 key for a few
seconds in the same process. The ratio ``sign rate / issuance rate`` says how many raw SM2
signatures one issued licence costs. Shared machines are noisy: read the ratio of one run.
"""

import argparse
import datetime
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django_setup import setup_django  # noqa: E402


def build_world():
    from tongban.licences.services.seals import create_seal
    from tongban.licences.services.types import import_licence_types
    from tongban.testing.factories import OrgUnitFactory

    def unit(code, name, kind, division, parent=None):
        return OrgUnitFactory(
            code=code, name=name, kind=kind, division_code=division, parent=parent
        )

    province = unit("440000", "广东省", "province", "440000")
    city = unit("440100", "广州市", "city", "440100", province)
    police = unit("440100-公安局", "公安局", "department", "440100", city)
    import_licence_types()
    seal = create_seal(police, actor="bench")
    return police, seal


def csv_rows(count: int, seed: int = 7) -> bytes:
    from tongban.core.codes import generate_citizen_id

    rng = random.Random(seed)
    lines = ["持证主体,持证主体代码,性别,民族,出生,住址"]
    for n in range(count):
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 20000))
        sex = rng.choice("MF")
        id_number = generate_citizen_id(division_code="440106", birth_date=birth, sex=sex, rng=rng)
        gender = "男" if sex == "M" else "女"
        lines.append(
            f"测试{n},{id_number},{gender},汉,{birth.isoformat()},广州市天河区体育西路{n}号"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def issuance_rate(issuer, count: int) -> float:
    from tongban.licences.models import Licence, LicenceType
    from tongban.licences.services.issuing import import_licences_csv

    data = csv_rows(count)
    licence_type = LicenceType.objects.get(key="resident-id")
    before = Licence.objects.count()
    start = time.perf_counter()
    report = import_licences_csv(
        data, licence_type=licence_type, issuer=issuer, actor="bench", dry_run=False
    )
    elapsed = time.perf_counter() - start
    assert report.imported == count and Licence.objects.count() == before + count
    return count / elapsed


def raw_sign_rate(seal, seconds: float) -> float:
    from tongban.licences.models import Licence
    from tongban.licences.services.seals import active_seal_key, signing_key

    key = signing_key(active_seal_key(seal.org_unit))
    data = bytes(Licence.objects.order_by("pk").first().signed_data)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            key.sign(data)
        count += 50
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--licences", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=3.0, help="raw sign measuring time")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tongban-bench-") as tmp:
        setup_django(Path(tmp), args.database_url)
        from django.db import connection

        issuer, seal = build_world()
        issuance_rate(issuer, max(10, args.licences // 50))  # warm-up
        issued = issuance_rate(issuer, args.licences)
        signs = raw_sign_rate(seal, args.seconds)
        print(f"batch licence issuance, {args.licences} licences ({connection.vendor})")
        print(f"  issued licences/s       {issued:10.1f}")
        print(f"  raw SM2 signatures/s    {signs:10.1f}")
        print(
            f"  ratio sign/issue        {signs / issued:10.1f}  "
            "(raw signatures per issued licence: the cost of everything else)"
        )


if __name__ == "__main__":
    main()
