"""The gateway's access log is an SM3 hash chain: verification, and detection of an entry
changed, deleted or re-hashed behind the ORM's back."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tongban.core.models.audit import AuditImmutableError
from tongban.sharing.models import AccessLogEntry
from tongban.sharing.services import access_log

pytestmark = pytest.mark.django_db


def append(n, **kwargs):
    with transaction.atomic():
        return [
            access_log.append(
                outcome="allowed",
                consumer_name="广州市民政局 · 低保核对系统",
                resource_code="440100-GA-RK-0001",
                purpose=f"核对 {i}",
                items=["id_number", "name"],
                row_count=1,
                subjects=["440106199203150049"],
                **kwargs,
            )
            for i in range(n)
        ]


def raw(sql, params):
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


def test_chain_links_and_verifies():
    entries = append(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == "0" * 64
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    result = access_log.verify_chain()
    assert result.ok and result.count == 3 and result.head_seq == 3


def test_the_orm_refuses_changes():
    (entry,) = append(1)
    entry.purpose = "改写"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(purpose="改写")
    with pytest.raises(AuditImmutableError):
        AccessLogEntry.objects.all().delete()


def test_modified_entry_is_detected():
    entries = append(3)
    raw("UPDATE {table} SET purpose = %s WHERE seq = %s", ["改写的用途", 2])
    result = access_log.verify_chain()
    assert not result.ok and result.problem == "modified" and result.problem_seq == 2
    assert result.count == 1
    assert entries[1].hash  # the stored hash no longer matches the content


def test_modified_and_rehashed_entry_is_detected_by_the_next_link():
    append(3)
    forged = AccessLogEntry.objects.get(seq=2)
    forged.purpose = "改写的用途"
    new_hash = access_log.entry_digest(forged)
    raw("UPDATE {table} SET purpose = %s, hash = %s WHERE seq = %s", ["改写的用途", new_hash, 2])
    result = access_log.verify_chain()
    assert not result.ok and result.problem == "modified" and result.problem_seq == 2


def test_changed_subjects_are_detected():
    append(2)
    raw("UPDATE {table} SET subject_digests = %s WHERE seq = %s", ['["00"]', 1])
    result = access_log.verify_chain()
    assert not result.ok and result.problem_seq == 1


def test_deleted_entry_is_detected():
    append(3)
    raw("DELETE FROM {table} WHERE seq = %s", [2])
    result = access_log.verify_chain()
    assert not result.ok and result.problem == "deleted" and result.problem_seq == 2


def test_subject_digest_is_keyed_and_stable(settings):
    first = access_log.subject_digest("440106199203150049")
    assert first == access_log.subject_digest(" 440106199203150049 ")
    assert "440106199203150049" not in first and len(first) == 64
    settings.SHARING_SUBJECT_KEY = "another-key"
    assert access_log.subject_digest("440106199203150049") != first


def test_verify_command():
    append(2)
    out = StringIO()
    call_command("sharing_access_log", "verify", stdout=out)
    assert out.getvalue().startswith("OK: 2 entries")
    raw("UPDATE {table} SET reference = %s WHERE seq = %s", ["X", 1])
    with pytest.raises(CommandError) as excinfo:
        call_command("sharing_access_log", "verify", stdout=StringIO(), stderr=StringIO())
    assert "modified at #1" in str(excinfo.value)
