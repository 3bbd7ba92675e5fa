"""Named API tokens, several per user, stored as digests; DRF's single tokens move over."""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_single_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("annotations", "ApiToken")
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=token.user_id,
            name="API token",
            key_digest=hashlib.sha256(token.key.encode()).hexdigest(),
            key_prefix=token.key[:6],
            created=token.created,
        )
        for token in Token.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0008_theme_guid"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="What the token is for, e.g. “laptop”.", max_length=100)),
                ("key_digest", models.CharField(max_length=64, unique=True)),
                ("key_prefix", models.CharField(help_text="The key's first characters, to tell tokens apart.", max_length=8)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("last_used", models.DateTimeField(blank=True, null=True)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-created", "-id"],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "name"), name="api_token_name_unique"),
                    models.CheckConstraint(condition=models.Q(("name", ""), _negated=True), name="api_token_name_not_blank"),
                ],
            },
        ),
        migrations.RunPython(move_single_tokens, migrations.RunPython.noop),
    ]
