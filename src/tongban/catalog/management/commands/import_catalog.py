"""``tongban import_catalog``: import the demo service catalogue (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from tongban.catalog.importer import import_catalog
from tongban.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Import the service items of the shared data into the catalogue (idempotent)."

    def handle(self, *args, **options):
        try:
            result = import_catalog(actor="import_catalog")
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(
            f"items: {result.items_total} ({result.items_created} created), "
            f"versions created: {result.versions_created}, "
            f"implementations created: {result.implementations_created} {result.by_level}, "
            f"themes created: {result.themes_created}"
        )
