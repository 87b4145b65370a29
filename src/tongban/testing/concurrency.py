"""Run service code in several threads at once against a real database.

On SQLite the threads share a temporary *file* database opened with the project's
connection options (WAL, ``BEGIN IMMEDIATE``), as in production: the shared-cache
in-memory database of the test run locks per table and would not show the real behaviour.
On PostgreSQL the test database is used as it is (each thread opens its own connection).

Use it from a ``django_db(transaction=True)`` test::

    with thread_database(tmp_path) as database:
        ...  # set-up rows, written to the database the threads will use
        errors = database.run(work, threads=4)  # work(worker) runs in each thread
        assert errors == []
"""

import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.apps import apps
from django.db import connections


class ThreadDatabase:
    """The database the worker threads use; ``run`` starts them together."""

    def __init__(self, make_connection: Callable | None):
        self._make_connection = make_connection

    def run(self, work: Callable[[int], object], *, threads: int) -> list[Exception]:
        """Call ``work(worker)`` for ``worker`` in ``range(threads)``, each in its own thread
        with its own connection, released together by a barrier; wait for all of them,
        close their connections and return the exceptions they raised."""
        barrier = threading.Barrier(threads)
        errors: list[Exception] = []

        def thread_main(worker: int) -> None:
            if self._make_connection is not None:
                connections["default"] = self._make_connection()
            try:
                barrier.wait()
                work(worker)
            except Exception as exc:  # noqa: BLE001 - returned to the test, which asserts
                errors.append(exc)
            finally:
                connections["default"].close()

        started = [threading.Thread(target=thread_main, args=(n,)) for n in range(threads)]
        for thread in started:
            thread.start()
        for thread in started:
            thread.join()
        return errors


def _managed_models():
    return [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]


@contextmanager
def thread_database(tmp_path, models: Iterable | None = None):
    """Yield a ``ThreadDatabase``. On SQLite, ``default`` points at a new file database in
    ``tmp_path`` holding the tables of ``models`` (all managed models by default) until the
    block ends; on other databases nothing is switched."""
    original = connections["default"]
    if original.vendor != "sqlite":
        yield ThreadDatabase(None)
        return
    settings_dict = {**original.settings_dict, "NAME": str(tmp_path / "threads.sqlite3")}
    wrapper = original.__class__(settings_dict, "default")
    connections["default"] = wrapper
    try:
        with wrapper.schema_editor() as editor:
            for model in _managed_models() if models is None else models:
                editor.create_model(model)
        yield ThreadDatabase(lambda: original.__class__(settings_dict, "default"))
    finally:
        wrapper.close()
        connections["default"] = original
