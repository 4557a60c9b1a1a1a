"""Copies of the database and back: SQLite's online backup API, PostgreSQL's pg_dump."""

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message tells the operator why."""


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def applied_migrations(alias: str = "default") -> dict[str, list[str]]:
    recorded = MigrationRecorder(connections[alias]).applied_migrations()
    return _by_app(recorded)


def _by_app(pairs) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in sorted(pairs):
        state.setdefault(app, []).append(name)
    return state


# --- SQLite ---------------------------------------------------------------------------------


def copy_sqlite(source: Path | str, target: Path | str) -> None:
    """Copy a live SQLite database with the online backup API, in one step (one snapshot)."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # pages=-1: the whole database under one read transaction
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        (result,) = dst.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError(f"The copy of the database failed its integrity check: {result}")
    finally:
        dst.close()
        src.close()


def sqlite_migrations(path: Path) -> dict[str, list[str]]:
    db = sqlite3.connect(path)
    try:
        return _by_app(db.execute("SELECT app, name FROM django_migrations").fetchall())
    finally:
        db.close()


def load_sqlite(copy: Path, live: str) -> None:
    """Replace the live database's content with the copy's, under SQLite's own write lock."""
    src = sqlite3.connect(copy)
    dst = sqlite3.connect(live, timeout=30)
    try:
        src.backup(dst)
    except sqlite3.Error as error:
        raise BackupError(f"The database could not be restored: {error}") from None
    finally:
        dst.close()
        src.close()


# --- PostgreSQL -----------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """A PostgreSQL client program, from PATH or the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda p: int(Path(p).parent.parent.name or 0), reverse=True)
    if candidates:
        return candidates[0]
    raise BackupError(
        f"{name} was not found on PATH nor in /usr/lib/postgresql/*/bin. Install PostgreSQL's "
        "client programs, the same major version as the server or newer (Debian: "
        "apt-get install postgresql-client)."
    )


def _pg_connection(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments (host, port, user, database) and environment (password, SSL)."""
    client = connections[alias].client
    args, env = client.settings_to_cmd_args_env(connections[alias].settings_dict, [])
    return args[1:], {**os.environ, **(env or {})}


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed ({Path(command[0]).name}): {result.stderr.strip()}")


def dump_postgresql(target: Path, alias: str = "default") -> None:
    args, env = _pg_connection(alias)
    # pg_dump reads in one transaction: a consistent snapshot while writers go on.
    _run([pg_tool("pg_dump"), "--format=custom", f"--file={target}", *args], env, "pg_dump")


def load_postgresql(dump: Path, alias: str = "default") -> None:
    """Replace the database's tables with the dump's, in one transaction (all or nothing)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    script = dump.with_suffix(".sql")
    with script.open("w") as out:
        # Tables the dump lacks (from migrations newer than the backup) go too, so that
        # migrate can make them again.
        for table in tables:
            out.write(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE;\n")
        out.flush()
        args, env = _pg_connection(alias)
        restore = [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner"]
        restore += ["--no-privileges", "--file=-", str(dump)]
        result = subprocess.run(restore, env=env, stdout=out, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    connections.close_all()
    psql = [pg_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction"]
    psql += ["--set=ON_ERROR_STOP=1", f"--file={script}", *args]
    _run(psql, env, "Loading the database")
