"""A pg_trgm index on the search entries' titles too, so that PostgreSQL can use all three.

A search matches a token in the title, the text or the documents' text; without an index on
the title, PostgreSQL cannot combine the other two indexes and reads the whole table.
"""

from django.db import migrations

INDEX = "searchentry_title_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON media_centre_searchentry "
            "USING gin (title gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("media_centre", "0007_list_order_indexes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
