"""Backup and restore: a consistent archive while writers write, checked before it is restored."""

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import sqlite3
import stat
import tarfile
import threading

import django
import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from core import backups
from media_centre.models import PressRelease, Topic

from .conftest import MINIMAL_PDF, make_document, make_release, make_topic

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite online-backup path"
)


def run_backup(destination) -> str:
    out = io.StringIO()
    call_command("backup", str(destination), stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def members(archive) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def rewrite(archive, out_path, change) -> None:
    """A copy of the archive with change(name, data) -> data applied to each member."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out_path, "w:gz") as target:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))


def rewrite_manifest(archive, out_path, change) -> None:
    """A copy of the archive whose manifest change(manifest) has edited in place."""

    def edit(member, data):
        if member != "manifest.json":
            return data
        manifest = json.loads(data)
        change(manifest)
        return json.dumps(manifest).encode()

    rewrite(archive, out_path, edit)


def restore(archive, *args):
    out = io.StringIO()
    call_command("restore", str(archive), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# Making an archive


@pytest.mark.django_db
def test_backup_writes_a_dated_private_archive_with_a_manifest(tmp_path, settings):
    document = make_document(content=MINIMAL_PDF)
    make_release(pdf=document)

    path = run_backup(tmp_path / "backups")

    assert re.fullmatch(r".*/newsroom-backup-\d{8}T\d{6}Z\.tar\.gz", path)
    assert (
        stat.S_IMODE((tmp_path / "backups").joinpath(path.rsplit("/", 1)[1]).stat().st_mode)
        == 0o600
    )
    content = members(path)
    manifest = json.loads(content["manifest.json"])
    assert manifest["format"] == "newsroom-backup" and manifest["version"] == 1
    created = dt.datetime.fromisoformat(manifest["created"])
    assert abs(created - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert manifest["django"] == django.get_version()
    assert manifest["database"] == {
        "engine": connection.vendor,
        "file": manifest["files"][0]["name"],
    }
    applied = MigrationRecorder(connection).applied_migrations()
    assert manifest["migrations"]["media_centre"] == sorted(
        n for a, n in applied if a == "media_centre"
    )
    assert manifest["media"] == {"storage": "local", "files": 1}
    document_name = f"media/{document.file.name}"
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == set(content) - {"manifest.json"}
    assert listed[document_name]["sha256"] == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert content[document_name] == MINIMAL_PDF
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(content[name]).hexdigest()
        assert entry["size"] == len(content[name])


@pytest.mark.django_db
def test_backup_to_a_named_file_refuses_to_overwrite(tmp_path):
    target = tmp_path / "tonight.tar.gz"
    assert run_backup(target) == str(target)

    with pytest.raises(CommandError, match="already exists"):
        run_backup(target)


@pytest.mark.django_db
def test_a_backup_written_inside_media_root_does_not_hold_itself(settings):
    document = make_document()

    archive = run_backup(settings.MEDIA_ROOT / "backups")

    database = backups.DATABASE_FILES[connection.vendor]
    assert set(members(archive)) == {"manifest.json", database, f"media/{document.file.name}"}


@pytest.mark.django_db
def test_backup_with_uploads_on_object_storage_says_the_bucket_is_their_backup(
    tmp_path, monkeypatch
):
    monkeypatch.setattr("core.backups.archives.media_root", lambda: None)
    err = io.StringIO()

    call_command("backup", str(tmp_path), stdout=io.StringIO(), stderr=err)

    assert "versioning or replication is their backup" in err.getvalue()
    (archive,) = tmp_path.glob("*.tar.gz")
    manifest = json.loads(members(archive)["manifest.json"])
    assert manifest["media"]["storage"] == "object storage"
    assert not [name for name in members(archive) if name.startswith("media/")]


class Writer(threading.Thread):
    """Writes releases, each with its topic link in the same transaction, until stopped."""

    def __init__(self, topic: Topic):
        super().__init__()
        self.topic, self.written, self.errors = topic, 0, []
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                # A release and its link commit together: a consistent copy has both or neither.
                with transaction.atomic():
                    release = make_release(headline=f"Concurrent {self.written}")
                    release.topics.add(self.topic)
                self.written += 1
        except Exception as error:  # noqa: BLE001 - reported by the test's assertion
            self.errors.append(repr(error))
        finally:
            connection.close()

    def wait_for(self, count: int) -> None:
        while self.written < count and self.is_alive():
            threading.Event().wait(0.01)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_backup_while_a_writer_writes_is_consistent_and_restores(tmp_path):
    writer = Writer(make_topic())
    writer.start()
    try:
        writer.wait_for(20)
        before = writer.written
        archive = run_backup(tmp_path)
        writer.wait_for(before + 20)  # the writer was never held up for long
    finally:
        writer.stop()
    after = writer.written

    assert not writer.errors and after >= before + 20
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        copy.write_bytes(members(archive)["database.sqlite3"])
        db = sqlite3.connect(copy)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        db.close()

    restore(archive, "--yes")

    concurrent = PressRelease.objects.filter(headline__startswith="Concurrent ")
    assert before <= concurrent.count() < after
    assert PressRelease.topics.through.objects.count() == concurrent.count()


# Restoring


@pytest.fixture
def backed_up(db, tmp_path):
    """A published release with its PDF, and an archive made of it."""
    document = make_document(content=MINIMAL_PDF, title="The study")
    release = make_release(pdf=document, headline="Council meets in Shanghai")
    archive = run_backup(tmp_path / "backups")
    return {"archive": archive, "release": release, "document": document}


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_and_media_root_brings_back_a_release_and_its_pdf(
    backed_up, client, settings, tmp_path
):
    release, document = backed_up["release"], backed_up["document"]
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    assert not PressRelease.objects.exists()

    output = restore(backed_up["archive"], "--yes")

    assert "every checksum matches" in output
    assert "Restored the database and 1 uploaded files." in output
    restored = PressRelease.objects.get(pk=release.pk)
    assert restored.headline == "Council meets in Shanghai" and restored.pdf_id == document.pk
    assert (tmp_path / "fresh-media" / document.file.name).read_bytes() == MINIMAL_PDF
    page = client.get(restored.get_absolute_url())
    assert page.status_code == 200
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == MINIMAL_PDF


@pytest.mark.django_db(transaction=True)
def test_restore_removes_rows_written_after_the_backup_and_clears_the_cache(backed_up):
    make_release(headline="Written after the backup")
    Topic.objects.all().delete()
    cache.set("a-page-of-the-newer-state", "stale")

    restore(backed_up["archive"], "--noinput")

    assert cache.get("a-page-of-the-newer-state") is None
    assert not PressRelease.objects.filter(headline="Written after the backup").exists()
    assert PressRelease.objects.filter(pk=backed_up["release"].pk).exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_sqlite_copy_restores_into_a_fresh_database_file(backed_up, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(members(backed_up["archive"])["database.sqlite3"])
    fresh = tmp_path / "fresh.sqlite3"

    backups.load_sqlite(copy, str(fresh))

    db = sqlite3.connect(fresh)
    (headline,) = db.execute(
        "SELECT headline_en FROM media_centre_pressrelease WHERE id = ?", [backed_up["release"].pk]
    ).fetchone()
    db.close()
    assert headline == "Council meets in Shanghai"


@pytest.mark.django_db(transaction=True)
def test_restore_migrates_when_the_backup_is_older_than_the_code(tmp_path):
    # A backup made before consent.0002 (the desk's consent permissions) was applied.
    MigrationRecorder.Migration.objects.filter(app="consent", name="0002_desk_permissions").delete()
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.remove(*editor.permissions.filter(content_type__app_label="consent"))
    archive = run_backup(tmp_path)
    assert (
        "0002_desk_permissions"
        not in json.loads(members(archive)["manifest.json"])["migrations"]["consent"]
    )

    output = restore(archive, "--yes")

    assert "The backup is older than the code: migrating." in output
    assert MigrationRecorder.Migration.objects.filter(
        app="consent", name="0002_desk_permissions"
    ).exists()
    assert Group.objects.get(name="Editor").permissions.filter(codename="view_consentrecord")


# Refusing


def assert_refused_and_untouched(archive, message, release, media_file, args=("--yes",)):
    before = media_file.read_bytes()
    with pytest.raises(CommandError, match=message):
        restore(archive, *args)
    assert PressRelease.objects.filter(pk=release.pk).exists()
    assert media_file.read_bytes() == before


@pytest.fixture
def changed_after_backup(backed_up, settings):
    """After the backup: a new release, and the document's file on disk."""
    newer = make_release(headline="Newer than the backup")
    media_file = settings.MEDIA_ROOT / backed_up["document"].file.name
    return {**backed_up, "newer": newer, "media_file": media_file}


def test_a_tampered_file_is_refused_before_anything_is_touched(changed_after_backup, tmp_path):
    name = f"media/{changed_after_backup['document'].file.name}"
    tampered = tmp_path / "tampered.tar.gz"
    rewrite(
        changed_after_backup["archive"],
        tampered,
        lambda member, data: data.replace(b"%PDF", b"%EVIL") if member == name else data,
    )

    assert_refused_and_untouched(
        tampered,
        f"damaged or was altered: {name} does not match its checksum",
        changed_after_backup["newer"],
        changed_after_backup["media_file"],
    )


def test_a_tampered_database_is_refused(changed_after_backup, tmp_path):
    tampered = tmp_path / "tampered.tar.gz"

    def flip(member, data):
        if member.startswith("database."):
            return data[:-1] + bytes([data[-1] ^ 1])
        return data

    rewrite(changed_after_backup["archive"], tampered, flip)

    assert_refused_and_untouched(
        tampered, "does not match its checksum", changed_after_backup["newer"],
        changed_after_backup["media_file"],
    )  # fmt: skip


def test_an_extra_or_missing_file_is_refused(changed_after_backup, tmp_path):
    name = f"media/{changed_after_backup['document'].file.name}"
    missing = tmp_path / "missing.tar.gz"
    rewrite(changed_after_backup["archive"], missing, lambda m, d: None if m == name else d)
    extra = tmp_path / "extra.tar.gz"
    with tarfile.open(changed_after_backup["archive"], "r:gz") as source:
        with tarfile.open(extra, "w:gz") as target:
            for member in source:
                target.addfile(member, source.extractfile(member))
            planted = tarfile.TarInfo("media/planted.html")
            planted.size = 5
            target.addfile(planted, io.BytesIO(b"<svg>"))

    for archive, message in (
        (missing, f"incomplete: {name} is missing"),
        (extra, "not in its manifest"),
    ):
        assert_refused_and_untouched(
            archive, message, changed_after_backup["newer"], changed_after_backup["media_file"]
        )


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not an archive at all", "is not a Newsroom backup, or it is damaged"),
        (None, "is not a Newsroom backup: it holds 'README'"),
        ("no manifest", "has no Newsroom manifest"),
        ("truncated", "is not a Newsroom backup, or it is damaged"),
        ("bit rot", "is not a Newsroom backup, or it is damaged"),
        ("escape", "which a backup never does"),
    ],
)
def test_a_foreign_or_damaged_archive_is_refused(changed_after_backup, tmp_path, content, message):
    archive = tmp_path / "foreign.tar.gz"
    if content is None:  # a real tar.gz, but someone else's
        with tarfile.open(archive, "w:gz") as tar:
            info = tarfile.TarInfo("README")
            info.size = 2
            tar.addfile(info, io.BytesIO(b"hi"))
    elif content == "no manifest":
        with tarfile.open(archive, "w:gz") as tar:
            info = tarfile.TarInfo("database.sqlite3")
            info.size = 2
            tar.addfile(info, io.BytesIO(b"hi"))
    elif content == "truncated":
        whole = open(changed_after_backup["archive"], "rb").read()
        archive.write_bytes(whole[: len(whole) // 2])
    elif content == "bit rot":  # one byte flipped in the compressed stream
        whole = bytearray(open(changed_after_backup["archive"], "rb").read())
        whole[len(whole) // 2] ^= 0xFF
        archive.write_bytes(bytes(whole))
    elif content == "escape":
        with tarfile.open(archive, "w:gz") as tar:
            info = tarfile.TarInfo("media/../../settings.py")
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
    else:
        archive.write_bytes(content)

    assert_refused_and_untouched(
        archive, message, changed_after_backup["newer"], changed_after_backup["media_file"]
    )


def test_restore_without_a_terminal_asks_for_yes(changed_after_backup, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    assert_refused_and_untouched(
        changed_after_backup["archive"],
        "confirm with --yes",
        changed_after_backup["newer"],
        changed_after_backup["media_file"],
        args=(),
    )  # fmt: skip


def test_an_operator_at_a_terminal_who_does_not_type_yes_cancels(changed_after_backup, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "y")

    assert_refused_and_untouched(
        changed_after_backup["archive"],
        "Restore cancelled. Nothing was changed.",
        changed_after_backup["newer"],
        changed_after_backup["media_file"],
        args=(),
    )


def changed_copy(archive, out_path, change: str, media_name: str) -> None:
    """A copy of the archive with one file changed, or one file added, after it was made."""
    if change == "a media file":
        rewrite(
            archive, out_path, lambda m, d: d.replace(b"%PDF", b"%EVIL") if m == media_name else d
        )
    elif change == "the database":
        rewrite(
            archive,
            out_path,
            lambda m, d: d[:-1] + bytes([d[-1] ^ 1]) if m.startswith("database.") else d,
        )
    else:
        with tarfile.open(archive, "r:gz") as source, tarfile.open(out_path, "w:gz") as target:
            for member in source:
                target.addfile(member, source.extractfile(member))
            planted = tarfile.TarInfo("media/planted.html")
            planted.size = 5
            target.addfile(planted, io.BytesIO(b"<svg>"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("a media file", "changed while it was being restored"),
        ("the database", "changed while it was being restored"),
        ("an extra file", "changed after it was checked: media/planted.html"),
    ],
    ids=["a media file changed", "the database changed", "a file added"],
)
def test_an_archive_replaced_after_the_prompt_is_refused_and_nothing_is_touched(
    changed_after_backup, tmp_path, settings, monkeypatch, change, message
):
    archive = changed_after_backup["archive"]
    media_name = f"media/{changed_after_backup['document'].file.name}"
    replacement = tmp_path / "replacement.tar.gz"
    changed_copy(archive, replacement, change, media_name)

    def operator_types_yes_while_the_archive_is_replaced(prompt: str) -> str:
        shutil.copyfile(replacement, archive)
        return "yes"

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", operator_types_yes_while_the_archive_is_replaced)

    assert_refused_and_untouched(
        archive,
        message,
        changed_after_backup["newer"],
        changed_after_backup["media_file"],
        args=(),
    )
    assert PressRelease.objects.filter(headline="Newer than the backup").exists()
    assert not (settings.MEDIA_ROOT / "planted.html").exists()
    assert not list(settings.MEDIA_ROOT.rglob("*.restoring"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda m: m.pop("files"),
        lambda m: m.update(files=[{"size": 1}]),
        lambda m: m.update(migrations=["media_centre"]),
        lambda m: m.update(migrations={"media_centre": [1]}),
    ],
)
def test_a_malformed_manifest_is_refused(changed_after_backup, tmp_path, damage):
    broken = tmp_path / "broken.tar.gz"
    rewrite_manifest(changed_after_backup["archive"], broken, damage)

    assert_refused_and_untouched(
        broken, "its manifest is malformed", changed_after_backup["newer"],
        changed_after_backup["media_file"],
    )  # fmt: skip


def test_a_backup_from_a_newer_version_is_refused(changed_after_backup, tmp_path):
    def newer(manifest):
        manifest["migrations"]["media_centre"].append("9999_from_the_future")

    future = tmp_path / "future.tar.gz"
    rewrite_manifest(changed_after_backup["archive"], future, newer)

    assert_refused_and_untouched(
        future, "made by a newer version of Newsroom", changed_after_backup["newer"],
        changed_after_backup["media_file"],
    )  # fmt: skip


def test_a_backup_of_another_engine_is_refused(changed_after_backup, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def swap(manifest):
        manifest["database"] = {"engine": other, "file": manifest["database"]["file"]}

    swapped = tmp_path / "swapped.tar.gz"
    rewrite_manifest(changed_after_backup["archive"], swapped, swap)

    with pytest.raises(CommandError):
        restore(swapped, "--yes")
    assert PressRelease.objects.filter(pk=changed_after_backup["newer"].pk).exists()


# PostgreSQL


def test_a_missing_pg_dump_gets_a_clear_error(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr("glob.glob", lambda pattern: [])

    with pytest.raises(backups.BackupError, match="pg_dump was not found on PATH nor in"):
        backups.pg_tool("pg_dump")


def test_pg_tools_are_found_in_the_newest_postgresql_directory(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr(
        "glob.glob",
        lambda pattern: [f"/usr/lib/postgresql/{v}/bin/pg_dump" for v in ("9", "17", "15")],
    )

    assert backups.pg_tool("pg_dump") == "/usr/lib/postgresql/17/bin/pg_dump"
