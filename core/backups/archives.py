"""The backup archive: written while the site runs, checked before it is restored, restored.

An archive (newsroom-backup-YYYYMMDDTHHMMSSZ.tar.gz) holds the database (SQLite: a copy made
with SQLite's online backup API; PostgreSQL: pg_dump's custom format), the files under
MEDIA_ROOT, and manifest.json: when it was made, by which Django, the database engine, the
migrations applied, and every file's size and SHA-256. The database is copied first and the
files after, so every file a row of the copy names is complete (uploads are written before
their row is committed, and never rewritten). Restoring checks every checksum before it
touches anything.
"""

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

import django
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from .databases import (
    DATABASE_FILES,
    BackupError,
    applied_migrations,
    copy_sqlite,
    dump_postgresql,
    engine,
    load_postgresql,
    load_sqlite,
    sqlite_migrations,
)

FORMAT = "newsroom-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
CHUNK = 1024 * 1024
MANIFEST_MAX_BYTES = 256 * 1024 * 1024


def archive_name(when: dt.datetime) -> str:
    return f"newsroom-backup-{when.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.tar.gz"


def media_root() -> Path | None:
    """MEDIA_ROOT when uploads are on the local disk; None on object storage (S3)."""
    storage = storages["default"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


# --- Writing an archive ---------------------------------------------------------------------


class _Hashing:
    """A file reader that hashes what tarfile reads from it."""

    def __init__(self, file):
        self.file, self.sha256, self.size = file, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _media_files(root: Path, skip: tuple[Path, ...]) -> Iterator[tuple[Path, str]]:
    """Every regular file under root (symbolic links are not followed), with its posix name;
    not the backup being written, should an operator write it inside MEDIA_ROOT."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if any(path == s or s in path.parents for s in skip):
                continue
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _add(tar: tarfile.TarFile, name: str, file, size: int, mtime: float) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    reader = _Hashing(file)
    tar.addfile(info, reader)
    return {"name": name, "size": reader.size, "sha256": reader.sha256.hexdigest()}


def create(
    destination: Path | str | None = None,
    *,
    alias: str = "default",
    now: dt.datetime | None = None,
    note: Callable[[str], None] = lambda message: None,
) -> tuple[Path, dict]:
    """Write a backup archive; return its path and manifest.

    destination is a directory (the archive gets its dated name there) or a file name ending
    in .tar.gz; by default, the current directory.
    """
    now = now or dt.datetime.now(dt.UTC)
    destination = Path(destination or ".")
    if destination.name.endswith(".tar.gz"):
        path = destination
    else:
        path = destination / archive_name(now)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise BackupError(f"{path} already exists.")
    vendor = engine(alias)
    media = media_root()
    partial = (path.parent / (path.name + ".partial")).absolute()

    # The database's copy waits beside the archive, on the disk the operator chose for backups.
    with tempfile.TemporaryDirectory(prefix=".newsroom-backup-", dir=path.parent) as work:
        database = Path(work, DATABASE_FILES[vendor])
        if vendor == "sqlite":
            copy_sqlite(connections[alias].settings_dict["NAME"], database)
            migrations = sqlite_migrations(database)
        else:
            migrations = applied_migrations(alias)
            dump_postgresql(database, alias)

        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created": now.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "django": django.get_version(),
            "database": {"engine": vendor, "file": database.name},
            "migrations": migrations,
            "media": {"storage": "local" if media else "object storage"},
            "files": [],
        }
        # The archive holds every row (consent records, password hashes): only its owner reads it.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                with tarfile.open(fileobj=out, mode="w:gz") as tar:
                    with database.open("rb") as file:
                        size = database.stat().st_size
                        manifest["files"].append(
                            _add(tar, database.name, file, size, now.timestamp())
                        )
                    if media is None:
                        note(
                            "Uploaded files are on object storage and are not in this archive: "
                            "the bucket's versioning or replication is their backup."
                        )
                    elif media.is_dir():
                        for source, name in _media_files(
                            media, skip=(partial, Path(work).absolute())
                        ):
                            try:
                                file = source.open("rb")
                            except FileNotFoundError:
                                continue  # deleted since the walk listed it
                            with file:
                                stat = os.fstat(file.fileno())
                                manifest["files"].append(
                                    _add(tar, f"{MEDIA}/{name}", file, stat.st_size, stat.st_mtime)
                                )
                    manifest["media"]["files"] = len(manifest["files"]) - 1
                    body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mtime, info.mode = len(body), int(now.timestamp()), 0o600
                    tar.addfile(info, io.BytesIO(body))
                out.flush()
                os.fsync(out.fileno())  # the gzip trailer too: a finished archive is on disk
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return path, manifest


# --- Reading an archive back ----------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and (name in (MANIFEST, *DATABASE_FILES.values()) or path.parts[:1] == (MEDIA,))
        and len(path.parts) <= 64
    )


def verify(archive: Path | str) -> dict:
    """The archive's manifest, once every file in it matches its checksum; else BackupError."""
    archive = Path(archive)
    not_ours = f"{archive} is not a Newsroom backup"
    found: dict[str, dict] = {}
    manifest_bytes = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(
                        f"{not_ours}: it holds {member.name!r}, which a backup never does."
                    )
                if member.name in found or (member.name == MANIFEST and manifest_bytes):
                    raise BackupError(f"{not_ours}: it holds {member.name!r} twice.")
                file = tar.extractfile(member)
                if member.name == MANIFEST:
                    if member.size > MANIFEST_MAX_BYTES:
                        raise BackupError(f"{not_ours}: its manifest is too large.")
                    manifest_bytes = file.read()
                    continue
                sha256 = hashlib.sha256()
                while chunk := file.read(CHUNK):
                    sha256.update(chunk)
                found[member.name] = {"size": member.size, "sha256": sha256.hexdigest()}
            # tarfile stops at a damaged header without a word: read on to the end of the
            # compressed stream, whose checksum then speaks.
            while tar.fileobj.read(CHUNK):
                pass
    except FileNotFoundError:
        raise BackupError(f"{archive} does not exist.") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"{not_ours}, or it is damaged ({error}).") from None

    try:
        manifest = json.loads(manifest_bytes or b"")
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{not_ours}, or it is damaged: it has no Newsroom manifest.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{archive} is a backup of version {manifest.get('version')}; this Newsroom "
            f"reads version {FORMAT_VERSION}."
        )
    try:
        listed = {entry["name"]: entry for entry in manifest["files"]}
        for app, names in manifest["migrations"].items():
            if not all(isinstance(value, str) for value in (app, *names)):
                raise TypeError
        created = manifest["created"]
        if not isinstance(created, str):
            raise TypeError
    except (KeyError, TypeError, AttributeError):
        raise BackupError(f"{not_ours}: its manifest is malformed.") from None
    for name in sorted(set(listed) | set(found)):
        if name not in found:
            raise BackupError(f"{archive} is incomplete: {name} is missing.")
        if name not in listed:
            raise BackupError(f"{archive} was altered: {name} is not in its manifest.")
        if (listed[name]["sha256"], listed[name]["size"]) != (
            found[name]["sha256"],
            found[name]["size"],
        ):
            raise BackupError(
                f"{archive} is damaged or was altered: {name} does not match its checksum."
            )
    database = manifest.get("database", {})
    if (
        DATABASE_FILES.get(database.get("engine")) != database.get("file")
        or database.get("file") not in found
    ):
        raise BackupError(f"{not_ours}: it holds no database copy.")
    return manifest


def check_compatible(manifest: dict, alias: str = "default") -> None:
    """Refuse a backup this database or this version of the code cannot take."""
    here = engine(alias)
    there = manifest["database"]["engine"]
    if there != here:
        raise BackupError(
            f"This backup holds a {there} database, but this site runs on {here}: restore it "
            f"into a {there} database."
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    backed_up = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(backed_up - set(loader.disk_migrations))
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"This backup was made by a newer version of Newsroom (migrations {names} are "
            "unknown here): deploy that version first, then restore."
        )


def restore(
    archive: Path | str,
    manifest: dict,
    *,
    alias: str = "default",
    note: Callable[[str], None] = lambda message: None,
) -> int:
    """Put the archive's files, then its database, in place; return the files restored.

    `manifest` is what verify() returned. Files are written first: should that fail, the
    database is untouched, and files no row names do no harm.
    """
    if connections[alias].in_atomic_block:
        raise BackupError("A restore cannot run inside a database transaction.")
    archive = Path(archive)
    media = media_root()
    listed = {entry["name"]: entry for entry in manifest["files"]}
    database_name = manifest["database"]["file"]
    restored = 0
    with tempfile.TemporaryDirectory(prefix="newsroom-restore-") as work:
        database = Path(work, database_name)
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in listed or not member.isfile():
                    raise BackupError(f"{archive} changed after it was checked: {member.name}")
                if member.name == database_name:
                    target = database
                elif media is None:
                    continue
                else:
                    relative = PurePosixPath(member.name).relative_to(MEDIA)
                    target = media.joinpath(*relative.parts)
                    if not target.resolve().is_relative_to(media.resolve()):
                        raise BackupError(f"{member.name} would be written outside MEDIA_ROOT.")
                _extract(tar, member, target, listed[member.name]["sha256"])
                if target != database:
                    restored += 1
        if media is None and len(listed) > 1:
            note(
                "Uploaded files are on object storage here: the archive's files were not "
                "restored; restore the bucket from its versioning or replica."
            )
        connections.close_all()
        if manifest["database"]["engine"] == "sqlite":
            load_sqlite(database, connections[alias].settings_dict["NAME"])
        else:
            load_postgresql(database, alias)
        connections.close_all()
    for cache in caches.all():
        cache.clear()  # cached pages and tables describe the database as it was
    return restored


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, sha256: str) -> None:
    """Write a member next to target, check it again, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    digest = hashlib.sha256()
    try:
        with tar.extractfile(member) as source, partial.open("wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise BackupError(f"{member.name} changed while it was being restored.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
