# Issue 10: the visibility index also carries the reading order and the credited
# people, so list pages count and order public items without reading their rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0009_markdown_length"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="item",
            name="item_visibility_idx",
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                fields=["state", "issue", "section", "position", "author", "reviewer"],
                name="item_listing_idx",
            ),
        ),
    ]
