"""SQL for the text search configuration's input (see config/tsearch.py)."""

from django.db import connection
from django.db.models import Func, TextField, Value

from config.tsearch import IN_WORD, PRINTED


class PrintedWords(Func):
    """The text with its apostrophes and primes made word characters, in SQL."""

    function = "translate"
    output_field = TextField()

    def __init__(self, expression, **extra) -> None:
        super().__init__(expression, Value(PRINTED), Value(IN_WORD), **extra)


def english_stems(words: list[str]) -> dict[str, str]:
    """Each word's stem by PostgreSQL's own English stemmer, the configuration's last."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, (ts_lexize('english_stem', word))[1] FROM unnest(%s::text[]) AS word",
            [words],
        )
        return dict(cursor.fetchall())
