"""Researchers may refine the codebook in the admin: view, add, change and delete themes
(deleting one that has tags is refused by the admin itself)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

THEME_PERMISSIONS = ["view_theme", "add_theme", "change_theme", "delete_theme"]


def researchers_may_edit_codebook(apps, schema_editor):
    # Permissions are normally created after all migrations ran; we need them now.
    annotations_app = apps.get_app_config("annotations")
    models_module = getattr(annotations_app, "models_module", None)
    annotations_app.models_module = models_module or True
    create_permissions(annotations_app, apps=apps, verbosity=0)
    annotations_app.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    researchers, _ = Group.objects.get_or_create(name="researchers")
    researchers.permissions.add(
        *Permission.objects.filter(content_type__app_label="annotations",
                                   codename__in=THEME_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0003_roles_and_codebook"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(researchers_may_edit_codebook, migrations.RunPython.noop)]
