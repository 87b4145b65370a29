"""`tongban audit verify` / `tongban audit sign-head`: the audit hash chain from the shell.

verify: exit status 0 and "OK: N events, head <hash>" when the chain and its signed
checkpoints are intact; exit status 1 and the first problem (Chinese / English) otherwise.
sign-head: sign today's checkpoint now (idempotent per day, like the daily task).
"""

from django.core.management.base import BaseCommand, CommandError

from tongban.core import audit


class Command(BaseCommand):
    help = "审计链：verify 校验哈希链与签名检查点；sign-head 签名当前链头。Audit chain: verify | sign-head."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计链 / verify the chain and its checkpoints")
        sub.add_parser(
            "sign-head", help="签名当前链头（每日一次）/ sign the chain head (once a day)"
        )

    def handle(self, *args, **options):
        if options["action"] == "verify":
            result = audit.verify_chain()
            if result.ok:
                self.stdout.write(
                    f"OK: {result.count} events, head {result.head_hash or audit.GENESIS_HASH}"
                )
                if result.checkpoints:
                    self.stdout.write(f"   {result.checkpoints} signed checkpoint(s) verified")
                return
            problem = result.problem
            self.stderr.write(f"审计链校验失败：{problem.message_zh}")
            self.stderr.write(f"Audit chain verification failed: {problem.message_en}")
            raise CommandError(f"{problem.kind} at #{problem.seq}", returncode=1)
        checkpoint = audit.sign_chain_head(actor="cli")
        if checkpoint is None:
            self.stdout.write("审计链为空，无需签名。 The chain is empty: nothing to sign.")
            return
        self.stdout.write(
            f"Checkpoint {checkpoint.signed_on}: #{checkpoint.seq} {checkpoint.hash} "
            f"(key {checkpoint.key_fingerprint})"
        )
