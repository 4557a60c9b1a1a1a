"""Backups: one archive with a consistent copy of the database and the uploaded files, and back.

`archives` writes, checks and restores the archive; `databases` copies the database in and out
(SQLite's online backup API, PostgreSQL's pg_dump). The management commands `backup` and
`restore` (core.management.commands) are their front.
"""

from .archives import archive_name, check_compatible, create, media_root, restore, verify
from .databases import DATABASE_FILES, BackupError, engine, load_sqlite, pg_tool

__all__ = [
    "DATABASE_FILES",
    "BackupError",
    "archive_name",
    "check_compatible",
    "create",
    "engine",
    "load_sqlite",
    "media_root",
    "pg_tool",
    "restore",
    "verify",
]
