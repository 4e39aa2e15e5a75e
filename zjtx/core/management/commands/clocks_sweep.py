from django.core.management.base import BaseCommand

from zjtx.core.clocks import clocks_sweep


class Command(BaseCommand):
    help = "Mark workflow clocks past their due date as breached (run once a day)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        count = clocks_sweep()
        self.stdout.write(f"{count}")
