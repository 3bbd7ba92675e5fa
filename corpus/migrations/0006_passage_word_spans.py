"""Where each word of a passage's text lies: the spans search cuts snippets from.

``passage_word_spans(text)`` numbers the text's tokens as ``to_tsvector`` numbers the
positions of its lexemes, and gives each position's start and end (character offsets,
flattened: ``[start1, end1, start2, end2, ...]``). A search then marks the positions its
query's lexemes have in the stored vector, with no need to parse the text again
(``ts_headline`` re-parses every passage it shows: most of a search's time).

The rules are those of PostgreSQL's default parser and the configuration's mapping:
every token of a type the configuration maps takes a position, stop words included;
spaces, punctuation, protocols, tags and entities take none. A hyphenated word or a URL
comes whole and then part by part, and each takes a position, so the whole does not
move the cursor on. The text is read with its apostrophes and primes swapped as the
vector reads them (corpus.textsearch.PrintedWords), one character for one, so the
offsets hold for the text as stored. A stored generated column: Postgres keeps it in
step with the text on every load and edit.
"""

import django.contrib.postgres.fields

import corpus.textsearch
from django.db import migrations, models

from config.tsearch import IN_WORD, PRINTED

# The default parser's token types (ts_token_type('default')) that english_unaccent maps:
# all but blank (12), tag (13), protocol (14) and entity (23).
POSITIONED_TYPES = "{1,2,3,4,5,6,7,8,9,10,11,15,16,17,18,19,20,21,22}"
# url (5), numhword (15), asciihword (16), hword (17): followed by their parts.
COMPOUND_TYPES = "{5,15,16,17}"

CREATE_FUNCTION = f"""
CREATE FUNCTION passage_word_spans(document text) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(edge.at ORDER BY token.n, edge.side), '{{}}')
  FROM (
    SELECT n, tokid, token,
           coalesce(sum(length(token)) FILTER (WHERE tokid <> ALL ('{COMPOUND_TYPES}'))
                    OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
             AS start
    FROM ts_parse('default', translate(document, '{PRINTED.replace("'", "''")}', '{IN_WORD}'))
         WITH ORDINALITY AS token (tokid, token, n)
  ) AS token
  CROSS JOIN LATERAL (VALUES (1, token.start), (2, token.start + length(token.token)))
    AS edge (side, at)
  WHERE token.tokid = ANY ('{POSITIONED_TYPES}')
$$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("corpus", "0005_corpus_revision"),
    ]

    operations = [
        migrations.RunSQL(CREATE_FUNCTION, "DROP FUNCTION passage_word_spans(text)"),
        migrations.AddField(
            model_name="passage",
            name="word_spans",
            field=models.GeneratedField(
                db_persist=True,
                expression=corpus.textsearch.WordSpans("text"),
                output_field=django.contrib.postgres.fields.ArrayField(
                    base_field=models.IntegerField()
                ),
            ),
        ),
    ]
