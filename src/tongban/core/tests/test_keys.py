"""Platform signing key, managed keys, master-key rotation and the `tongban keys` command."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from tongban.core.crypto import envelope, keys, sm2
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent, ManagedKey

KEY_A = "a2024:000102030405060708090a0b0c0d0e0f"
KEY_B = "b2025:f0e0d0c0b0a090807060504030201000"
PLATFORM = ManagedKey.Purpose.PLATFORM_SIGNING


@pytest.fixture(autouse=True)
def master_a(settings, db):
    settings.MASTER_KEY = KEY_A
    settings.MASTER_KEYS_OLD = []
    keys.clear_cache()
    yield settings
    keys.clear_cache()


def switch_to_b(settings):
    settings.MASTER_KEY = KEY_B
    settings.MASTER_KEYS_OLD = [KEY_A]


def run(*args):
    out = StringIO()
    call_command("keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


# --- platform signing key ------------------------------------------------------------------


def test_platform_key_is_created_once_and_audited():
    key = keys.platform_signing_key()
    assert isinstance(key, sm2.PrivateKey)
    assert keys.platform_signing_key() == key
    row = ManagedKey.objects.get()
    assert (row.purpose, row.is_active, row.retired_at) == (PLATFORM, True, None)
    assert row.fingerprint == key.public_key.fingerprint()
    assert sm2.PublicKey.from_pem(row.public_pem) == key.public_key
    event = AuditEvent.objects.get(event_type="core.platform_key_created")
    assert event.data["fingerprint"] == row.fingerprint


def test_platform_private_key_is_stored_encrypted_and_bound_to_its_row():
    key = keys.platform_signing_key()
    row = ManagedKey.objects.get()
    assert envelope.token_kid(row.private_key_encrypted) == "a2024"
    assert key.to_der().hex() not in row.private_key_encrypted
    assert envelope.decrypt(row.private_key_encrypted, aad=row.private_key_aad()) == key.to_der()
    with pytest.raises(DomainError) as err:
        envelope.decrypt(row.private_key_encrypted)
    assert err.value.code == "decrypt_failed"


def test_platform_key_survives_a_cold_cache():
    key = keys.platform_signing_key()
    keys.clear_cache()
    assert keys.platform_signing_key() == key


def test_only_one_active_key_per_purpose():
    keys.platform_signing_key()
    with pytest.raises(IntegrityError), transaction.atomic():
        keys._new_row(PLATFORM, sm2.PrivateKey.generate())
    assert ManagedKey.objects.count() == 1


def test_rotate_platform_key_keeps_old_key_for_verification():
    old_key = keys.platform_signing_key()
    signature = old_key.sign(b"audit head #1")
    old_fingerprint = old_key.public_key.fingerprint()

    new_row = keys.rotate_platform_key(actor=keys.CLI_ACTOR)

    new_key = keys.platform_signing_key()
    assert new_key != old_key and new_row.fingerprint == new_key.public_key.fingerprint()
    old_row = ManagedKey.objects.get(fingerprint=old_fingerprint)
    assert old_row.is_active is False and old_row.retired_at is not None
    keys.clear_cache()
    assert keys.public_key_for(old_fingerprint).verify(b"audit head #1", signature)
    assert keys.public_key_for(old_fingerprint.upper()) == old_key.public_key
    event = AuditEvent.objects.get(event_type="core.platform_key_rotated")
    assert event.data["old"]["fingerprint"] == old_fingerprint
    assert event.data["new"]["fingerprint"] == new_row.fingerprint
    assert event.actor_id is None and event.actor_name == "cli"


def test_public_key_for_unknown_fingerprint():
    with pytest.raises(DomainError) as err:
        keys.public_key_for("00" * 32)
    assert err.value.code == "key_not_found" and err.value.status == 404


def test_corrupted_stored_private_key_is_refused():
    keys.platform_signing_key()
    row = ManagedKey.objects.get()
    other = sm2.PrivateKey.generate()
    ManagedKey.objects.filter(pk=row.pk).update(
        private_key_encrypted=envelope.encrypt(other.to_der(), aad=row.private_key_aad())
    )
    keys.clear_cache()
    with pytest.raises(DomainError) as err:
        keys.platform_signing_key()
    assert err.value.code == "invalid_key"


# --- master key rotation -------------------------------------------------------------------


def test_managed_key_field_is_registered_for_rotation():
    labels = [entry.label for entry in envelope.registered_fields()]
    assert "core.ManagedKey.private_key_encrypted" in labels


def test_rotate_master_rewraps_every_registered_secret(settings):
    keys.platform_signing_key()
    keys.rotate_platform_key(actor=keys.CLI_ACTOR)
    switch_to_b(settings)
    assert keys.secrets_by_kid()["core.ManagedKey.private_key_encrypted"] == {
        "a2024": 2,
        "b2025": 0,
    }

    report = keys.rotate_master(actor=keys.CLI_ACTOR, batch_size=1)

    assert report.total == 2 and not report.failures
    for row in ManagedKey.objects.all():
        assert envelope.token_kid(row.private_key_encrypted) == "b2025"
        sm2.PrivateKey.from_der(
            envelope.decrypt(row.private_key_encrypted, aad=row.private_key_aad())
        )
    events = AuditEvent.objects.filter(event_type="core.secrets_rewrapped")
    assert events.count() == 2  # one per batch
    assert all(e.data["to_kid"] == "b2025" and e.data["from_kids"] == {"a2024": 1} for e in events)
    # the old master key can now be dropped
    settings.MASTER_KEYS_OLD = []
    keys.clear_cache()
    keys.platform_signing_key()
    # running again changes nothing
    assert keys.rotate_master(actor=keys.CLI_ACTOR).total == 0
    assert AuditEvent.objects.filter(event_type="core.secrets_rewrapped").count() == 2


def test_rotate_master_leaves_undecryptable_secret_untouched_and_reports_it(settings):
    keys.platform_signing_key()
    keys.rotate_platform_key(actor=keys.CLI_ACTOR)
    broken = ManagedKey.objects.filter(is_active=False).get()
    bad_token = envelope.encrypt(b"x", aad=b"not this row")
    ManagedKey.objects.filter(pk=broken.pk).update(private_key_encrypted=bad_token)
    switch_to_b(settings)

    report = keys.rotate_master(actor=keys.CLI_ACTOR)

    assert report.total == 1
    assert report.failures == [
        ("core.ManagedKey.private_key_encrypted", str(broken.pk), "decrypt_failed")
    ]
    broken.refresh_from_db()
    assert broken.private_key_encrypted == bad_token


# --- command -------------------------------------------------------------------------------


def test_command_status_before_and_after_first_use():
    out = run("status")
    assert "master key (active): a2024" in out
    assert "not created yet" in out
    key = keys.platform_signing_key()
    out = run("status")
    assert key.public_key.fingerprint() in out
    assert "core.ManagedKey.private_key_encrypted: a2024=1" in out


def test_command_status_warns_about_secrets_under_retired_keys(settings):
    keys.platform_signing_key()
    switch_to_b(settings)
    out = run("status")
    assert "master keys (retired): a2024" in out
    assert "b2025=0, a2024=1" in out
    assert "rotate-master" in out


def test_command_rotate_master(settings):
    keys.platform_signing_key()
    switch_to_b(settings)
    out = run("rotate-master")
    assert "1 secret(s) now under master key b2025" in out
    event = AuditEvent.objects.get(event_type="core.secrets_rewrapped")
    assert event.actor_name == "cli"
    assert "b2025=1, a2024=0" in run("status")


def test_command_rotate_master_fails_loudly_on_undecryptable_secret(settings):
    keys.platform_signing_key()
    row = ManagedKey.objects.get()
    ManagedKey.objects.filter(pk=row.pk).update(
        private_key_encrypted="v1:gone:" + "A" * 16 + ":" + "A" * 24
    )
    switch_to_b(settings)
    with pytest.raises(CommandError, match="could not be decrypted"):
        run("rotate-master")
    row.refresh_from_db()
    assert row.private_key_encrypted.startswith("v1:gone:")
    assert not AuditEvent.objects.filter(event_type="core.secrets_rewrapped").exists()


def test_command_rotate_platform_key():
    first = keys.platform_signing_key().public_key.fingerprint()
    out = run("rotate-platform-key")
    active = ManagedKey.objects.get(is_active=True)
    assert active.fingerprint in out and active.fingerprint != first
    assert ManagedKey.objects.filter(is_active=False, fingerprint=first).exists()


def test_command_public_key():
    key = keys.platform_signing_key()
    assert run("public-key").encode() == key.public_key.to_pem()
    assert (
        run("public-key", "--fingerprint", key.public_key.fingerprint()).encode()
        == key.public_key.to_pem()
    )
    with pytest.raises(CommandError, match="key_not_found"):
        run("public-key", "--fingerprint", "ab" * 32)


def test_command_generate_master_key():
    value = run("generate-master-key", "--kid", "m2026").strip()
    kid, key = envelope.parse_master_key(value)
    assert kid == "m2026" and len(key) == 16
    with pytest.raises(CommandError):
        run("generate-master-key", "--kid", "bad kid")


def test_command_with_bad_master_key_changes_nothing(settings):
    keys.platform_signing_key()
    before = list(ManagedKey.objects.values_list("private_key_encrypted", flat=True))
    events_before = AuditEvent.objects.count()
    settings.MASTER_KEY = "not-a-key"
    for action in ("status", "rotate-master", "rotate-platform-key"):
        with pytest.raises(CommandError, match="TONGBAN_MASTER_KEY"):
            run(action)
    assert list(ManagedKey.objects.values_list("private_key_encrypted", flat=True)) == before
    assert AuditEvent.objects.count() == events_before


def test_losing_the_creation_race_uses_the_winners_key_and_writes_no_event():
    winner = keys.platform_signing_key()
    events_before = AuditEvent.objects.count()
    row = keys._create_platform_key(actor=keys.SYSTEM_ACTOR)  # a second process arriving late
    assert row.fingerprint == winner.public_key.fingerprint()
    assert ManagedKey.objects.count() == 1
    assert AuditEvent.objects.count() == events_before
