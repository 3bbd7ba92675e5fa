"""The two roles and the codebook the research group starts with.

Only creates what is missing: a theme a researcher has since refined keeps its
definition and colour.
"""

import json
from pathlib import Path

from django.db import migrations

CODEBOOK = Path(__file__).resolve().parents[2] / "fixtures" / "codebook.json"


def create_roles_and_themes(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Theme = apps.get_model("annotations", "Theme")
    for name in ("researchers", "students"):
        Group.objects.get_or_create(name=name)
    for entry in json.loads(CODEBOOK.read_text(encoding="utf-8")):
        Theme.objects.get_or_create(
            slug=entry["slug"],
            defaults={key: entry[key] for key in ("name", "definition", "colour", "order")},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0002_span_within_passage"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles_and_themes, migrations.RunPython.noop)]
