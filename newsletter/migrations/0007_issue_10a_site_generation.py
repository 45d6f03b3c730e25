"""The site generation of the page cache (newsletter.caching), with its one row."""

import uuid

from django.db import migrations, models
from django.utils import timezone


def create_row(apps, schema_editor):
    SiteGeneration = apps.get_model("newsletter", "SiteGeneration")
    SiteGeneration.objects.create(pk=1, token=uuid.uuid4().hex, changed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0006_search_index")]

    operations = [
        migrations.CreateModel(
            name="SiteGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32, verbose_name="token")),
                ("changed_at", models.DateTimeField(verbose_name="changed at")),
            ],
            options={"verbose_name": "site generation", "verbose_name_plural": "site generations"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
