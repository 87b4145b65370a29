"""``tongban seed --persons N --entities M [--seed S] [--batch 5000]``

Seeds the org-unit tree, the fixed demo people and N generated persons and M legal entities
(streamed in batches with a progress bar; safe to re-run with the same seed).
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tongban.core.orgunits import seed_org_units
from tongban.registries.services import ensure_demo_people, seed_registries


class Command(BaseCommand):
    help = "生成人口库与法人库演示数据（一数一源），可达数百万条。"

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=10_000, help="人口数量（默认 10000）")
        parser.add_argument("--entities", type=int, default=2_000, help="法人数量（默认 2000）")
        parser.add_argument("--seed", type=int, default=0, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--batch", type=int, default=5_000, help="每批写入条数（默认 5000）")
        parser.add_argument("--skip-org-units", action="store_true", help="不生成组织机构树")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **options):
        persons, entities, batch = options["persons"], options["entities"], options["batch"]
        if persons < 0 or entities < 0 or batch < 1:
            raise CommandError("--persons/--entities 不能为负数，--batch 至少为 1。")
        if not options["skip_org_units"]:
            result = seed_org_units()
            self.stdout.write(
                f"组织机构：新增 {result.created}，更新 {result.updated}，共 {result.total}"
            )
        demo = ensure_demo_people()
        self.stdout.write(f"演示人员：变更 {demo['persons']} 人，{demo['entities']} 个法人")

        disable = options["no_progress"] or options["verbosity"] < 1
        totals = {"persons": (persons, "人口", "人"), "entities": (entities, "法人", "户")}
        bars: dict = {}

        def progress(kind, count):
            if kind not in bars:  # one bar per phase, opened when the phase starts
                for bar in bars.values():
                    bar.close()
                total, desc, unit = totals[kind]
                bars[kind] = tqdm(
                    total=total, desc=desc, unit=unit, disable=disable, file=self.stderr
                )
            bars[kind].update(count)

        try:
            summary = seed_registries(
                persons=persons,
                entities=entities,
                seed=options["seed"],
                batch_size=batch,
                progress=progress,
            )
        finally:
            for bar in bars.values():
                bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"人口库：新增 {summary.persons_created}/{summary.persons_requested}；"
                f"法人库：新增 {summary.entities_created}/{summary.entities_requested}（种子 {summary.seed}）"
            )
        )
