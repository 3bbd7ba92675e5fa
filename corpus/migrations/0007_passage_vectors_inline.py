"""Passages keep their search vectors in their own rows, not in the TOAST table.

PostgreSQL moves a row's longest values out of line once the row passes about 2 kB,
and a long passage's search vector is the longest: one passage in six had its vector
out of line. A search reads the vector of every passage it tests, and an out-of-line
vector costs an index lookup and a chunk read each time: a fifth of a common word's
ranking. Rows up to the largest target a table allows (8,160 bytes, nearly a page) now
stay whole; longer ones are still toasted as before.

The setting governs rows as they are written, so the migration writes each passage's
heading back unchanged: that recomputes its vector into the row (the text, and so its
word spans, is left as it is).
"""

from django.db import migrations

TABLE = "corpus_passage"


class Migration(migrations.Migration):
    dependencies = [("corpus", "0006_passage_words")]

    operations = [
        migrations.RunSQL(
            sql=[
                f"ALTER TABLE {TABLE} SET (toast_tuple_target = 8160)",
                f"UPDATE {TABLE} SET heading = heading",
            ],
            reverse_sql=[f"ALTER TABLE {TABLE} RESET (toast_tuple_target)"],
        ),
    ]
