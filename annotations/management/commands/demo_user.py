"""A local demo researcher for trying the tagging UI: ``make run`` calls this."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from annotations.models import RESEARCHERS_GROUP

USERNAME = "demo"


def demo_password() -> str:
    # Derived from the secret key: stable across runs, so re-running never logs the
    # demo user out, and not guessable where the key is secret.
    digest = hmac.new(settings.SECRET_KEY.encode(), b"demo-user-password", hashlib.sha256)
    return digest.hexdigest()[:16]


class Command(BaseCommand):
    help = "With DEBUG on, creates (or repairs) the local demo researcher and prints its login."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo user was created.")
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
