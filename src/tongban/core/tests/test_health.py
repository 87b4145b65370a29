from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import task

from tongban.core import worker
from tongban.core.models import PeriodicRun, WorkerHeartbeat

CALLS = []


@task()
def noop_periodic():
    CALLS.append(timezone.now())


DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_healthz_ok_with_inline_tasks(client, db):
    body = client.get("/healthz").json()
    assert body["ok"] is True
    assert body["checks"]["worker"] == {"ok": True, "mode": "inline"}
    assert body["checks"]["storage"]["ok"] is True


def test_healthz_fails_without_worker_heartbeat(client, db, settings):
    settings.TASKS = DB_BACKEND
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["error"] == "no_heartbeat"


def test_healthz_ok_with_fresh_heartbeat_and_fails_when_stale(client, db, settings):
    settings.TASKS = DB_BACKEND
    worker.beat("w1", timezone.now())
    assert client.get("/healthz").status_code == 200
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["error"] == "stale"


def test_periodic_task_enqueued_once_per_interval(db, settings, django_capture_on_commit_callbacks):
    settings.PERIODIC_TASKS = {"tongban.core.tests.test_health.noop_periodic": 3600}
    CALLS.clear()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert worker.enqueue_due_periodic_tasks(now) == [
            "tongban.core.tests.test_health.noop_periodic"
        ]
        assert worker.enqueue_due_periodic_tasks(now + timedelta(minutes=5)) == []
    assert len(CALLS) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert len(worker.enqueue_due_periodic_tasks(now + timedelta(hours=1, seconds=1))) == 1
    assert len(CALLS) == 2
    assert PeriodicRun.objects.get().last_enqueued_at == now + timedelta(hours=1, seconds=1)


@pytest.mark.parametrize("path", ["/", "/healthz"])
def test_public_pages_answer_in_chinese(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
