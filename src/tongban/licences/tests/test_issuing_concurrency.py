"""Licence numbers under concurrency: no repeats, no gaps (SQLite file database with the
project's connection options, or PostgreSQL with row locks)."""

import pytest
from django.db import transaction

from tongban.core.codes import validate
from tongban.licences.models import Licence, LicenceNumberSequence, LicenceType
from tongban.testing.concurrency import thread_database

THREADS = 4
PER_THREAD = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_consecutive_numbers(tmp_path):
    from tongban.licences.services import issuing, seals
    from tongban.licences.services.types import import_licence_types
    from tongban.licences.tests.issuing_support import COMPANY_USCC, business_fields
    from tongban.testing.factories import OrgUnitFactory

    with thread_database(tmp_path) as database:
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

        identifiers: list[str] = []

        def issue(worker: int) -> None:
            for _ in range(PER_THREAD):
                licence = issuing.issue_licence(
                    licence_type=licence_type,
                    issuer=dept,
                    holder_type="legal",
                    holder_name="广州市天河区通办示范科技有限公司",
                    holder_code=COMPANY_USCC,
                    fields=business_fields(),
                    actor=None,
                    notify=False,
                )
                identifiers.append(licence.identifier)

        errors = database.run(issue, threads=THREADS)
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
