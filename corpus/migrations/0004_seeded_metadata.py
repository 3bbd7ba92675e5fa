from django.db import migrations, models

SOURCE_METADATA = ("title", "authors", "year", "venue", "citation", "ordinal")
SECTION_METADATA = ("number", "title", "authors")


def seeds_from_current_values(apps, schema_editor):
    """Today's values count as seeded (edits made before cannot be told apart), and
    every source is marked for a re-parse so the next load fills ``note_markers``."""
    Source = apps.get_model("corpus", "Source")
    Section = apps.get_model("corpus", "Section")
    sources = list(Source.objects.all())
    for source in sources:
        source.seeded = {field: getattr(source, field) for field in SOURCE_METADATA}
        source.sha256 = ""
    Source.objects.bulk_update(sources, ["seeded", "sha256"])
    sections = list(Section.objects.all())
    for section in sections:
        section.seeded = {field: getattr(section, field) for field in SECTION_METADATA}
    Section.objects.bulk_update(sections, ["seeded"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("corpus", "0003_search_spelling_and_transliteration"),
    ]

    operations = [
        migrations.AddField(
            model_name="source",
            name="seeded",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="section",
            name="seeded",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(seeds_from_current_values, migrations.RunPython.noop),
    ]
