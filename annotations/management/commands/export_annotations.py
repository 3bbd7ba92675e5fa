from pathlib import Path

from django.core.management.base import BaseCommand

from annotations.backup import annotations_export


class Command(BaseCommand):
    help = "Write the codebook, the taggers and every tag (with quote selectors) to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write, or - for standard output.")

    def handle(self, *args, path: str, **options):
        document = annotations_export()
        if path == "-":
            self.stdout.write(document, ending="")
            return
        Path(path).write_text(document, encoding="utf-8")
        self.stderr.write(self.style.SUCCESS(f"Wrote the annotations backup to {path}."))
