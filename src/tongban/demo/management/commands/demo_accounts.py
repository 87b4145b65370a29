"""`tongban demo_accounts --url URL`: print where the demo runs and how to log in."""

from django.core.management.base import BaseCommand

from tongban.demo.services import demo_accounts_text


class Command(BaseCommand):
    help = "打印演示地址与演示账号。Print the demo URL and accounts."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        self.stdout.write(demo_accounts_text(url if url.endswith("/") else url + "/"))
