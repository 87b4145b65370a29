"""`openssl speed` on the same machine, the yardstick of the crypto benchmarks.

``sm2_per_s`` returns OpenSSL's SM2 sign and verify operations per second; ``sm3_mb_per_s``
its SM3 throughput (MB/s, 10^6 bytes) on blocks of a given size.
"""

import re
import shutil
import subprocess


def speed(*args: str, seconds: int) -> str:
    """The output of ``openssl speed -seconds N ARGS``; exits when OpenSSL is missing."""
    binary = shutil.which("openssl")
    if not binary:
        raise SystemExit("openssl (OpenSSL 3) must be on PATH")
    return subprocess.run(
        [binary, "speed", "-seconds", str(seconds), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _parse(pattern: str, output: str, command: str) -> re.Match:
    match = re.search(pattern, output, re.MULTILINE)
    if not match:
        raise SystemExit(f"could not parse `{command}` output:\n{output}")
    return match


def sm2_per_s(seconds: int) -> tuple[float, float]:
    """(sign/s, verify/s) of ``openssl speed sm2``."""
    output = speed("sm2", seconds=seconds)
    # " 256 bits SM2 (CurveSM2)   0.0004s   0.0004s   2546.5   2806.1"
    match = _parse(
        r"SM2 \(CurveSM2\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", output, "openssl speed sm2"
    )
    return float(match.group(1)), float(match.group(2))


def sm3_mb_per_s(seconds: int, block: int) -> float:
    """MB/s of ``openssl speed -evp sm3`` on ``block``-byte blocks."""
    output = speed("-bytes", str(block), "-evp", "sm3", seconds=seconds)
    # "sm3   280371.20k" -- in 1000s of bytes per second
    match = _parse(r"^sm3\s+([\d.]+)k", output, "openssl speed -evp sm3")
    return float(match.group(1)) / 1000
