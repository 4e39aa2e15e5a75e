"""Print a new API token for a user; only its digest is stored."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zjtx.accounts.models import User
from zjtx.accounts.services import token_create
from zjtx.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                _("No account has the username %(username)s.") % {"username": options["username"]}
            )
        try:
            new = token_create(user=user, name=options["name"], actor=None)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(new.raw)
