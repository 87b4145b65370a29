"""`tongban worker`: the background task worker with heartbeat and periodic tasks."""

import threading

from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from tongban.core import worker

HEARTBEAT_SECONDS = 30


class Command(db_worker.Command):
    help = "运行后台任务进程（含心跳与定时任务）。Run the task worker with heartbeat and periodic tasks."

    def handle(self, *args, **options):
        options["reload"] = False  # the side thread must live in the process that works
        stop = threading.Event()
        thread = threading.Thread(
            target=self._companion, args=(options["worker_id"], stop), daemon=True
        )
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()

    def _companion(self, worker_id: str, stop: threading.Event) -> None:
        started_at = timezone.now()
        while not stop.is_set():
            try:
                worker.beat(worker_id, started_at)
                worker.enqueue_due_periodic_tasks()
            except Exception:  # noqa: BLE001 - a hiccup must not kill the worker
                worker.logger.exception("worker heartbeat/scheduler failed")
            finally:
                close_old_connections()
            stop.wait(HEARTBEAT_SECONDS)
