"""SM3 throughput of tongban.core.crypto.sm3 vs `openssl speed -evp sm3`, one run.

    .venv/bin/python bench/bench_sm3.py [--seconds 3]

Hashes 8 KiB blocks one call each (like hashing audit events or files chunk by chunk) and
prints MB/s (10^6 bytes) for ours and OpenSSL's, and the ratio ours/openssl.
"""

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

try:
    import tongban  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

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


def openssl_mb_per_s(seconds: int) -> float:
    binary = shutil.which("openssl")
    if not binary:
        raise SystemExit("openssl (OpenSSL 3) must be on PATH")
    output = subprocess.run(
        [binary, "speed", "-seconds", str(seconds), "-bytes", str(BLOCK), "-evp", "sm3"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # "sm3   280371.20k" -- in 1000s of bytes per second
    match = re.search(r"^sm3\s+([\d.]+)k", output, re.MULTILINE)
    if not match:
        raise SystemExit(f"could not parse `openssl speed -evp sm3` output:\n{output}")
    return float(match.group(1)) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    args = parser.parse_args()
    assert sm3.hexdigest(b"abc").startswith("66c7f0f4")
    ours = ours_mb_per_s(args.seconds)
    theirs = openssl_mb_per_s(args.seconds)
    print(f"SM3 on {BLOCK}-byte blocks ({args.seconds}s per measurement, one run)")
    print(f"  ours      {ours:8.1f} MB/s")
    print(f"  openssl   {theirs:8.1f} MB/s")
    print(f"SM3 ratio = ours/openssl = {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
