"""The corpus revision: one row whose number every write to the corpus bumps.

Statement-level triggers on the sources, sections and passages bump it in the writing
transaction, so a cache keyed on it can never serve what the corpus no longer says,
whichever code (or psql session) wrote. The numbers come from a sequence, which a
rollback does not take back: a number seen inside a transaction that rolled back is
never given to other data. An upsert, because a test database's flush empties the table.
"""

from django.db import migrations, models

TABLES = ("corpus_source", "corpus_section", "corpus_passage")

BUMP_FUNCTION = """
CREATE FUNCTION corpus_revision_bump() RETURNS trigger LANGUAGE plpgsql
-- The schema it was made in, whatever the path of the session that writes (pg_restore
-- empties it).
SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO corpus_corpusrevision (id, number) VALUES (1, nextval('corpus_revision_number'))
  ON CONFLICT (id) DO UPDATE SET number = EXCLUDED.number;
  RETURN NULL;
END
$$
"""

CREATE_TRIGGERS = [
    f"CREATE TRIGGER {table}_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION corpus_revision_bump()"
    for table in TABLES
]
DROP_TRIGGERS = [f"DROP TRIGGER {table}_revision ON {table}" for table in TABLES]


class Migration(migrations.Migration):
    dependencies = [
        ("corpus", "0004_seeded_metadata"),
    ]

    operations = [
        migrations.CreateModel(
            name="CorpusRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="corpus_revision_single_row"
                    )
                ],
            },
        ),
        migrations.RunSQL(
            "INSERT INTO corpus_corpusrevision (id, number) VALUES (1, 0)",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "CREATE SEQUENCE corpus_revision_number", "DROP SEQUENCE corpus_revision_number"
        ),
        migrations.RunSQL(BUMP_FUNCTION, "DROP FUNCTION corpus_revision_bump()"),
        migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS),
    ]
