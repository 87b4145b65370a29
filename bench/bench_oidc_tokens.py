"""Client-credentials token grants per second per core, beside Keycloak's sizing figure.

    .venv/bin/python bench/bench_oidc_tokens.py [--requests 2000] [--seconds 10]

Runs the real /o/token/ endpoint in-process (Django's test client, one thread, so one
core) against a temporary SQLite database: HTTP Basic client authentication, scope check
against the client's approved policy, token generation and storage (hashed at rest).
Stops after ``--requests`` grants or ``--seconds``, whichever comes first, and prints the
rate per CPU-second of this process next to Keycloak's sizing guide, which plans
120 client-credentials grants per second per vCPU. Shared machines are noisy: compare the
ratio from one run, not absolute numbers across runs.
"""

import argparse
import base64
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django

KEYCLOAK_GRANTS_PER_VCPU = 120  # Keycloak "Concepts for sizing CPU and memory resources"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-bench-oidc-") as tmp:
        setup_django(Path(tmp))
        from django.test import Client
        from oauth2_provider.models import AccessToken

        from tongban.identity.oidc import services

        app, secret = services.register_client(
            actor=None,
            name="bench machine client",
            kind="machine",
            scopes=["codes:validate", "registries:read"],
        )
        auth = "Basic " + base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()
        client = Client()

        def grant():
            response = client.post(
                "/o/token/",
                {"grant_type": "client_credentials", "scope": "codes:validate"},
                HTTP_AUTHORIZATION=auth,
            )
            if response.status_code != 200:
                raise SystemExit(
                    f"token request failed: {response.status_code} {response.content!r}"
                )

        for _ in range(50):  # warm-up: imports, key loading, connection
            grant()

        done = 0
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        deadline = wall_start + args.seconds
        while done < args.requests and time.perf_counter() < deadline:
            grant()
            done += 1
        wall = time.perf_counter() - wall_start
        cpu = time.process_time() - cpu_start
        issued = AccessToken.objects.count()

    per_core = done / cpu if cpu else float("nan")
    print(
        f"client-credentials grants: {done} in {wall:.2f} s wall, {cpu:.2f} s CPU "
        f"({issued} tokens stored, SQLite, in-process, 1 thread)"
    )
    print(f"  ours      {per_core:8.1f} grants/s per core (CPU time)   {done / wall:8.1f}/s wall")
    print(f"  Keycloak  {KEYCLOAK_GRANTS_PER_VCPU:8.1f} grants/s per vCPU (sizing guide)")
    print(f"  ratio ours/Keycloak = {per_core / KEYCLOAK_GRANTS_PER_VCPU:.2f}")


if __name__ == "__main__":
    main()
