"""`manage.py worker`: runs the queued tasks and enqueues the periodic ones (core.periodic).

django-tasks-db's `db_worker` with two additions: a clock thread that enqueues each periodic task
when it is due, and a wait, instead of a crash, while the database is not migrated yet.
"""

import logging
import os
import threading
import time

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from core import periodic

logger = logging.getLogger("newsroom.worker")

TICK_SECONDS = 1.0
MIGRATION_POLL_SECONDS = 2.0


class Command(db_worker.Command):
    help = (
        "Run background tasks (image renditions, download counts) as they are queued, and "
        "queue the periodic ones when they are due. Stop it with Ctrl-C or SIGTERM: the "
        "task under way finishes first."
    )

    def handle(self, *args, **options) -> None:
        try:
            self._wait_for_migrations()
        except KeyboardInterrupt:
            return
        reloading_parent = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not options["batch"] and not reloading_parent:
            threading.Thread(target=_keep_time, name="periodic-clock", daemon=True).start()
        super().handle(*args, **options)

    def _wait_for_migrations(self) -> None:
        """A worker started before `migrate` (a fresh database, a deploy) waits for it."""
        told = False
        while True:
            try:
                executor = MigrationExecutor(connection)
                if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
                    break
            except DatabaseError:  # no database file yet, or it is busy being created
                pass
            if not told:
                logger.warning("The database is not migrated yet; waiting for `migrate`.")
                told = True
            time.sleep(MIGRATION_POLL_SECONDS)


def _keep_time() -> None:
    """The clock thread: enqueue due periodic tasks, forever; a failure is logged and retried."""
    clock = periodic.Clock()
    failing = False
    while True:
        try:
            clock.tick(time.monotonic())
            failing = False
        except Exception:
            if not failing:  # once per outage, not once a second
                logger.exception("Could not queue the periodic tasks; trying again.")
            failing = True
            connection.close()
        time.sleep(TICK_SECONDS)
