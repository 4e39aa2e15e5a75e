"""Print the current TOTP code of a user's authenticator: for demos and browser tests only."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current 6-digit code of USERNAME's TOTP device (refused unless DEBUG)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--force", action="store_true", help="run even though DEBUG is False")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                _(
                    "DEBUG is False: one-time codes are not printed on a production system. "
                    "Add --force if you really need one."
                )
            )
        device = (
            TOTPDevice.objects.filter(user__username=options["username"])
            .order_by("-confirmed", "id")
            .first()
        )
        if device is None:
            raise CommandError(
                _("%(username)s has no registered authenticator.")
                % {"username": options["username"]}
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
