"""Removes a staff account's second factor (a lost phone): its next sign-in sets up a new app."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.second_factor import devices


class Command(BaseCommand):
    help = (
        "Reset an account's two-step sign-in (its authenticator app and recovery codes), for a "
        "lost phone. The person sets up a new app at their next sign-in. Logged."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account “{username}”.")
        removed = devices.reset(user, by="the reset_second_factor command")
        if removed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Two-step sign-in reset for “{username}”: they set up a new authenticator "
                    "app at their next sign-in."
                )
            )
        else:
            self.stdout.write(f"“{username}” had no two-step sign-in set up; nothing to reset.")
