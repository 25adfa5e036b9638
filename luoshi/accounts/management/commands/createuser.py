from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.accounts.models import User
from luoshi.accounts.services import create_user
from luoshi.lib import LuoshiError
from luoshi.units.models import Unit


class Command(BaseCommand):
    help = ("Create a user with a role (and a unit for liaisons). "
            "Example: luoshi createuser wang --role liaison --unit EMERG --name 王明")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=User.Role.values)
        parser.add_argument("--unit", help="the unit's code (required for liaisons)")
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="default: asked on the terminal")
        parser.add_argument("--no-force-change", action="store_true",
                            help="do not make the user choose a new password at first login")
        parser.add_argument("--superuser", action="store_true",
                            help="system administrators only: may use the Django admin when LUOSHI_ADMIN=True")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"No unit has the code {options['unit']!r}.")
        password = options["password"] or getpass.getpass("Password: ")
        try:
            user = create_user(
                None, username=options["username"], password=password, role=options["role"],
                unit=unit, first_name=options["name"], email=options["email"],
                must_change_password=not options["no_force_change"], superuser=options["superuser"],
            )
        except LuoshiError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Created {user.username} ({user.get_role_display()}).")
