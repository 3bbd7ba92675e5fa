"""Writes or rebuilds the text search dictionary files (see config/tsearch.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.tsearch import (
    SPELLING_DICTIONARY,
    TSEARCH_DATA,
    dictionary_files_write,
    spelling_file_text,
    spelling_pairs,
    spelling_synonyms,
)
from corpus.textsearch import english_stems


class Command(BaseCommand):
    help = (
        "Writes the search dictionary files to copy into a database server's "
        "$(pg_config --sharedir)/tsearch_data (--output DIR), or rebuilds the spelling "
        "file from the breame word list (--rebuild, for developers)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--output", type=Path, help="Directory to write the files to.")
        action.add_argument(
            "--rebuild", action="store_true", help="Regenerate config/tsearch_data's spelling file."
        )

    def handle(self, *args, output: Path | None, rebuild: bool, **options):
        if output is not None:
            dictionary_files_write(output=output)
            self.stdout.write(f"Wrote the dictionary files to {output}.")
            return
        try:
            pairs = spelling_pairs()
        except ImportError as error:
            raise CommandError("Install the dev extras (pip install -e '.[dev]').") from error
        words = sorted({word for pair in pairs for word in pair})
        stems = english_stems(words)
        lines = spelling_synonyms(pairs, stems=stems)
        path = TSEARCH_DATA / f"{SPELLING_DICTIONARY}.syn"
        path.write_text(spelling_file_text(lines), encoding="utf-8")
        self.stdout.write(f"{len(pairs)} spelling pairs, {len(lines)} words: wrote {path}.")
