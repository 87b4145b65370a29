"""Concurrent writers never fork the chain (SQLite and PostgreSQL).

N threads × M appends, each append in its own transaction, then the chain must verify and
``seq`` must be gapless. On SQLite the test runs against a temporary *file* database with the
project's connection options (WAL, ``BEGIN IMMEDIATE``), as in production: the shared-cache
in-memory database used by the test run locks per table and would not show the real
behaviour.
"""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from tongban.core import audit
from tongban.core.models import AuditCheckpoint, AuditEvent

THREADS = 4
APPENDS = 10


@contextmanager
def isolated_database(tmp_path):
    """Yield a factory of connections to the database the threads should use."""
    original = connections["default"]
    if original.vendor != "sqlite":
        yield None
        return
    settings_dict = {**original.settings_dict, "NAME": str(tmp_path / "audit-threads.sqlite3")}
    wrapper = original.__class__(settings_dict, "default")
    connections["default"] = wrapper
    try:
        with wrapper.schema_editor() as editor:
            editor.create_model(AuditEvent)
            editor.create_model(AuditCheckpoint)
        yield lambda: original.__class__(settings_dict, "default")
    finally:
        wrapper.close()
        connections["default"] = original


def _writer(barrier, errors, worker, make_connection):
    if make_connection is not None:
        connections["default"] = make_connection()
    try:
        barrier.wait()
        for i in range(APPENDS):
            with transaction.atomic():
                audit.record("core.thing_done", actor=f"writer-{worker}", data={"i": i})
    except Exception as exc:  # noqa: BLE001 - collected and asserted below
        errors.append(exc)
    finally:
        connections["default"].close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_gapless_chain(tmp_path):
    with isolated_database(tmp_path) as make_connection:
        barrier = threading.Barrier(THREADS)
        errors: list[Exception] = []
        threads = [
            threading.Thread(target=_writer, args=(barrier, errors, n, make_connection))
            for n in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
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
