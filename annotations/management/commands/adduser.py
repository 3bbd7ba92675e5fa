"""Creates an account with a role: ``manage.py adduser NAME --role researcher|student``."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from annotations.models import RESEARCHERS_GROUP, STUDENTS_GROUP

ROLE_GROUPS = {"researcher": RESEARCHERS_GROUP, "student": STUDENTS_GROUP}


class Command(BaseCommand):
    help = "Creates a researcher (may tag) or student (reads only) account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_GROUPS))
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of prompting.",
        )

    def handle(self, *args, username: str, role: str, email: str,
               password_env: str | None, **options) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = _password_from_env(password_env) if password_env else _password_prompt()
        user = User(username=username, email=email)
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from error
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
        self.stdout.write(self.style.SUCCESS(f"Created {role} {username!r}."))


def _password_from_env(name: str) -> str:
    password = os.environ.get(name)
    if not password:
        raise CommandError(f"The environment variable {name} is not set (or is empty).")
    return password


def _password_prompt() -> str:
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise CommandError("The two passwords differ.")
    if not password:
        raise CommandError("The password may not be empty.")
    return password
