"""Each glossary form's tsquery, stored: a search compares them instead of building them.

The tsqueries come from a SQL function (a generated column cannot unnest an array).
Its body is SQL-standard, so PostgreSQL parses it once, records what it depends on and
dumps and restores it whatever the search path.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.search
from django.db import migrations, models

import search.models
from config.tsearch import IN_WORD, PRINTED

CREATE_FUNCTION = f"""
CREATE FUNCTION {search.models.FORM_QUERIES_FUNCTION}(config regconfig, forms text[])
RETURNS tsquery[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT coalesce(array_agg(form_query ORDER BY position), '{{}}')
  FROM unnest(forms) WITH ORDINALITY AS form (text, position),
       phraseto_tsquery(config, translate(form.text, '{PRINTED.replace("'", "''")}', '{IN_WORD}'))
         AS form_query
  WHERE querytree(form_query) <> '';
END
"""

DROP_FUNCTION = f"DROP FUNCTION {search.models.FORM_QUERIES_FUNCTION}(regconfig, text[])"


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_glossary_and_vocabulary"),
    ]

    operations = [
        migrations.RunSQL(CREATE_FUNCTION, DROP_FUNCTION),
        migrations.AddField(
            model_name="glossaryterm",
            name="form_queries",
            field=models.GeneratedField(
                db_persist=True,
                expression=search.models.FormQueries(),
                output_field=django.contrib.postgres.fields.ArrayField(
                    base_field=django.contrib.postgres.search.SearchQueryField(), size=None
                ),
            ),
        ),
    ]
