"""Concurrent writers never fork the chain (SQLite and PostgreSQL).

N threads × M appends, each append in its own transaction, then the chain must verify and
``seq`` must be gapless. On SQLite the threads share a temporary *file* database with the
project's connection options (``tongban.testing.concurrency``), as in production.
"""

import pytest
from django.db import connection, transaction

from tongban.core import audit
from tongban.core.models import AuditCheckpoint, AuditEvent
from tongban.testing.concurrency import thread_database

THREADS = 4
APPENDS = 10


def _append(worker: int) -> None:
    for i in range(APPENDS):
        with transaction.atomic():
            audit.record("core.thing_done", actor=f"writer-{worker}", data={"i": i})


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_gapless_chain(tmp_path):
    with thread_database(tmp_path, models=[AuditEvent, AuditCheckpoint]) as database:
        errors = database.run(_append, threads=THREADS)
        assert errors == []
        seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, THREADS * APPENDS + 1))
        result = audit.verify_chain()
        assert result.ok, result.summary
        assert result.count == THREADS * APPENDS
        per_writer: dict[str, int] = {}
        for name in AuditEvent.objects.values_list("actor_name", flat=True):
            per_writer[name] = per_writer.get(name, 0) + 1
        assert per_writer == {f"writer-{n}": APPENDS for n in range(THREADS)}
        assert connection.vendor in ("sqlite", "postgresql")
