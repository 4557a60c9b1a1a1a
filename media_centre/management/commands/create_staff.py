"""Create or update a desk account (an Editor or a Publisher) with a password that passes the
validators."""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

ROLES = {"editor": "Editor", "publisher": "Publisher"}


class Command(BaseCommand):
    help = (
        "Create (or update) a staff account in the Editor or Publisher group. The password is "
        "asked for twice, or read from an environment variable with --password-from-env."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            required=True,
            help="editor (writes drafts) or publisher (also publishes and withdraws).",
        )
        parser.add_argument("--email", default=None, help="The person's email address.")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable (for scripts).",
        )

    def handle(
        self,
        *args,
        username: str,
        role: str,
        email: str | None,
        password_from_env: str | None,
        **options,
    ):
        group_name = ROLES.get(role.strip().lower())
        if group_name is None:
            raise CommandError(f"Unknown role “{role}”. Use --role editor or --role publisher.")
        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist:
            raise CommandError(
                f"The {group_name} group does not exist yet: run “manage.py migrate” first."
            ) from None

        User = get_user_model()
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username)
        if email is not None:
            user.email = email
        user.is_staff = True

        if password_from_env:
            password = os.environ.get(password_from_env)
            if not password:
                raise CommandError(
                    f"The environment variable {password_from_env} is not set or is empty."
                )
            problems = _password_problems(password, user)
            if problems:
                raise CommandError("That password is refused: " + " ".join(problems))
        else:
            password = self._ask_password(user)

        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=ROLES.values()).exclude(pk=group.pk))
            user.groups.add(group)

        verb = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {role.strip().lower()} “{username}”. They can sign in at "
                f"{reverse('admin:index')}"
            )
        )

    def _ask_password(self, user) -> str:
        while True:
            password = getpass.getpass(f"Password for {user.username}: ")
            if not password.strip():
                self.stderr.write("The password cannot be empty.")
                continue
            if getpass.getpass("The same password again: ") != password:
                self.stderr.write("The two passwords differ. Try again.")
                continue
            problems = _password_problems(password, user)
            if not problems:
                return password
            self.stderr.write("That password is refused: " + " ".join(problems))


def _password_problems(password: str, user) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []
