"""A local demo researcher for trying the tagging UI: ``make run`` calls this."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from annotations.models import RESEARCHERS_GROUP

USERNAME = "demo"


PASSWORD_FILE = settings.BASE_DIR / ".data" / "demo-password"


def demo_password(*, path: Path | None = None) -> str:
    """A random password, kept in the git-ignored data folder so that re-running
    ``make run`` keeps it (and never logs the demo user out)."""
    path = path or PASSWORD_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return password


class Command(BaseCommand):
    help = "With DEBUG on, creates (or repairs) the local demo researcher and prints its login."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo user was created.")
            return
        if os.environ.get("DATABASE_URL"):
            # A shared or real database is no place for an account with a printed password.
            self.stdout.write("DATABASE_URL is set: no demo user was created.")
            return
        password = demo_password()
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(username=USERNAME)
            if not user.check_password(password):
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=RESEARCHERS_GROUP))
        state = "Created" if created else "Ready"
        self.stdout.write(self.style.SUCCESS(
            f"{state}: demo researcher — username {USERNAME!r}, password {password!r}"
        ))
