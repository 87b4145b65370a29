"""`tongban seed_demo`: build (or complete) the demo province. Idempotent."""

from django.core.management.base import BaseCommand

from tongban.demo.services import DEMO_ENTITIES, DEMO_PERSONS, seed_demo_province


class Command(BaseCommand):
    help = "生成演示省份数据（可重复执行）。Seed the demo province (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=DEMO_PERSONS)
        parser.add_argument("--entities", type=int, default=DEMO_ENTITIES)

    def handle(self, *args, persons, entities, **options):
        report = seed_demo_province(persons=persons, entities=entities)
        for line in report.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("demo province ready"))
