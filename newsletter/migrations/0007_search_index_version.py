"""The search index's version: cached search results are keyed by it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0006_search_index")]

    operations = [
        migrations.CreateModel(
            name="SearchIndexVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveBigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "search index version",
                "verbose_name_plural": "search index versions",
            },
        ),
    ]
