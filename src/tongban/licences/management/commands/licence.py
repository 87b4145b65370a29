"""`tongban licence ...`: verify QR payloads offline, export OpenSSL bundles, trust keys.

tongban licence verify-qr <payload or QR URL> [--public-key seal.pem ...]
    Offline: checks the payload's SM2 signature with the keys of this installation's
    database (seal keys and the trust list) or only with the --public-key files given.
    No HTTP request is made and the licence's current status is NOT looked up.
    Exit status 0 when the signature is good and the licence within its validity.
tongban licence export <identifier> <directory>
    Writes data.json, tbs.der, signature.der, seal-public.pem and README.txt (OpenSSL
    recipe) for one licence.
tongban licence trust-import <pem file> --name <issuer name> --issuer-code <USCC>
    Adds another platform's issuer public key to the trust list (audited, actor "cli").
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongban.core.crypto import sm2
from tongban.core.exceptions import DomainError

CLI_ACTOR = "cli"


class Command(BaseCommand):
    help = "Licence verification tools: offline QR check, OpenSSL export, trust list import."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = sub.add_parser("verify-qr", help="Verify a QR payload offline.")
        verify.add_argument("payload", help="the payload (or the whole /verify/q/<payload>/ URL)")
        verify.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="PEM",
            help="SM2 public key file to trust (repeatable); default: seal keys + trust list",
        )
        export = sub.add_parser("export", help="Write the OpenSSL verification bundle.")
        export.add_argument("identifier")
        export.add_argument("directory")
        trust = sub.add_parser("trust-import", help="Trust another platform's issuer key.")
        trust.add_argument("pem", help="PEM file of the issuer's SM2 public key")
        trust.add_argument("--name", required=True)
        trust.add_argument("--issuer-code", required=True, help="issuer USCC")

    def handle(self, *args, action, **options):
        handler = {
            "verify-qr": self.verify_qr,
            "export": self.export,
            "trust-import": self.trust_import,
        }[action]
        try:
            handler(**options)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc

    # verify-qr ---------------------------------------------------------------------------
    def verify_qr(self, *, payload, public_key, **options):
        from tongban.licences.services import verification

        if "/verify/q/" in payload:
            payload = payload.split("/verify/q/", 1)[1].strip("/")
        trusted = None
        if public_key:
            trusted = []
            for path in public_key:
                try:
                    trusted.append(sm2.PublicKey.from_pem(Path(path).read_bytes()))
                except OSError as exc:
                    raise CommandError(f"cannot read {path}: {exc}") from exc
        result = verification.verify_offline_payload(
            payload, trusted_keys=trusted, lookup_status=False
        )
        rows = [
            ("结果 / result", f"{result.status_label} ({result.status})"),
            ("说明 / message", result.message),
            ("证照标识 / identifier", result.identifier),
            ("证照类型代码 / type code", result.type_code),
            ("持证主体 / holder (masked)", result.masked_holder),
            ("颁证日期 / issued on", result.issued_on.isoformat() if result.issued_on else ""),
            ("有效期至 / valid to", result.valid_to.isoformat() if result.valid_to else "长期"),
            ("签发机构 / issuer", result.issuer_name),
        ]
        for label, value in rows:
            self.stdout.write(f"{label}: {value}")
        if not result.valid:
            raise CommandError(result.reason or result.status)

    # export ------------------------------------------------------------------------------
    def export(self, *, identifier, directory, **options):
        from tongban.licences.services import verification

        licence = verification.find_licence(identifier)
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        for name, content in verification.export_files(licence).items():
            (target / name).write_bytes(content)
            self.stdout.write(str(target / name))
        self.stdout.write(self.style.SUCCESS("导出完成，核验方法见 README.txt"))

    # trust-import ------------------------------------------------------------------------
    def trust_import(self, *, pem, name, issuer_code, **options):
        from tongban.licences.services import trust

        try:
            text = Path(pem).read_text(encoding="ascii", errors="replace")
        except OSError as exc:
            raise CommandError(f"cannot read {pem}: {exc}") from exc
        issuer = trust.import_trusted_issuer(
            pem=text, name=name, issuer_code=issuer_code, actor=CLI_ACTOR
        )
        self.stdout.write(
            self.style.SUCCESS(f"已信任 {issuer.name}（{issuer.issuer_code}）")
            + f"\nfingerprint (SM3): {issuer.fingerprint}"
        )
