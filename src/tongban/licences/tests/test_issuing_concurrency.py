"""Licence numbers under concurrency: no repeats, no gaps (SQLite file database with the
project's connection options, or PostgreSQL with row locks)."""

import threading
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import connections, transaction

from tongban.core.codes import validate
from tongban.licences.models import Licence, LicenceNumberSequence, LicenceType

THREADS = 4
PER_THREAD = 4


@contextmanager
def thread_database(tmp_path):
    original = connections["default"]
    if original.vendor != "sqlite":
        yield None
        return
    settings_dict = {**original.settings_dict, "NAME": str(tmp_path / "licences.sqlite3")}
    wrapper = original.__class__(settings_dict, "default")
    connections["default"] = wrapper
    try:
        with wrapper.schema_editor() as editor:
            for model in apps.get_models():
                if model._meta.managed and not model._meta.proxy:
                    editor.create_model(model)
        yield lambda: original.__class__(settings_dict, "default")
    finally:
        wrapper.close()
        connections["default"] = original


def _run_threads(target, make_connection):
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def work():
        if make_connection is not None:
            connections["default"] = make_connection()
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                results.append(target())
        except Exception as exc:  # noqa: BLE001 - asserted by the caller
            errors.append(exc)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_consecutive_numbers(tmp_path):
    from tongban.licences.services import issuing, seals
    from tongban.licences.services.types import import_licence_types
    from tongban.licences.tests.issuing_support import COMPANY_USCC, business_fields
    from tongban.testing.factories import OrgUnitFactory

    with thread_database(tmp_path) as make_connection:
        import_licence_types()
        city = OrgUnitFactory(code="440100", kind="city", division_code="440100")
        dept = OrgUnitFactory(
            code="440100-市场监督管理局",
            name="市场监督管理局",
            kind="department",
            division_code="440100",
            parent=city,
        )
        seals.create_seal(dept, actor=None)
        licence_type = LicenceType.objects.get(key="business-licence")

        def issue():
            return issuing.issue_licence(
                licence_type=licence_type,
                issuer=dept,
                holder_type="legal",
                holder_name="广州市天河区通办示范科技有限公司",
                holder_code=COMPANY_USCC,
                fields=business_fields(),
                actor=None,
                notify=False,
            ).identifier

        identifiers, errors = _run_threads(issue, make_connection)
        assert errors == []
        total = THREADS * PER_THREAD
        assert len(set(identifiers)) == total
        numbers = sorted(int(validate("licence-id", i).parsed["number"]) for i in identifiers)
        assert numbers == list(range(1, total + 1))
        assert Licence.objects.count() == total
        assert LicenceNumberSequence.objects.get().last_value == total


@pytest.mark.django_db(transaction=True)
def test_rolled_back_claim_leaves_no_gap():
    from tongban.licences.services.numbering import claim_licence_number
    from tongban.licences.services.types import import_licence_types
    from tongban.testing.factories import OrgUnitFactory

    import_licence_types()
    dept = OrgUnitFactory(kind="department", division_code="440100")
    licence_type = LicenceType.objects.get(key="business-licence")
    with pytest.raises(RuntimeError), transaction.atomic():
        claim_licence_number(licence_type, dept)
        raise RuntimeError("issuing failed")
    with transaction.atomic():
        assert claim_licence_number(licence_type, dept) == "0000001"
    with pytest.raises(RuntimeError):
        claim_licence_number(licence_type, dept)  # outside a transaction
