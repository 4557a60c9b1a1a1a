from django.apps import AppConfig

from . import login_audit, page_cache


class CoreConfig(AppConfig):
    """What every app shares and that knows no app: apps build on it, never the reverse. It has
    no tables, so the admin never names it."""

    name = "core"

    def ready(self) -> None:
        from . import periodic  # it reads the task queue's table, so not before the registry
        from .second_factor import lockout  # uses django-otp's and axes' models

        page_cache.connect()
        periodic.every(6 * 60 * 60, periodic.prune_finished_tasks)
        login_audit.connect()
        lockout.connect()
