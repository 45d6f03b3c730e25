"""The site generation of the page cache (newsletter.caching), with its one row."""

import time
import uuid

from django.db import migrations, models


def create_row(apps, schema_editor):
    SiteGeneration = apps.get_model("newsletter", "SiteGeneration")
    SiteGeneration.objects.create(pk=1, token=uuid.uuid4().hex, changed_at=time.time())


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0010_item_listing_index")]

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
                (
                    "changed_at",
                    models.FloatField(help_text="Seconds since the epoch.", verbose_name="changed at"),
                ),
                (
                    "next_due_at",
                    models.FloatField(
                        blank=True,
                        help_text="When the next scheduled issue becomes public; seconds since the epoch.",
                        null=True,
                        verbose_name="next issue due at",
                    ),
                ),
            ],
            options={"verbose_name": "site generation", "verbose_name_plural": "site generations"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
