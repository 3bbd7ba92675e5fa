from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0007_codebook'),
    ]

    operations = [
        migrations.AddField(
            model_name='theme',
            name='guid',
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
    ]
