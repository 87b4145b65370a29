"""The system ``openssl`` in tests: OpenSSL alone must verify the platform's SM2 signatures
(licences, payment receipts). Tests that need it call
``skip_unless(shutil.which("openssl") is not None, ...)`` first."""

from __future__ import annotations

import subprocess

DISTID = "1234567812345678"  # the default SM2 signer ID (GB/T 32918), passed explicitly


def openssl(*args, cwd) -> subprocess.CompletedProcess:
    """Run the system ``openssl`` in ``cwd`` (text output captured)."""
    return subprocess.run(  # noqa: S603 - fixed program, arguments from the test itself
        ["openssl", *args],  # noqa: S607
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def openssl_verifies(
    cwd, *, public_key="seal-public.pem", signature="signature.der", data="tbs.der"
) -> bool:
    """True when OpenSSL alone verifies the SM2 signature (default SM2 ID) over ``data``, with
    the file names of an export bundle (``core.signing.openssl_bundle``) by default."""
    verified = openssl(
        "dgst",
        "-sm3",
        "-verify",
        public_key,
        "-sigopt",
        f"distid:{DISTID}",
        "-signature",
        signature,
        data,
        cwd=cwd,
    )
    return verified.returncode == 0 and "Verified OK" in verified.stdout
