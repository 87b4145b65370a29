"""Audit chain: recording, canonical form, append-only guard, verification and tampering."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models, transaction

from tongban.core import audit
from tongban.core.models import AuditCheckpoint, AuditEvent
from tongban.core.models.audit import AuditImmutableError


def raw(model=AuditEvent):
    """A plain QuerySet: bypasses the append-only guard, like someone with DB access."""
    return models.QuerySet(model=model)


def append(n, actor=None, **kwargs):
    events = []
    with transaction.atomic():
        for i in range(n):
            events.append(audit.record("core.thing_done", actor=actor, data={"i": i}, **kwargs))
    return events


@pytest.fixture
def chain(db, citizen):
    """Six events: the platform key's creation (#1, so signing appends nothing before the
    checkpoint) and five of the citizen's."""
    from tongban.core.crypto import keys

    keys.clear_cache()
    keys.platform_signing_key()
    append(5, actor=citizen)
    return list(AuditEvent.objects.order_by("seq"))


# --- recording -------------------------------------------------------------------------------
def test_record_chains_from_genesis_with_gapless_seq(db, citizen):
    chain = append(6, actor=citizen)
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5, 6]
    assert chain[0].prev_hash == audit.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))
    assert chain[0].actor_id == citizen.pk and chain[0].actor_name == "张三"


@pytest.mark.django_db(transaction=True)
def test_record_requires_a_transaction(citizen):
    with pytest.raises(RuntimeError):
        audit.record("core.thing_done", actor=citizen)
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("bad", ["thing_done", "Core.thing", "core.", "core thing.done", ""])
def test_record_rejects_malformed_event_types(db, bad):
    with transaction.atomic(), pytest.raises(ValueError):
        audit.record(bad, actor=None)
    assert AuditEvent.objects.count() == 0


def test_record_takes_target_and_its_org_unit(db, clerk, citizen, gz_market_dept):
    with transaction.atomic():
        event = audit.record("core.thing_done", actor=clerk, target=citizen)
        system = audit.record("core.thing_done", actor=None, org_unit=gz_market_dept)
        named = audit.record("core.thing_done", actor="worker")
    assert (event.target_type, event.target_id, event.target_label) == (
        "identity.user",
        str(citizen.pk),
        "张三",
    )
    assert system.actor_id is None and system.actor_name == "system"
    assert system.org_unit_id == gz_market_dept.pk
    assert named.actor_name == "worker"


def test_record_keeps_request_id_and_ip_from_the_request(db, client, citizen):
    from tongban.core import middleware

    token = middleware._request_id.set("req-123")
    ip_token = middleware._client_ip.set("::ffff:10.0.0.1")
    try:
        with transaction.atomic():
            event = audit.record("core.thing_done", actor=citizen)
    finally:
        middleware._request_id.reset(token)
        middleware._client_ip.reset(ip_token)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.request_id == "req-123"
    assert stored.ip and audit.event_digest(stored) == stored.hash


def test_digest_is_stable_after_a_database_round_trip(db, citizen):
    data = {
        "old": {"amount": Decimal("12.50"), "when": dt.date(2026, 2, 14), "ratio": 0.1},
        "new": {"amount": None, "tags": ("a", "b"), "text": "含\x00空字符", 3: True},
        "big": 10**30,
        "empty": "",
    }
    with transaction.atomic():
        event = audit.record("core.thing_done", actor=citizen, data=data, target_label="x" * 500)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == event.data
    assert stored.created_at == event.created_at  # microseconds kept
    assert audit.event_digest(stored) == stored.hash == event.hash
    assert stored.data["old"]["amount"] == "12.50" and stored.data["new"]["tags"] == ["a", "b"]
    assert len(stored.target_label) == 200


def test_record_refuses_nan(db, citizen):
    with transaction.atomic(), pytest.raises(ValueError):
        audit.record("core.thing_done", actor=citizen, data={"x": float("nan")})
    assert AuditEvent.objects.count() == 0


# --- append-only guard --------------------------------------------------------------------
def test_orm_refuses_update_and_delete(chain):
    event = AuditEvent.objects.get(seq=2)
    before = event.hash
    event.event_type = "core.thing_forged"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(seq=2).update(event_type="core.thing_forged")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(seq__gte=5).delete()
    assert AuditEvent.objects.count() == 6
    assert AuditEvent.objects.get(seq=2).hash == before
    assert audit.verify_chain().ok


# --- verification and tampering -----------------------------------------------------------------
def test_intact_chain_verifies(chain):
    result = audit.verify_chain()
    assert result.ok and bool(result)
    assert (result.count, result.head_seq, result.head_hash) == (6, 6, chain[-1].hash)
    assert result.summary == f"OK: 6 events, head {chain[-1].hash}"


def test_empty_chain_verifies(db):
    result = audit.verify_chain()
    assert result.ok and result.count == 0


def test_modified_row_is_reported(chain):
    raw().filter(seq=4).update(data={"i": 99})
    result = audit.verify_chain()
    assert not result.ok
    assert (result.problem.kind, result.problem.seq) == ("modified", 4)
    assert "第 4 号事件" in result.problem.message_zh
    assert "#4 was modified" in result.problem.message_en


def test_modified_row_with_recomputed_hash_is_reported(chain):
    event = AuditEvent.objects.get(seq=3)
    event.actor_name = "伪造"
    raw().filter(seq=3).update(actor_name="伪造", hash=audit.event_digest(event))
    result = audit.verify_chain()
    assert (result.problem.kind, result.problem.seq) == ("modified", 3)


def test_deleted_middle_row_is_reported(chain):
    raw().filter(seq=3).delete()
    result = audit.verify_chain()
    assert (result.problem.kind, result.problem.seq) == ("deleted", 3)
    assert result.problem.detail == {"first_missing": 3, "last_missing": 3}


def test_deleted_first_row_is_reported(chain):
    raw().filter(seq=1).delete()
    result = audit.verify_chain()
    assert (result.problem.kind, result.problem.seq) == ("deleted", 1)


def test_swapped_rows_are_reported_as_reordered(chain):
    raw().filter(seq=3).update(seq=-3)
    raw().filter(seq=4).update(seq=3)
    raw().filter(seq=-3).update(seq=4)
    result = audit.verify_chain()
    assert (result.problem.kind, result.problem.seq) == ("reordered", 3)
    assert result.problem.detail["original_seq"] == 4


def test_verify_with_stale_tail_without_checkpoint_is_ok(chain):
    # Without a signed checkpoint, cutting the tail leaves a valid shorter chain: this is
    # what the daily checkpoint is for (next test).
    raw().filter(seq__gte=5).delete()
    assert audit.verify_chain().ok


# --- checkpoints ------------------------------------------------------------------------
def test_sign_head_is_idempotent_per_day(chain):
    now = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    first = audit.sign_chain_head(now=now)
    again = audit.sign_chain_head(now=now + dt.timedelta(hours=5))
    assert first.pk == again.pk and AuditCheckpoint.objects.count() == 1
    assert (first.seq, first.hash) == (6, chain[-1].hash)
    signed_event = AuditEvent.objects.get(event_type="core.audit_head_signed")
    assert signed_event.data["seq"] == 6
    assert audit.verify_chain().ok
    next_day = audit.sign_chain_head(now=now + dt.timedelta(days=1))
    assert next_day.pk != first.pk and AuditCheckpoint.objects.count() == 2


def test_sign_head_on_empty_chain_does_nothing(db):
    assert audit.sign_chain_head() is None
    assert AuditCheckpoint.objects.count() == 0


def test_truncated_tail_below_checkpoint_is_reported(chain):
    checkpoint = audit.sign_chain_head()
    raw().filter(seq__gte=5).delete()
    result = audit.verify_chain()
    assert (result.problem.kind, result.problem.seq) == ("truncated", 5)
    assert result.problem.detail["checkpoint_seq"] == checkpoint.seq
    assert "截断" in result.problem.message_zh and "truncated" in result.problem.message_en


def test_rewritten_chain_is_caught_by_the_checkpoint(chain):
    audit.sign_chain_head()
    # Rewrite event 6 and every later hash consistently: the links hold, the checkpoint not.
    events = list(AuditEvent.objects.order_by("seq"))
    prev = events[4].hash
    for event in events[5:]:
        event.prev_hash = prev
        if event.seq == 6:
            event.data = {"i": "forged"}
        event.hash = audit.event_digest(event)
        raw().filter(pk=event.pk).update(
            data=event.data, prev_hash=event.prev_hash, hash=event.hash
        )
        prev = event.hash
    result = audit.verify_chain()
    assert (result.problem.kind, result.problem.seq) == ("checkpoint_mismatch", 6)


def test_checkpoint_with_bad_signature_is_reported(chain):
    checkpoint = audit.sign_chain_head()
    forged = bytearray(bytes(checkpoint.signature))
    forged[-3] ^= 0x01
    raw(AuditCheckpoint).filter(pk=checkpoint.pk).update(signature=bytes(forged))
    result = audit.verify_chain()
    assert (result.problem.kind, result.problem.seq) == ("checkpoint_invalid_signature", 6)


def test_checkpoint_moved_to_another_head_is_reported(chain):
    checkpoint = audit.sign_chain_head()
    raw(AuditCheckpoint).filter(pk=checkpoint.pk).update(seq=3, hash=chain[2].hash)
    result = audit.verify_chain()
    assert result.problem.kind == "checkpoint_invalid_signature"


def test_checkpoint_with_unknown_key_is_reported(chain):
    checkpoint = audit.sign_chain_head()
    raw(AuditCheckpoint).filter(pk=checkpoint.pk).update(key_fingerprint="f" * 64)
    result = audit.verify_chain()
    assert result.problem.kind == "checkpoint_unknown_key"


def test_checkpoints_are_append_only(chain):
    checkpoint = audit.sign_chain_head()
    with pytest.raises(AuditImmutableError):
        checkpoint.delete()
    with pytest.raises(AuditImmutableError):
        AuditCheckpoint.objects.all().delete()
    assert AuditCheckpoint.objects.count() == 1


# --- task and command ---------------------------------------------------------------------
def test_task_signs_the_head_once(chain):
    from tongban.core.tasks import PERIODIC_TASKS, sign_audit_chain_head

    first = sign_audit_chain_head.enqueue()
    second = sign_audit_chain_head.enqueue()
    assert first.return_value["seq"] == 6
    assert second.return_value == first.return_value
    assert AuditCheckpoint.objects.count() == 1
    assert "tongban.core.tasks.sign_audit_chain_head" in PERIODIC_TASKS


def test_command_verify_ok(chain, capsys):
    call_command("audit", "verify")
    assert f"OK: 6 events, head {chain[-1].hash}" in capsys.readouterr().out


def test_command_verify_reports_problem_with_exit_status_1(chain, capsys):
    raw().filter(seq=2).delete()
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert excinfo.value.returncode == 1
    err = capsys.readouterr().err
    assert "第 2 号事件缺失" in err and "event #2 is missing" in err


def test_command_sign_head(chain, capsys):
    call_command("audit", "sign-head")
    assert "#6" in capsys.readouterr().out
    assert AuditCheckpoint.objects.get().seq == 6
    assert AuditEvent.objects.get(event_type="core.audit_head_signed").actor_name == "cli"
