"""SM3 throughput of tongban.core.crypto.sm3 vs `openssl speed -evp sm3`, one run.

    .venv/bin/python bench/bench_sm3.py [--seconds 3]

Hashes 8 KiB blocks one call each (like hashing audit events or files chunk by chunk) and
prints MB/s (10^6 bytes) for ours and OpenSSL's, and the ratio ours/openssl.
"""

import argparse
import sys
import time
from pathlib import Path

try:
    import tongban  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _openssl import sm3_mb_per_s

from tongban.core.crypto import sm3

BLOCK = 8192


def ours_mb_per_s(seconds: float) -> float:
    block = bytes(range(256)) * (BLOCK // 256)
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(100):
            sm3.digest(block)
        count += 100
        now = time.perf_counter()
        if now >= deadline:
            return count * BLOCK / (now - start) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    args = parser.parse_args()
    assert sm3.hexdigest(b"abc").startswith("66c7f0f4")
    ours = ours_mb_per_s(args.seconds)
    theirs = sm3_mb_per_s(args.seconds, BLOCK)
    print(f"SM3 on {BLOCK}-byte blocks ({args.seconds}s per measurement, one run)")
    print(f"  ours      {ours:8.1f} MB/s")
    print(f"  openssl   {theirs:8.1f} MB/s")
    print(f"SM3 ratio = ours/openssl = {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
