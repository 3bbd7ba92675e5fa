"""What the two import commands share: reading the file, and errors as command errors."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.refi.documents import RefiError


class RefiImportCommand(BaseCommand):
    """Reads the file named on the command line and hands its bytes to ``import_file``."""

    def add_arguments(self, parser):
        parser.add_argument("path", help="The REFI-QDA file.")

    def handle(self, *args, path: str, **options):
        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            self.import_file(data=data, name=file.name)
        except RefiError as error:
            raise CommandError(str(error)) from error

    def import_file(self, *, data: bytes, name: str) -> None:
        raise NotImplementedError
