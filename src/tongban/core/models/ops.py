"""Operational state: task-worker heartbeats and periodic-task bookkeeping."""

from django.db import models


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class PeriodicRun(models.Model):
    """When a periodic task was last enqueued; claimed with a conditional UPDATE so that
    several workers never enqueue the same run twice."""

    name = models.CharField(max_length=200, primary_key=True)
    last_enqueued_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name
