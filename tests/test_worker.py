"""The worker: runs queued tasks, queues the periodic ones itself, waits for a fresh database to
be migrated instead of crashing, and stops cleanly on SIGTERM."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import periodic

from .conftest import run_worker

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parent.parent


def test_each_periodic_task_is_queued_when_due_and_not_piled_up_while_it_waits(task_queue):
    clock = periodic.Clock()
    everything = set(periodic.scheduled())
    assert {
        "core.periodic.prune_finished_tasks",
        "media_centre.download_counts.flush_download_counts",
        "media_centre.images.finish_images",
    } <= everything

    assert set(clock.tick(0)) == everything  # all at once when a worker starts
    assert clock.tick(30) == []  # none due yet
    assert clock.tick(10_000_000) == []  # due, but the earlier copies still wait in the queue
    assert DBTaskResult.objects.count() == len(everything)

    run_worker()
    assert set(clock.tick(20_000_000)) == everything
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == len(
        everything
    )


def test_old_records_of_finished_tasks_are_pruned(task_queue, settings):
    periodic.prune_finished_tasks.enqueue()
    run_worker()
    finished = DBTaskResult.objects.get()
    assert finished.status == TaskResultStatus.SUCCESSFUL

    periodic.prune_finished_tasks.call()
    assert DBTaskResult.objects.filter(pk=finished.pk).exists()  # recent: kept

    long_ago = timezone.now() - dt.timedelta(days=settings.NEWSROOM_TASK_RETENTION_DAYS + 1)
    DBTaskResult.objects.update(finished_at=long_ago)
    periodic.prune_finished_tasks.call()
    assert not DBTaskResult.objects.exists()


def _wait_for(predicate, seconds: float, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert worker.poll() is None, "the worker stopped"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_worker_on_a_fresh_database_waits_for_migrate_then_works_and_stops_on_sigterm(
    tmp_path,
):
    database = tmp_path / "fresh.sqlite3"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 (read while the worker writes)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"],
        cwd=REPO,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(lambda: "waiting for `migrate`" in Path(log.name).read_text(), 60, worker)
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"]
        subprocess.run(migrate, cwd=REPO, env=environment, check=True, timeout=300)
        # Working now: the periodic tasks are queued and run.
        _wait_for(
            lambda: "prune_finished_tasks state=SUCCESSFUL" in Path(log.name).read_text(),
            60,
            worker,
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=30)
        log.close()
    assert code == 0
    output = Path(log.name).read_text()
    assert "Traceback" not in output
    assert "shutting down gracefully" in output
