from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.refi.documents import RefiError
from annotations.refi.import_ import codebook_import


class Command(BaseCommand):
    help = ("Import a REFI-QDA codebook (.qdc, or the codebook inside a .qdpx): themes with "
            "their hierarchy, colours and descriptions. Themes already here are kept as they "
            "are; importing the same file again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .qdc or .qdpx file.")

    def handle(self, *args, path: str, **options):
        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            result = codebook_import(data=data, name=file.name)
        except RefiError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Themes created: {len(result.created)}; "
                          f"already in the codebook: {result.matched}.")
