"""The search configuration folds spelling variants and romanisation (see config/tsearch.py).

Two dictionaries join `english_unaccent`: `corpus_translit` (soft and hard signs,
háčeks) before `unaccent`, `corpus_spelling` (British and American spellings) before
the stemmer. They read files from the server's share directory: copied there when this
machine can write it, else the migration stops and says how to install them. The
stored vectors are then computed anew (the column is dropped and added again), with
apostrophes and primes given to the parser as word characters.
"""

from pathlib import Path

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import DatabaseError, migrations, models, transaction

import corpus.textsearch
from config.tsearch import (
    SPELLING_DICTIONARY,
    TRANSLIT_DICTIONARY,
    dictionary_files_install,
)

WORD_TYPES = "hword, hword_part, word"
ASCII_WORD_TYPES = "asciiword, asciihword, hword_asciipart"

CREATE_DICTIONARIES = f"""
CREATE TEXT SEARCH DICTIONARY {TRANSLIT_DICTIONARY}
    (TEMPLATE = unaccent, RULES = '{TRANSLIT_DICTIONARY}');
CREATE TEXT SEARCH DICTIONARY {SPELLING_DICTIONARY}
    (TEMPLATE = synonym, SYNONYMS = '{SPELLING_DICTIONARY}');
ALTER TEXT SEARCH CONFIGURATION english_unaccent ALTER MAPPING FOR {WORD_TYPES}
    WITH {TRANSLIT_DICTIONARY}, unaccent, {SPELLING_DICTIONARY}, english_stem;
ALTER TEXT SEARCH CONFIGURATION english_unaccent ALTER MAPPING FOR {ASCII_WORD_TYPES}
    WITH {SPELLING_DICTIONARY}, english_stem;
"""
DROP_DICTIONARIES = f"""
ALTER TEXT SEARCH CONFIGURATION english_unaccent ALTER MAPPING FOR {WORD_TYPES}
    WITH unaccent, english_stem;
ALTER TEXT SEARCH CONFIGURATION english_unaccent ALTER MAPPING FOR {ASCII_WORD_TYPES}
    WITH english_stem;
DROP TEXT SEARCH DICTIONARY IF EXISTS {SPELLING_DICTIONARY};
DROP TEXT SEARCH DICTIONARY IF EXISTS {TRANSLIT_DICTIONARY};
"""
MISSING_FILES = (
    "The search dictionaries need two files in the database server's "
    "$(pg_config --sharedir)/tsearch_data directory, which this machine cannot write. "
    "Run `python manage.py search_dictionaries --output DIR`, have the server's "
    "administrator copy the files from DIR there, and run `migrate` again. "
    "(PostgreSQL said: {error})"
)


def server_share_dir(schema_editor) -> Path | None:
    """The server's SHAREDIR, if this role may read it (superusers may)."""
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            with schema_editor.connection.cursor() as cursor:
                cursor.execute("SELECT setting FROM pg_config WHERE name = 'SHAREDIR'")
                return Path(cursor.fetchone()[0])
    except DatabaseError:
        return None


def create_dictionaries(apps, schema_editor):
    share_dir = server_share_dir(schema_editor)
    if share_dir is not None:
        dictionary_files_install(share_dir=share_dir)
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(CREATE_DICTIONARIES)
    except DatabaseError as error:
        raise RuntimeError(MISSING_FILES.format(error=str(error).strip())) from error


def drop_dictionaries(apps, schema_editor):
    schema_editor.execute(DROP_DICTIONARIES)


class Migration(migrations.Migration):
    dependencies = [
        ("corpus", "0002_passage_note_markers"),
    ]

    operations = [
        migrations.RunPython(create_dictionaries, drop_dictionaries),
        migrations.RemoveIndex(model_name="passage", name="passage_search_vector_gin"),
        migrations.RemoveField(model_name="passage", name="search_vector"),
        migrations.AddField(
            model_name="passage",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        corpus.textsearch.PrintedWords("heading"),
                        config="english_unaccent",
                        weight="A",
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        corpus.textsearch.PrintedWords("text"),
                        config="english_unaccent",
                        weight="B",
                    ),
                    django.contrib.postgres.search.SearchConfig("english_unaccent"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="passage",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="passage_search_vector_gin"
            ),
        ),
    ]
