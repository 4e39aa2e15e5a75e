"""Daily job: send the 90/60/30-day expiry reminders (run from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from zjtx.certification.services import expiry_reminders_send


class Command(BaseCommand):
    help = "Send certification expiry reminders due today."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        sent = expiry_reminders_send()
        self.stdout.write(f"{len(sent)} reminders sent")
