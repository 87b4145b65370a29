"""Shared set-up for the benchmarks that need Django and a database.

``setup_django(workdir)`` points the settings at a SQLite file inside ``workdir`` (or at
``database_url`` when given), turns debug off so no query log grows in memory, starts Django
and builds the tables through the migrations.
"""

import os
import sys
from pathlib import Path


def setup_django(workdir: Path, database_url: str | None = None) -> None:
    try:
        import tongban  # noqa: F401
    except ImportError:  # running from a checkout without an installed package
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ["TONGBAN_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["TONGBAN_DEBUG"] = "false"  # no query log growing in memory
    os.environ.setdefault("TONGBAN_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tongban.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
