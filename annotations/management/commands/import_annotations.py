from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.backup import BackupError, annotations_import


class Command(BaseCommand):
    help = "Restore a backup written by export_annotations; tags already present are skipped."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file.")

    def handle(self, *args, path: str, **options):
        try:
            payload = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            result = annotations_import(payload=payload)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Themes created: {result.themes_created}; users created: {result.users_created}; "
            f"tags created: {result.tags_created} ({result.tags_orphaned} as orphans); "
            f"already present: {result.tags_existing}."
        )
