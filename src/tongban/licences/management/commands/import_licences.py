"""``tongban import_licences FILE --type KEY --issuer CODE [--dry-run]``

Batch issuance from a CSV file (UTF-8 or GB18030; header row with 持证主体, 持证主体代码,
optional 有效期起始, and the type's fields by name or label). Every row is checked first;
when any row is rejected the rejected rows are listed with their line numbers and nothing is
imported. ``--issuer`` is the issuing department's org-unit code or its USCC. A progress bar
shows the issuing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from tqdm import tqdm

from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit
from tongban.licences.models import LicenceType
from tongban.licences.services.issuing import import_licences_csv


class Command(BaseCommand):
    help = "Issue licences in batch from a CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--type", dest="type_key", required=True, help="licence type key")
        parser.add_argument("--issuer", required=True, help="org unit code or USCC")
        parser.add_argument("--dry-run", action="store_true", help="check only")

    def handle(self, *args, file, type_key, issuer, dry_run, **options):
        licence_type = LicenceType.objects.filter(key=type_key).first()
        if licence_type is None:
            raise CommandError(f"unknown licence type {type_key!r}")
        unit = OrgUnit.objects.filter(Q(code=issuer) | Q(uscc=issuer.upper())).first()
        if unit is None:
            raise CommandError(f"unknown issuer {issuer!r}")
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        bar = None

        def progress(n):
            nonlocal bar
            if bar is None:
                bar = tqdm(desc="issuing", unit="licence", file=self.stderr._out)
            bar.update(n)

        try:
            report = import_licences_csv(
                data,
                licence_type=licence_type,
                issuer=unit,
                actor="import_licences",
                dry_run=dry_run,
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        finally:
            if bar is not None:
                bar.close()
        for rejected in report.rejected:
            self.stderr.write(f"第 {rejected['line']} 行：" + "；".join(rejected["reasons"]))
        if report.rejected:
            raise CommandError(
                f"{len(report.rejected)} of {report.total} rows rejected; nothing imported"
            )
        if dry_run:
            self.stdout.write(f"dry run: {report.total} rows valid, nothing imported")
        else:
            self.stdout.write(f"imported {report.imported} licences of {licence_type.name}")
