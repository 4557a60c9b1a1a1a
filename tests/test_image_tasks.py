"""Renditions are made by the worker: the save only checks and queues, the page shows the original
until they exist, and a failed, lost or killed job leaves nothing behind and is tried again."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from media_centre import images
from media_centre.models import PendingImage, PressRelease, Rendition

from .conftest import make_person, make_release, run_worker
from .test_images import image_url, jpeg, phone_photo
from .test_uploads import post_release_image

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parent.parent


def files_under(settings, folder: str) -> list[str]:
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in root.rglob("*") if p.is_file())


def hero(client, release: PressRelease):
    page = BeautifulSoup(client.get(release.get_absolute_url()).content, "html.parser")
    return page.select_one("figure.hero picture")


def queued(task_name: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=f"media_centre.images.{task_name}"))


def test_a_save_queues_the_work_and_the_page_shows_the_original_until_the_worker_is_done(
    client, settings, task_queue
):
    release = make_release(hero_image=jpeg(2000, 1200), hero_image_alt="Signing")
    name = release.hero_image.name

    # The save made nothing: the upload waits, privately, for the worker.
    assert [job.status for job in queued("process_image")] == [TaskResultStatus.READY]
    assert not Rendition.objects.exists()
    assert files_under(settings, "images") == files_under(settings, "renditions") == []
    assert len(files_under(settings, "uploads")) == 1
    picture = hero(client, release)
    assert picture.select_one("source") is None
    img = picture.img
    assert (img["src"], img["width"], img["height"]) == (image_url(name), "2000", "1200")
    assert img["alt"] == "Signing"

    run_worker()

    assert [job.status for job in queued("process_image")] == [TaskResultStatus.SUCCESSFUL]
    assert Rendition.objects.filter(source=name).count() == 12
    assert default_storage.exists(name)
    assert files_under(settings, "uploads") == []
    assert not PendingImage.objects.exists()
    picture = hero(client, release)
    assert [s.split()[1] for s in picture.source["srcset"].split(", ")][-1] == "2000w"
    assert (picture.img["width"], picture.img["height"]) == ("2000", "1200")
    assert client.get(picture.img["src"]).status_code == 200


def test_an_admin_save_answers_without_processing_and_still_refuses_a_bad_image(
    client, editor, settings, task_queue
):
    client.force_login(editor)

    response = post_release_image(client, jpeg(3000, 2000).read(), name="photo.jpg")
    assert response.status_code == 302
    release = PressRelease.objects.get()
    assert release.hero_image.name.startswith("images/")
    assert len(queued("process_image")) == 1
    assert not Rendition.objects.exists() and files_under(settings, "renditions") == []

    truncated = jpeg(3000, 2000, quality=95).read()[:-20000]
    response = post_release_image(client, truncated, name="broken.jpg")
    assert response.status_code == 200
    assert "This image is damaged" in response.content.decode()
    assert PressRelease.objects.count() == 1 and len(queued("process_image")) == 1


def test_a_phone_photo_waits_at_its_upright_size_without_its_metadata_being_served(
    client, settings, task_queue
):
    release = make_release(hero_image=phone_photo(), hero_image_alt="Upright")

    img = hero(client, release).img
    assert (img["width"], img["height"]) == ("600", "1000")
    # Nothing with the photo's GPS position is reachable: the original is not made yet.
    assert client.get(img["src"]).status_code == 404
    upload = files_under(settings, "uploads")[0]
    assert client.get(image_url(upload)).status_code == 404

    run_worker()
    response = client.get(img["src"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content).find(b"Exif") == -1


def test_the_same_picture_is_processed_once(settings, task_queue):
    first = make_release(hero_image=jpeg(colour="red"), hero_image_alt="Red")
    make_release(hero_image=jpeg(colour="red"), hero_image_alt="Red again")
    run_worker()
    again = make_release(hero_image=jpeg(colour="red"), hero_image_alt="Red, later")

    assert again.hero_image.name == first.hero_image.name
    assert Rendition.objects.count() == 8
    assert len(queued("process_image")) == 2  # not for the upload made before
    images.process_image.call(first.hero_image.name)  # and running it again changes nothing
    assert Rendition.objects.count() == 8


def test_a_failed_job_removes_what_it_wrote_and_is_tried_again_later(settings, task_queue):
    # A real failure half-way through writing: the renditions' folder cannot be made.
    Path(settings.MEDIA_ROOT).mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "renditions").write_text("in the way")
    release = make_release(hero_image=jpeg(1000, 600), hero_image_alt="Failing")
    name = release.hero_image.name

    run_worker()

    assert [job.status for job in queued("process_image")] == [TaskResultStatus.FAILED]
    assert files_under(settings, "images") == []  # the original it wrote is gone again
    assert files_under(settings, images.PARTIAL) == []
    assert not Rendition.objects.exists()
    pending = PendingImage.objects.get(name=name)
    assert pending.attempts == 1 and "NotADirectoryError" in pending.error
    assert pending.retry_at > timezone.now()

    images.finish_images.call()  # too early: the retry waits
    assert len(queued("process_image")) == 1

    (Path(settings.MEDIA_ROOT) / "renditions").unlink()
    PendingImage.objects.update(retry_at=timezone.now())
    images.finish_images.call()
    run_worker()

    assert Rendition.objects.filter(source=name).count() == 8
    assert default_storage.exists(name)
    assert files_under(settings, "uploads") == [] and not PendingImage.objects.exists()


def test_an_image_that_keeps_failing_stops_being_tried(settings, task_queue):
    release = make_release(hero_image=jpeg(), hero_image_alt="Poison")
    upload = PendingImage.objects.get().upload
    default_storage.delete(upload)
    default_storage.save(upload, jpeg(colour="red"))  # not the upload the name was made from

    for _attempt in range(images.MAX_ATTEMPTS + 2):
        PendingImage.objects.update(retry_at=timezone.now())
        images.finish_images.call()
        run_worker()

    pending = PendingImage.objects.get(name=release.hero_image.name)
    assert pending.attempts == images.MAX_ATTEMPTS
    assert "incomplete" in pending.error
    assert not Rendition.objects.exists()


def test_a_lost_job_is_queued_again_and_half_written_files_are_removed(settings, task_queue):
    release = make_release(hero_image=jpeg(), hero_image_alt="Lost")
    # What a worker killed while writing leaves: its job started, a file half written.
    job = queued("process_image")[0]
    job.claim("killed-worker")
    PendingImage.objects.update(attempts=1)
    partial = Path(settings.MEDIA_ROOT) / images.PARTIAL / "tmp1234"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"half a rendition")
    long_ago = time.time() - images.JOB_SECONDS - 1
    os.utime(partial, (long_ago, long_ago))

    images.finish_images.call()
    run_worker()
    assert not Rendition.objects.exists(), "retried before the job could have finished"

    PendingImage.objects.update(retry_at=timezone.now() - dt.timedelta(seconds=1))
    images.finish_images.call()
    run_worker()

    assert Rendition.objects.filter(source=release.hero_image.name).count() == 8
    assert not partial.exists()
    assert not PendingImage.objects.exists()


def test_replacing_an_image_removes_the_old_renditions(
    settings, django_capture_on_commit_callbacks
):
    release = make_release(hero_image=jpeg(colour="red"), hero_image_alt="Old")
    old = release.hero_image.name
    old_files = list(Rendition.objects.filter(source=old).values_list("file", flat=True))
    shared = make_release(hero_image=jpeg(colour="blue"), hero_image_alt="Shared")
    make_person(photo=jpeg(colour="blue"), photo_alt="The same picture")

    with django_capture_on_commit_callbacks(execute=True):
        release.hero_image = jpeg(colour="green")
        release.save()
        shared.hero_image = jpeg(colour="yellow")
        shared.save()

    assert not Rendition.objects.filter(source=old).exists()
    assert not any(default_storage.exists(f) for f in old_files)
    assert default_storage.exists(old)  # the original stays
    assert Rendition.objects.filter(source=release.hero_image.name).count() == 8
    # Still shown by the speaker's photo: kept.
    blue = Rendition.objects.exclude(source__in=[release.hero_image.name, shared.hero_image.name])
    assert blue.count() == 8


def _database_url() -> str:
    values = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{values['NAME']}"
    return "postgres://{}:{}@{}:{}/{}".format(
        values["USER"], values["PASSWORD"], values["HOST"], values["PORT"], values["NAME"]
    )


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_no_file_and_the_image_is_made_on_the_next_try(
    client, settings, task_queue
):
    release = make_release(hero_image=jpeg(5000, 3500), hero_image_alt="Large")
    name = release.hero_image.name
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"],
        cwd=REPO,
        env=environment,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        running = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, task_path="media_centre.images.process_image"
        )
        while not running.exists():
            assert time.monotonic() < deadline, "the worker never started the job"
            assert worker.poll() is None, "the worker stopped"
            time.sleep(0.05)
        time.sleep(0.5)  # well into the job
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    assert files_under(settings, "images") == files_under(settings, "renditions") == []
    assert files_under(settings, images.PARTIAL) == []
    assert not Rendition.objects.exists()
    assert PendingImage.objects.get().attempts == 1

    PendingImage.objects.update(retry_at=timezone.now())  # the job's time is up
    images.finish_images.call()
    run_worker()

    assert Rendition.objects.filter(source=name).count() == 12
    assert files_under(settings, "uploads") == []


def test_an_upload_whose_save_was_rolled_back_is_removed_a_day_later(settings, task_queue):
    make_release(hero_image=jpeg(colour="red"), hero_image_alt="Kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        make_release(hero_image=jpeg(colour="green"), hero_image_alt="Rolled back")
        raise RuntimeError("an inline failed to save")
    assert len(files_under(settings, "uploads")) == 2
    kept = PendingImage.objects.get().upload

    images.finish_images.call()
    assert len(files_under(settings, "uploads")) == 2  # not before a day has passed

    day_ago = time.time() - 25 * 60 * 60
    for path in (Path(settings.MEDIA_ROOT) / "uploads").rglob("*"):
        os.utime(path, (day_ago, day_ago))
    images.finish_images.call()
    assert files_under(settings, "uploads") == [kept]
