"""``tongban import_licence_types``: create or update the licence types of the shared data
file (``licence-types.yaml`` in ``TONGBAN_SHARED_DATA_DIR``); idempotent."""

from django.core.management.base import BaseCommand, CommandError

from tongban.core.exceptions import DomainError
from tongban.licences.services.types import import_licence_types


class Command(BaseCommand):
    help = "Import the licence types (电子证照类型) from the shared data file."

    def handle(self, *args, **options):
        try:
            result = import_licence_types(actor="import_licence_types")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"licence types: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged"
        )
