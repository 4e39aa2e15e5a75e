"""Daily job: every deadline reminder that is due today and was not sent before."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zjtx.core.reminders import reminders_send


class Command(BaseCommand):
    help = "Send deadline reminders (monitoring reports, closing rounds, clocks, certificate expiry) once each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as of this date (YYYY-MM-DD); default today.")

    def handle(self, *args: object, **options: object) -> None:
        raw = options.get("date")
        try:
            today = date.fromisoformat(str(raw)) if raw else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        counts = reminders_send(today=today)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(f"total: {sum(counts.values())}")
