"""Licence signature verification throughput vs `openssl speed sm2` verify, one run.

    .venv/bin/python bench/bench_licence_verify.py [--seconds 3] [--database-url URL]

Creates a department seal in a temporary SQLite database (or the given database), signs a
licence-sized canonical JSON document with ``sign_with_seal`` and measures, for the same
signature:

- ``verify_document`` as the verification service calls it (seal certificate checked once
  per process and remembered, then one SM2 verify per document);
- ``verify_document`` with the seal-certificate cache emptied before every call (two SM2
  verifies: the platform's signature on the seal, the seal's on the document);
- a bare SM2 verify of the same TBS bytes (our crypto module);
- ``openssl speed -seconds N sm2`` verify on the same machine.

Ratios are from this one run; the machines are shared and noisy, so compare ratios, not
absolute numbers across runs.
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django_setup import setup_django  # noqa: E402
from _openssl import sm2_per_s  # noqa: E402
from _timing import rate  # noqa: E402


def licence_document() -> dict:
    return {
        "identifier": "1.2.156.3005.2.11100000000013338W032.11440100MB2C00001X.2430599.001.F",
        "type_code": "11100000000013338W032",
        "type_name": "营业执照",
        "number": "2430599",
        "version": 1,
        "holder_name": "广州市天河区某某餐饮店",
        "holder_code": "92440106MA5CXXXX1X",
        "holder_code_type": "001",
        "issuer": "广州市市场监督管理局",
        "issuer_code": "11440100MB2C00001X",
        "issued_on": "2026-03-01",
        "valid_from": "2026-03-01",
        "valid_to": "",
        "fields": {
            "名称": "广州市天河区某某餐饮店",
            "统一社会信用代码": "92440106MA5CXXXX1X",
            "类型": "个体工商户",
            "经营者": "张三",
            "组成形式": "个人经营",
            "注册日期": "2026-03-01",
            "经营场所": "广州市天河区体育西路 1 号",
            "经营范围": "餐饮服务；食品销售（仅销售预包装食品）；外卖递送服务。",
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        setup_django(Path(workdir), args.database_url)
        from tongban.core import signing
        from tongban.core.models import OrgUnit
        from tongban.core.signing import ses
        from tongban.licences.services import seals

        region, _ = OrgUnit.objects.get_or_create(
            code="bench-440100",
            defaults={"name": "广州市", "kind": "city", "division_code": "440100", "path": "/"},
        )
        dept, _ = OrgUnit.objects.get_or_create(
            code="bench-440100-市场监督管理局",
            defaults={
                "name": "市场监督管理局",
                "kind": "department",
                "division_code": "440100",
                "parent": region,
                "path": "/",
            },
        )
        seals.create_seal(dept, actor="bench")
        data = signing.canonical_json(licence_document())
        der, seal_key = seals.sign_with_seal(dept, data, actor="bench", reference="bench")
        check = signing.verify_document(data, der)
        assert check.ok, check.reason
        parsed = signing.parse_signature(der)
        key = seals.public_key(seal_key)

        def cold():
            ses._verified_certs.clear()
            return signing.verify_document(data, der)

        warm_rate = rate(lambda: signing.verify_document(data, der), args.seconds)
        cold_rate = rate(cold, args.seconds)
        bare_rate = rate(lambda: key.verify(parsed.tbs, parsed.signature), args.seconds)
        _ssl_sign, ssl_verify = sm2_per_s(args.seconds)

        print(
            f"Licence signature verification ({len(data)}-byte canonical JSON, "
            f"{len(der)}-byte SES_Signature, {args.seconds}s per measurement, one run)"
        )
        print(f"  verify_document (seal certificate remembered) {warm_rate:10.1f} /s")
        print(f"  verify_document (seal certificate each time)  {cold_rate:10.1f} /s")
        print(f"  bare SM2 verify of the TBS (ours)             {bare_rate:10.1f} /s")
        print(f"  openssl speed sm2 verify                      {ssl_verify:10.1f} /s")
        print(f"verify ratio = verify_document/openssl = {warm_rate / ssl_verify:.2f}")
        print(
            f"cold ratio = verify_document (certificate each time)/openssl = {cold_rate / ssl_verify:.2f}"
        )
        print(
            f"overhead of the structure = bare SM2/verify_document = {bare_rate / warm_rate:.2f}x"
        )


if __name__ == "__main__":
    main()
