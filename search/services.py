"""Writes of the search app."""

from django.db import connection, transaction

from config.tsearch import IN_WORD, PRINTED, SOFT_AND_HARD_SIGNS
from corpus.models import SEARCH_CONFIG, Passage
from search.models import VOCABULARY_INDEX, VocabularyWord

# Every distinct printed word (asciiword and word tokens of the default parser, three
# to 100 letters), with the passages its lexeme is found in (ts_stat's ndoc): what a
# search for it counts.
VOCABULARY_SQL = f"""
INSERT INTO {VocabularyWord._meta.db_table} (word, letters, lexeme, passages)
SELECT translate(printed.word, %(in_word)s, %(printed)s),
       translate(printed.word, %(signs)s, ''), stat.word, stat.ndoc
FROM (
  -- Quotation marks around a word are not part of it ("'work'").
  SELECT DISTINCT btrim(lower(token.token), %(in_word)s) AS word
  FROM {Passage._meta.db_table} AS passage,
       ts_parse('default', translate(passage.text, %(printed)s, %(in_word)s)) AS token
  WHERE token.tokid IN (1, 2)
) AS printed
CROSS JOIN LATERAL (
  SELECT (tsvector_to_array(to_tsvector(%(config)s::regconfig, printed.word)))[1] AS lexeme
) AS indexed
JOIN ts_stat('SELECT search_vector FROM {Passage._meta.db_table}') AS stat
  ON stat.word = indexed.lexeme
WHERE char_length(printed.word) BETWEEN 3 AND 100
"""


@transaction.atomic
def vocabulary_refresh() -> int:
    """Rebuilds the vocabulary for "did you mean" from the passages; returns its size.

    Run after every change of the corpus (manage.py refresh_vocabulary).
    """
    VocabularyWord.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            VOCABULARY_SQL,
            {
                "config": SEARCH_CONFIG,
                "printed": PRINTED,
                "in_word": IN_WORD,
                "signs": IN_WORD + SOFT_AND_HARD_SIGNS,
            },
        )
        words = cursor.rowcount
        # New rows wait in the trigram index's pending list, which every search would
        # scan, and the table has no statistics yet: until autovacuum gets round to
        # both, the planner compares every word's trigrams instead (12-17 ms a
        # suggestion instead of 0.5).
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [VOCABULARY_INDEX])
        cursor.execute(f"ANALYZE {VocabularyWord._meta.db_table}")
        return words
