"""`tongban keys ...`: master-key and platform-key management for operators.

    tongban keys status                 # active master kid, platform key, secrets per kid
    tongban keys generate-master-key    # print a new random TONGBAN_MASTER_KEY value
    tongban keys rotate-master          # re-wrap every encrypted secret under the active key
    tongban keys rotate-platform-key    # new platform SM2 key; the old one stays for verifying
    tongban keys public-key             # print the active platform public key (PEM)

See docs/operator-keys.md for the rotation procedure.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tongban.core.crypto import envelope, keys
from tongban.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Manage the master key (envelope encryption) and the platform SM2 signing key."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("status", help="Show master keys, the platform key and secrets per key id.")
        gen = sub.add_parser(
            "generate-master-key", help="Print a new random value for TONGBAN_MASTER_KEY."
        )
        gen.add_argument(
            "--kid",
            default=None,
            help="Key id (default: m<YYYYMMDD>). Letters, digits, '.', '_', '-'.",
        )
        rot = sub.add_parser(
            "rotate-master", help="Re-wrap every encrypted secret under the active master key."
        )
        rot.add_argument("--batch-size", type=int, default=500)
        sub.add_parser(
            "rotate-platform-key",
            help="Create a new platform SM2 key; the old one is retired, not deleted.",
        )
        pub = sub.add_parser("public-key", help="Print a platform public key in PEM.")
        pub.add_argument(
            "--fingerprint",
            default=None,
            help="SM3 fingerprint of a retired key (default: the active key).",
        )

    def handle(self, *args, action, **options):
        try:
            handler = {
                "status": self.status,
                "generate-master-key": self.generate_master_key,
                "rotate-master": self.rotate_master,
                "rotate-platform-key": self.rotate_platform_key,
                "public-key": self.public_key,
            }[action]
            handler(**options)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc

    def status(self, **options):
        ring = envelope.keyring()
        self.stdout.write(f"master key (active): {ring.active_kid}")
        self.stdout.write(f"master keys (retired): {', '.join(ring.retired_kids) or '-'}")
        row = keys.active_platform_key_row()
        if row is None:
            self.stdout.write("platform signing key: not created yet (created on first use)")
        else:
            self.stdout.write(f"platform signing key: {row.kid} created {row.created_at:%Y-%m-%d}")
            self.stdout.write(f"  fingerprint (SM3): {row.fingerprint}")
        retired = keys._managed_key_model().objects.filter(is_active=False).count()
        self.stdout.write(f"retired platform keys: {retired}")
        self.stdout.write("encrypted secrets per master key id:")
        pending = 0
        for label, counts in keys.secrets_by_kid().items():
            shown = ", ".join(f"{kid}={n}" for kid, n in counts.items())
            self.stdout.write(f"  {label}: {shown}")
            pending += sum(n for kid, n in counts.items() if kid != ring.active_kid)
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    f"{pending} secret(s) not under the active key: run `tongban keys rotate-master`"
                )
            )

    def generate_master_key(self, *, kid=None, **options):
        kid = kid or f"m{timezone.now():%Y%m%d}"
        try:
            self.stdout.write(envelope.generate_master_key(kid))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def rotate_master(self, *, batch_size, **options):
        report = keys.rotate_master(actor=keys.CLI_ACTOR, batch_size=batch_size)
        for label, count in report.rewrapped.items():
            self.stdout.write(f"{label}: {count} re-wrapped")
        self.stdout.write(f"{report.total} secret(s) now under master key {report.active_kid}")
        if report.failures:
            for label, pk, code in report.failures[:20]:
                self.stderr.write(f"  {label} pk={pk}: {code}")
            raise CommandError(
                f"{len(report.failures)} secret(s) could not be decrypted and were left unchanged"
            )

    def rotate_platform_key(self, **options):
        new = keys.rotate_platform_key(actor=keys.CLI_ACTOR)
        self.stdout.write(f"new platform signing key: {new.kid}")
        self.stdout.write(f"  fingerprint (SM3): {new.fingerprint}")

    def public_key(self, *, fingerprint=None, **options):
        if fingerprint:
            self.stdout.write(keys.public_key_for(fingerprint).to_pem().decode(), ending="")
            return
        self.stdout.write(keys.platform_signing_key().public_key.to_pem().decode(), ending="")
