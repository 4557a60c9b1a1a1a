"""The search index holds what a search filters and sorts on, so that a query reads no other table.

Each entry gains its item's publishing times (`public_from`: the publication time while the
status is published; `public_until`: the withdrawal time) and a unique `sort_key` (the date,
then the item: newest first in descending order). On SQLite the FTS5 table takes the sort key
as its row id, so that a search reads its matches newest first and stops at the cap instead of
sorting every entry that has a common word.
"""

import importlib

from django.db import migrations, models

VendorSQL = importlib.import_module("media_centre.migrations.0006_search").VendorSQL

FTS = "media_centre_searchentry_fts"
TABLE = "media_centre_searchentry"
PUBLISHED = "published"
KIND_NUMBERS = {"release": 0, "event": 1, "mou": 2, "study": 3, "person": 4}
MODELS = {
    "release": "PressRelease",
    "event": "Event",
    "mou": "MoU",
    "study": "Study",
    "person": "Person",
}


def fts(rowid: str) -> list[str]:
    """The FTS5 table over the entries with `rowid` as its row id, its triggers, filled."""
    columns = "title, text, document_text"
    return [
        f"CREATE VIRTUAL TABLE {FTS} USING fts5({columns}, "
        f"content='{TABLE}', content_rowid='{rowid}', tokenize='trigram')",
        f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}(rowid, {columns}) "
        f"VALUES (new.{rowid}, new.title, new.text, new.document_text); END",
        f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {columns}) "
        f"VALUES ('delete', old.{rowid}, old.title, old.text, old.document_text); END",
        f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {columns}) "
        f"VALUES ('delete', old.{rowid}, old.title, old.text, old.document_text); "
        f"INSERT INTO {FTS}(rowid, {columns}) "
        f"VALUES (new.{rowid}, new.title, new.text, new.document_text); END",
        f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    ]


DROP_FTS = [
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]


def sort_key(kind: str, object_id: int, date) -> int:
    # As media_centre.models.search.sort_key, copied so that this migration stays as it is.
    return ((date.toordinal() if date else 0) << 35) | (object_id << 3) | KIND_NUMBERS[kind]


def fill(apps, schema_editor):
    entry_model = apps.get_model("media_centre", "SearchEntry")
    for kind, name in MODELS.items():
        times = {
            pk: (publish_at, unpublish_at) if status == PUBLISHED else (None, None)
            for pk, status, publish_at, unpublish_at in apps.get_model("media_centre", name)
            .objects.values_list("pk", "status", "publish_at", "unpublish_at")
            .iterator(chunk_size=2000)
        }
        entries = []
        for entry in entry_model.objects.filter(kind=kind).only("pk", "object_id", "date"):
            entry.public_from, entry.public_until = times.get(entry.object_id, (None, None))
            entry.sort_key = sort_key(kind, entry.object_id, entry.date)
            entries.append(entry)
        entry_model.objects.bulk_update(
            entries, ["public_from", "public_until", "sort_key"], batch_size=500
        )


class Migration(migrations.Migration):
    dependencies = [
        ("media_centre", "0018_download_log_position"),
    ]

    operations = [
        # The triggers would rewrite every entry's full text on each update below.
        VendorSQL("sqlite", DROP_FTS, fts("id")),
        migrations.AddField(
            model_name="searchentry",
            name="public_from",
            field=models.DateTimeField(
                blank=True,
                help_text="The item's publication time while its status is published; else empty.",
                null=True,
                verbose_name="public from",
            ),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="public_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="public until"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="sort_key",
            field=models.BigIntegerField(null=True, verbose_name="sort key"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="searchentry",
            name="sort_key",
            field=models.BigIntegerField(unique=True, verbose_name="sort key"),
        ),
        migrations.AlterModelOptions(
            name="searchentry",
            options={
                "ordering": ["-sort_key"],
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
            },
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(
                fields=["-sort_key", "public_from", "public_until", "kind", "object_id", "year"],
                name="searchentry_results",
            ),
        ),
        VendorSQL("sqlite", fts("sort_key"), DROP_FTS),
    ]
