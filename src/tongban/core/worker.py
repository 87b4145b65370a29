"""Task-worker companions: heartbeat (for /healthz) and the periodic-task scheduler.

``tongban worker`` runs django-tasks-db's worker loop and, in a side thread, writes a
heartbeat row and enqueues periodic tasks listed in ``settings.PERIODIC_TASKS``
(``{"dotted.path.to.task": interval_seconds}``). Several workers may run: a periodic run is
claimed with one conditional UPDATE, so it is enqueued once.
"""

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from tongban.core.models import PeriodicRun, WorkerHeartbeat

logger = logging.getLogger(__name__)


def beat(worker_id: str, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": timezone.now(),
        },
    )


def latest_heartbeat() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-last_seen").first()


def enqueue_due_periodic_tasks(now=None) -> list[str]:
    """Enqueue every periodic task whose interval has passed; return the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for name, seconds in getattr(settings, "PERIODIC_TASKS", {}).items():
        PeriodicRun.objects.get_or_create(name=name)
        due_before = now - timedelta(seconds=seconds)
        with transaction.atomic():
            claimed = PeriodicRun.objects.filter(
                Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=due_before), name=name
            ).update(last_enqueued_at=now)
            if claimed == 1:
                task = import_string(name)
                transaction.on_commit(task.enqueue)
                enqueued.append(name)
    for name in enqueued:
        logger.info("periodic task enqueued: %s", name)
    return enqueued
