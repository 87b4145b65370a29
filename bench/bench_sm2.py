"""SM2 sign/verify throughput of tongban.core.crypto.sm2 vs `openssl speed sm2`, one run.

    .venv/bin/python bench/bench_sm2.py [--seconds 3]

Prints ops/s for our module (Z cached per key, digest signed by GmSSL), for signing with Z
recomputed on every call (gmssl_pyx.sm2_sign, for comparison), and for OpenSSL on the same
machine, then the ratios ours/openssl. Timings on shared machines are noisy: compare ratios
from the same run, not absolute numbers across runs.
"""

import argparse
import sys
from pathlib import Path

try:
    import tongban  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import gmssl_pyx
from _openssl import sm2_per_s
from _timing import rate

from tongban.core.crypto import sm2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    args = parser.parse_args()

    key = sm2.PrivateKey.generate()
    public = key.public_key
    message = b"x" * 256  # e.g. an audit chain head or a receipt
    signature = key.sign(message)
    assert public.verify(message, signature)
    secret, raw = key._secret, public.raw

    ours_sign = rate(lambda: key.sign(message), args.seconds)
    ours_verify = rate(lambda: public.verify(message, signature), args.seconds)
    z_per_call = rate(lambda: gmssl_pyx.sm2_sign(secret, raw, message), args.seconds)
    ssl_sign, ssl_verify = sm2_per_s(args.seconds)

    print(f"SM2 (256-byte message, {args.seconds}s per measurement, one run)")
    print(f"  ours sign (Z cached)        {ours_sign:10.1f} /s")
    print(f"  ours verify (Z cached)      {ours_verify:10.1f} /s")
    print(f"  sign, Z recomputed per call {z_per_call:10.1f} /s  (gmssl_pyx.sm2_sign)")
    print(f"  openssl speed sm2 sign      {ssl_sign:10.1f} /s")
    print(f"  openssl speed sm2 verify    {ssl_verify:10.1f} /s")
    print(f"sign ratio = ours/openssl = {ours_sign / ssl_sign:.2f}")
    print(f"verify ratio = ours/openssl = {ours_verify / ssl_verify:.2f}")
    print(f"Z caching speed-up (sign) = {ours_sign / z_per_call:.1f}x")


if __name__ == "__main__":
    main()
