"""Writes or rebuilds the text search dictionary files (see config/tsearch.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from config.tsearch import (
    SPELLING_DICTIONARY,
    TSEARCH_DATA,
    dictionary_files_write,
    spelling_pairs,
    spelling_synonyms,
)


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
        with connection.cursor() as cursor:
            # The stem the configuration would give: PostgreSQL's own stemmer.
            cursor.execute(
                "SELECT word, (ts_lexize('english_stem', word))[1] FROM unnest(%s::text[]) AS word",
                [words],
            )
            stems = dict(cursor.fetchall())
        lines = spelling_synonyms(pairs, stems=stems)
        path = TSEARCH_DATA / f"{SPELLING_DICTIONARY}.syn"
        path.write_text("".join(f"{word} {stem}\n" for word, stem in lines), encoding="utf-8")
        self.stdout.write(f"{len(pairs)} spelling pairs, {len(lines)} words: wrote {path}.")
