"""What the desk does with the review: submit, send back, sign off, record; what is waiting."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.tasks import task
from django.utils.translation import gettext
from reversion.models import Version

from .models import Step

logger = logging.getLogger(__name__)

Action = Step.Action
# Steps after which an item is no longer waiting for review.
ENDS = (Action.SENT_BACK, Action.PUBLISHED, Action.SCHEDULED, Action.WITHDRAWN)


def _key(obj: models.Model) -> dict:
    return {
        "content_type": ContentType.objects.get_for_model(type(obj)),
        "object_id": str(obj.pk),
    }


def current_revision_id(obj: models.Model) -> int | None:
    """The item's newest revision (its draft's, if it has one): what a step is about."""
    if obj.pk is None:
        return None
    return (
        Version.objects.get_for_object(obj)
        .order_by("-revision__date_created", "-pk")
        .values_list("revision_id", flat=True)
        .first()
    )


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def record(obj: models.Model, action: str, user, note: str = "", revision_id=None) -> Step:
    """Append a step to the log."""
    return Step.objects.create(
        **_key(obj),
        object_repr=str(obj)[:300],
        action=action,
        user=user if getattr(user, "pk", None) else None,
        user_repr=_name(user)[:150],
        revision_id=revision_id if revision_id is not None else current_revision_id(obj),
        note=note,
    )


def steps_of(obj: models.Model):
    return Step.objects.filter(**_key(obj))


def _latest(obj: models.Model, actions) -> Step | None:
    return steps_of(obj).filter(action__in=actions).order_by("-pk").first()


@dataclass
class ReviewState:
    awaiting: Step | None  # the submission waiting for a publisher
    sent_back: Step | None  # the latest sending back, if nothing happened since
    signed_off: Step | None  # a sign-off of the current revision
    sign_off_group: str


def review_state(obj: models.Model) -> ReviewState:
    latest = _latest(obj, (Action.SUBMITTED, *ENDS))
    return ReviewState(
        awaiting=latest if latest and latest.action == Action.SUBMITTED else None,
        sent_back=latest if latest and latest.action == Action.SENT_BACK else None,
        signed_off=_valid_sign_off(obj),
        sign_off_group=sign_off_group(),
    )


def sign_off_group() -> str:
    return settings.NEWSROOM_SIGN_OFF_GROUP


def in_sign_off_group(user) -> bool:
    group = sign_off_group()
    return bool(group) and user.is_active and user.groups.filter(name=group).exists()


def _valid_sign_off(obj: models.Model) -> Step | None:
    if not sign_off_group() or obj.pk is None:
        return None
    revision_id = current_revision_id(obj)
    # Only a sign-off by someone who is in the group now counts.
    members = get_user_model().objects.filter(is_active=True, groups__name=sign_off_group())
    return (
        steps_of(obj)
        .filter(action=Action.SIGNED_OFF, revision_id=revision_id)
        .filter(user_id__in=members.values("pk"))
        .order_by("-pk")
        .first()
    )


def publish_blockers(obj: models.Model) -> list[str]:
    """Why publishing must wait, in plain words (nothing when no sign-off is required)."""
    group = sign_off_group()
    if not group or _valid_sign_off(obj) is not None:
        return []
    return [
        gettext("%(group)s has not signed off this version: publishing waits for their sign-off.")
        % {"group": group}
    ]


def publishers_of(model: type[models.Model]):
    """Active users who may publish `model`, with an email address."""
    opts = model._meta
    permission = Permission.objects.filter(
        content_type__app_label=opts.app_label, codename=f"publish_{opts.model_name}"
    ).first()
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if permission is None:
        return users.filter(is_superuser=True)
    return users.filter(
        Q(is_superuser=True) | Q(groups__permissions=permission) | Q(user_permissions=permission)
    ).distinct()


def submit(obj: models.Model, user, note: str, *, links: dict[str, str]) -> Step:
    """The editor asks for review; every publisher of the item's kind is told by email.
    `links` are absolute addresses: "change" (the item in the desk) and "changes"."""
    step = record(obj, Action.SUBMITTED, user, note)
    recipients = [u.email for u in publishers_of(type(obj)) if u.pk != getattr(user, "pk", None)]
    if recipients:
        body = [
            gettext("%(who)s asks you to review “%(item)s”.") % {"who": _name(user), "item": obj},
        ]
        if note:
            body += ["", gettext("Their note:"), note]
        body += ["", gettext("Open it in the desk: %(url)s") % {"url": links["change"]}]
        if links.get("changes"):
            body += [gettext("See what changed: %(url)s") % {"url": links["changes"]}]
        _mail(
            gettext("For review: %(item)s") % {"item": str(obj)[:150]}, "\n".join(body), recipients
        )
    return step


def send_back(obj: models.Model, user, comment: str, *, links: dict[str, str]) -> Step:
    """A publisher returns the item with a comment; whoever submitted it is told by email."""
    submitted = _latest(obj, (Action.SUBMITTED,))
    step = record(obj, Action.SENT_BACK, user, comment)
    submitter = None
    if submitted is not None and submitted.user_id:
        submitter = get_user_model().objects.filter(pk=submitted.user_id, is_active=True).first()
    if submitter is not None and submitter.email:
        body = [
            gettext("%(who)s sent “%(item)s” back to you with this comment:")
            % {"who": _name(user), "item": obj},
            "",
            comment,
            "",
            gettext("Open it in the desk: %(url)s") % {"url": links["change"]},
        ]
        _mail(
            gettext("Sent back: %(item)s") % {"item": str(obj)[:150]},
            "\n".join(body),
            [submitter.email],
        )
    return step


def sign_off(obj: models.Model, user, note: str) -> Step:
    return record(obj, Action.SIGNED_OFF, user, note)


def _waiting():
    later = Step.objects.filter(
        content_type=OuterRef("content_type"),
        object_id=OuterRef("object_id"),
        pk__gt=OuterRef("pk"),
        action__in=(Action.SUBMITTED, *ENDS),
    )
    return Step.objects.filter(action=Action.SUBMITTED).filter(~Exists(later))


def awaiting_review(models_allowed=None):
    """Every item waiting for review, newest first (only of `models_allowed`, if given)."""
    steps = _waiting().select_related("content_type").order_by("-pk")
    if models_allowed is not None:
        types = ContentType.objects.get_for_models(*models_allowed).values()
        steps = steps.filter(content_type__in=list(types))
    return steps


def sent_back_to(user):
    """Items sent back to `user` (their latest submission), not submitted again since."""
    later = Step.objects.filter(
        content_type=OuterRef("content_type"),
        object_id=OuterRef("object_id"),
        pk__gt=OuterRef("pk"),
        action__in=(Action.SUBMITTED, *ENDS),
    )
    submitted_by_user = Step.objects.filter(
        content_type=OuterRef("content_type"),
        object_id=OuterRef("object_id"),
        pk__lt=OuterRef("pk"),
        action=Action.SUBMITTED,
        user=user,
    )
    return (
        Step.objects.filter(action=Action.SENT_BACK)
        .filter(~Exists(later), Exists(submitted_by_user))
        .select_related("content_type")
        .order_by("-pk")
    )


def _mail(subject: str, body: str, recipients: list[str]) -> None:
    try:
        send_review_mail.enqueue(subject, body, recipients)
    except Exception:  # the queue's database or the mail server: the step is kept all the same
        logger.exception("Could not queue the review email %r", subject)


@task
def send_review_mail(subject: str, body: str, recipients: list[str]) -> None:
    from django.core.mail import send_mail

    for recipient in recipients:  # one message each: publishers do not see each other's address
        try:
            send_mail(subject, body, None, [recipient])
        except OSError:
            logger.exception("Could not email %s about %r", recipient, subject)
