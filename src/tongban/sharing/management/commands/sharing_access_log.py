"""`tongban sharing_access_log verify`: the sharing gateway's access-log hash chain.

Exit status 0 and "OK: N entries" when intact; exit status 1 and the first modified or deleted
entry otherwise (Chinese / English).
"""

from django.core.management.base import BaseCommand, CommandError

from tongban.sharing.services import access_log


class Command(BaseCommand):
    help = "共享调用日志：verify 校验哈希链。Sharing access log: verify the hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验共享调用日志链 / verify the chain")

    def handle(self, *args, **options):
        result = access_log.verify_chain()
        if result.ok:
            self.stdout.write(result.summary)
            return
        self.stderr.write(result.message)
        raise CommandError(f"{result.problem} at #{result.problem_seq}", returncode=1)
