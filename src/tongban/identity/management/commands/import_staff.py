"""tongban import_staff roster.csv [--dry-run] [--actor USERNAME] [--passwords-out FILE]

Imports a civil servant roster (CSV columns: username,name,mobile,id_number,org_unit_code,
role,covers_children). Every line is checked first; any error imports nothing and the
command exits non-zero with one message per bad line.
"""

import csv
import os

from django.core.management.base import BaseCommand, CommandError

from tongban.core.exceptions import DomainError
from tongban.identity.models import User
from tongban.identity.services import staff as staff_services


class Command(BaseCommand):
    help = "导入公务人员花名册 (CSV)；--dry-run 只检查不导入。"

    def add_arguments(self, parser):
        parser.add_argument("roster", help="CSV file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every line, change nothing"
        )
        parser.add_argument(
            "--actor",
            help="import with this staff user's permissions "
            "(default: the platform itself, all org units)",
        )
        parser.add_argument(
            "--passwords-out",
            help="write username,password CSV here (mode 0600) "
            "instead of printing generated passwords",
        )

    def handle(self, *args, roster, dry_run, actor, passwords_out, **options):
        if actor:
            actor_user = User.objects.filter(username=actor, is_active=True).first()
            if actor_user is None:
                raise CommandError(f"没有这个用户：{actor}")
        else:
            actor_user = staff_services.SYSTEM
        try:
            with open(roster, "rb") as handle:
                result = staff_services.import_staff_roster(
                    handle, actor=actor_user, dry_run=dry_run
                )
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if result.errors:
            for e in result.errors:
                where = f"第{e.line}行" if e.line else "导入时"
                field = f"（{e.field}）" if e.field else ""
                self.stderr.write(f"{where}{field} [{e.code}] {e.message}")
            raise CommandError(f"花名册有 {len(result.errors)} 处错误，未导入任何记录。")
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"预检通过：{len(result.rows)} 行，将创建 {len(result.usernames)} 个账户（未写入）。"
                )
            )
            return
        if passwords_out:
            fd = os.open(passwords_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["username", "password"])
                for item in result.created:
                    writer.writerow([item.user.username, item.generated_password])
        else:
            self.stdout.write("username,password")
            for item in result.created:
                self.stdout.write(f"{item.user.username},{item.generated_password}")
        self.stdout.write(self.style.SUCCESS(f"已导入 {len(result.created)} 个账户。"))
