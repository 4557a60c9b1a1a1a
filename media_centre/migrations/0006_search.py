"""The search index, with FTS5 (trigram) on SQLite and a pg_trgm index on PostgreSQL."""

from django.db import migrations, models

FTS = "media_centre_searchentry_fts"
TABLE = "media_centre_searchentry"

# An external-content FTS5 table: the triggers keep it in step with every write to the table.
SQLITE_FORWARDS = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, text, document_text, "
    f"content='{TABLE}', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, title, text, document_text) "
    "VALUES (new.id, new.title, new.text, new.document_text); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, text, document_text) "
    "VALUES ('delete', old.id, old.title, old.text, old.document_text); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, text, document_text) "
    "VALUES ('delete', old.id, old.title, old.text, old.document_text); "
    f"INSERT INTO {FTS}(rowid, title, text, document_text) "
    "VALUES (new.id, new.title, new.text, new.document_text); END",
]
SQLITE_BACKWARDS = [
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRES_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX searchentry_text_trgm ON {TABLE} USING gin (text gin_trgm_ops)",
    f"CREATE INDEX searchentry_document_text_trgm ON {TABLE} "
    "USING gin (document_text gin_trgm_ops)",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS searchentry_document_text_trgm",
    "DROP INDEX IF EXISTS searchentry_text_trgm",
]


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor."""

    def __init__(self, vendor: str, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, kwargs.pop("sql"), kwargs.pop("reverse_sql", None)], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("media_centre", "0005_desk_permissions_for_requests_and_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("release", "Press release"),
                            ("event", "Event"),
                            ("mou", "MoU"),
                            ("study", "Publication"),
                            ("person", "Speaker"),
                        ],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField(verbose_name="item")),
                (
                    "year",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="year"),
                ),
                ("date", models.DateField(blank=True, null=True, verbose_name="date")),
                (
                    "title",
                    models.TextField(
                        blank=True, help_text="Normalised for matching.", verbose_name="title"
                    ),
                ),
                (
                    "text",
                    models.TextField(
                        blank=True,
                        help_text="All languages' text, lowercased, in Simplified script.",
                        verbose_name="text",
                    ),
                ),
                (
                    "document_text",
                    models.TextField(
                        blank=True,
                        help_text="The attached documents' text, normalised.",
                        verbose_name="document text",
                    ),
                ),
                (
                    "documents",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Each document's id, title, checksum and extracted text.",
                        verbose_name="documents",
                    ),
                ),
                ("indexed_at", models.DateTimeField(auto_now=True, verbose_name="indexed")),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "ordering": ["-date", "-pk"],
                "indexes": [models.Index(fields=["kind", "year"], name="searchentry_kind_year")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"),
                        name="searchentry_unique_item",
                        violation_error_message="This item is already indexed.",
                    )
                ],
            },
        ),
        VendorSQL("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
        VendorSQL("postgresql", POSTGRES_FORWARDS, POSTGRES_BACKWARDS),
    ]
