"""Tasks that run on a schedule: apps name them in `AppConfig.ready()`, the worker enqueues them.

There is no separate scheduler process to keep alive: every `manage.py worker` keeps a clock
(`Clock`) that enqueues each periodic task when it is due, unless one is already waiting in the
queue, so several workers do not pile copies up. A periodic task must therefore be safe to run
twice, or at the same time in two workers.
"""

import datetime as dt

from django.conf import settings
from django.tasks import Task, TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

_schedule: dict[str, tuple[Task, float]] = {}


def every(seconds: float, periodic_task: Task) -> None:
    """Enqueue `periodic_task` (which takes no arguments) about every `seconds` a worker runs."""
    _schedule[periodic_task.module_path] = (periodic_task, seconds)


def scheduled() -> dict[str, tuple[Task, float]]:
    return dict(_schedule)


def is_waiting(queued: Task) -> bool:
    """Whether `queued` is in the queue and has not started yet."""
    if not isinstance(queued.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=queued.module_path
    ).exists()


class Clock:
    """One worker's schedule: when each periodic task is next due (at once, when it starts)."""

    def __init__(self) -> None:
        self._due: dict[str, float] = {}

    def tick(self, now: float) -> list[str]:
        """Enqueue what is due at `now` (a monotonic time); the paths of those enqueued."""
        enqueued = []
        for path, (periodic_task, seconds) in _schedule.items():
            if now < self._due.get(path, now):
                continue
            if not is_waiting(periodic_task):
                periodic_task.enqueue()
                enqueued.append(path)
            self._due[path] = now + seconds  # not before: a failed enqueue is tried again
        return enqueued


@task
def prune_finished_tasks() -> None:
    """Delete the queue's records of tasks that finished more than the retention ago."""
    cutoff = timezone.now() - dt.timedelta(days=settings.NEWSROOM_TASK_RETENTION_DAYS)
    DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
