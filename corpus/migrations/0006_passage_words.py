"""Where each word of a passage lies: the spans search cuts snippets from.

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
offsets hold for the text as stored.

The spans live in a table of their own, ``corpus_passagewords``, so that scanning
passages for a search does not read them (as a column they made the table half as big
again, and a common word's search at 200,000 passages a third slower). Triggers keep
it, whatever writes the passages: a load, the admin, psql.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

from config.tsearch import IN_WORD, PRINTED

# The default parser's token types (ts_token_type('default')) that english_unaccent maps:
# all but blank (12), tag (13), protocol (14) and entity (23).
POSITIONED_TYPES = "{1,2,3,4,5,6,7,8,9,10,11,15,16,17,18,19,20,21,22}"
# url (5), numhword (15), asciihword (16), hword (17): followed by their parts.
COMPOUND_TYPES = "{5,15,16,17}"

CREATE_SPANS_FUNCTION = f"""
CREATE FUNCTION passage_word_spans(document text) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(edge.at ORDER BY token.n, edge.side), '{{}}')
  FROM (
    SELECT n, tokid, token,
           coalesce(sum(length(token)) FILTER (WHERE tokid <> ALL ('{COMPOUND_TYPES}'))
                    OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
             AS start
    FROM pg_catalog.ts_parse('default',
                             translate(document, '{PRINTED.replace("'", "''")}', '{IN_WORD}'))
         WITH ORDINALITY AS token (tokid, token, n)
  ) AS token
  CROSS JOIN LATERAL (VALUES (1, token.start), (2, token.start + length(token.token)))
    AS edge (side, at)
  WHERE token.tokid = ANY ('{POSITIONED_TYPES}')
$$
"""

KEEP_FUNCTIONS = """
CREATE FUNCTION passage_words_keep() RETURNS trigger LANGUAGE plpgsql
-- The schema it was made in, whatever the path of the session that writes.
SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM corpus_passagewords WHERE passage_id = OLD.id;
  ELSE
    INSERT INTO corpus_passagewords (passage_id, spans)
    VALUES (NEW.id, passage_word_spans(NEW.text))
    ON CONFLICT (passage_id) DO UPDATE SET spans = EXCLUDED.spans;
  END IF;
  RETURN NULL;
END
$$;
-- DELETE, not TRUNCATE: a flush truncates both tables in one statement, and a
-- TRUNCATE here would find corpus_passagewords in use by it.
CREATE FUNCTION passage_words_empty() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM corpus_passagewords;
  RETURN NULL;
END
$$;
CREATE TRIGGER corpus_passage_words AFTER INSERT OR UPDATE OF text OR DELETE
ON corpus_passage FOR EACH ROW EXECUTE FUNCTION passage_words_keep();
CREATE TRIGGER corpus_passage_words_truncate AFTER TRUNCATE
ON corpus_passage FOR EACH STATEMENT EXECUTE FUNCTION passage_words_empty();
INSERT INTO corpus_passagewords (passage_id, spans)
SELECT id, passage_word_spans(text) FROM corpus_passage;
"""

DROP_KEEP_FUNCTIONS = """
DROP TRIGGER corpus_passage_words_truncate ON corpus_passage;
DROP TRIGGER corpus_passage_words ON corpus_passage;
DROP FUNCTION passage_words_empty();
DROP FUNCTION passage_words_keep();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("corpus", "0005_corpus_revision"),
    ]

    operations = [
        migrations.RunSQL(CREATE_SPANS_FUNCTION, "DROP FUNCTION passage_word_spans(text)"),
        migrations.CreateModel(
            name="PassageWords",
            fields=[
                (
                    "passage",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="corpus.passage",
                    ),
                ),
                (
                    "spans",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.IntegerField(), size=None
                    ),
                ),
            ],
        ),
        migrations.RunSQL(KEEP_FUNCTIONS, DROP_KEEP_FUNCTIONS),
    ]
