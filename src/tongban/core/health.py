"""Health checks for /healthz: database, task worker heartbeat, storage.

The worker check passes when a worker wrote a heartbeat within
``settings.WORKER_HEARTBEAT_MAX_AGE`` seconds, or when the task backend runs tasks
inline (no worker needed, e.g. in tests).
"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from tongban.core import worker

INLINE_BACKENDS = {"django_tasks.backends.immediate.ImmediateBackend"}


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - report any failure
        return {"ok": False, "error": exc.__class__.__name__}


def check_worker() -> dict:
    if settings.TASKS["default"]["BACKEND"] in INLINE_BACKENDS:
        return {"ok": True, "mode": "inline"}
    try:
        heartbeat = worker.latest_heartbeat()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    if heartbeat is None:
        return {"ok": False, "error": "no_heartbeat"}
    age = (timezone.now() - heartbeat.last_seen).total_seconds()
    ok = age <= settings.WORKER_HEARTBEAT_MAX_AGE
    return {"ok": ok, "last_seen_seconds_ago": int(age), **({} if ok else {"error": "stale"})}


def check_storage() -> dict:
    name = f"healthz/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(saved)
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}


def run_checks() -> dict:
    return {"database": check_database(), "worker": check_worker(), "storage": check_storage()}
