"""The desk home: what an editor may start, has in draft, has scheduled and recently published,
and which visitors wait for an accessible version, in a fixed number of queries per kind."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from core.drafts.models import Draft
from core.languages import LANGUAGES, Language
from core.models import SourceTracked
from core.translation_checks import behind_q, missing_q

from .models import (
    AccessibilityRequest,
    Event,
    MoU,
    Person,
    PressRelease,
    Publishable,
    State,
    Status,
    Study,
)
from .models.embargo import EMBARGOED_FIELDS

# The kinds of item the desk home gathers, with the words that start a new one.
KINDS: tuple[tuple[type[Publishable], str], ...] = (
    (PressRelease, _("Write a press release")),
    (Event, _("Add an event")),
    (MoU, _("Record an MoU")),
    (Study, _("Add a study")),
    (Person, _("Add a person")),
)
SHOWN = 8  # lines per section
RECENT = dt.timedelta(days=14)


@dataclass(frozen=True)
class Line:
    """One item on the desk home: what it is, where to edit it, and the time that matters."""

    item: models.Model
    url: str
    when: dt.datetime | None
    changes: bool = False  # about a live item's unpublished (or scheduled) changes

    @property
    def kind(self) -> str:
        return self.item._meta.verbose_name


@dataclass
class Home:
    start: list[tuple[str, str]] = field(default_factory=list)  # (words, address)
    kinds: list[type[Publishable]] = field(default_factory=list)  # those the user may view
    may_publish: bool = False
    drafts: list[Line] = field(default_factory=list)
    scheduled: list[Line] = field(default_factory=list)
    published: list[Line] = field(default_factory=list)
    requests: list[AccessibilityRequest] | None = None  # None: not the user's to see
    requests_url: str = ""
    # Per language, per kind: (count, the list's address) of items missing it and behind in it.
    translation_kinds: list[str] = field(default_factory=list)  # the kinds' names, as columns
    translations: list[tuple[Language, str, list[tuple[int, str]]]] = field(default_factory=list)
    behind: list[Line] = field(default_factory=list)  # items with a translation out of date


def _model_admin(model: type[models.Model]):
    try:
        return admin.site.get_model_admin(model)
    except NotRegistered:
        return None


def _change_url(obj: models.Model) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _last_saved_by(model: type[models.Model]) -> models.Subquery:
    """Who saved the item's newest revision (core.revisions: every desk save is one)."""
    return models.Subquery(
        Version.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=Cast(models.OuterRef("pk"), models.CharField()),
        )
        .order_by("-revision_id")
        .values("revision__user_id")[:1]
    )


def _newest(lines: list[Line], *, reverse: bool) -> list[Line]:
    return sorted(lines, key=lambda line: line.when, reverse=reverse)[:SHOWN]


def gather(request) -> Home:
    user = request.user
    home = Home()
    for model, words in KINDS:
        model_admin = _model_admin(model)
        if model_admin is None:
            continue
        if model_admin.has_add_permission(request):
            opts = model._meta
            home.start.append((words, reverse(f"admin:{opts.app_label}_{opts.model_name}_add")))
        if model_admin.has_view_permission(request):
            home.kinds.append(model)
            home.may_publish |= model_admin.has_publish_permission(request)

    now = timezone.now()
    drafts, scheduled, published = [], [], []
    for model in home.kinds:
        items = model.objects.all()
        drafts += [
            Line(item, _change_url(item), item.updated_at)
            for item in items.in_state(State.DRAFT)
            .alias(last_saved_by=_last_saved_by(model))
            .filter(last_saved_by=user.pk)
            .order_by("-updated_at")[:SHOWN]
        ]
        coming = items.in_state(State.SCHEDULED).order_by("publish_at")
        if model in EMBARGOED_FIELDS:  # who has embargoed access (media_centre/embargo.py)
            coming = coming.annotate(
                embargoed_to=models.Count(
                    "embargo_grants", filter=models.Q(embargo_grants__revoked_at__isnull=True)
                )
            )
        scheduled += [Line(item, _change_url(item), item.publish_at) for item in coming[:SHOWN]]
        published += [
            Line(item, _change_url(item), item.publish_at)
            for item in items.in_state(State.PUBLISHED)
            .filter(publish_at__gte=now - RECENT)
            .order_by("-publish_at")[:SHOWN]
        ]
    live_drafts, live_scheduled = _live_changes(home.kinds, user, now)
    listed = {(type(line.item), line.item.pk) for line in drafts}
    live_drafts = [line for line in live_drafts if (type(line.item), line.item.pk) not in listed]
    home.drafts = _newest(drafts + live_drafts, reverse=True)
    home.scheduled = _newest(scheduled + live_scheduled, reverse=False)
    home.published = _newest(published, reverse=True)

    _gather_translations(home)

    requests_admin = _model_admin(AccessibilityRequest)
    if requests_admin is not None and requests_admin.has_view_permission(request):
        home.requests = list(
            AccessibilityRequest.objects.filter(answered=False)
            .select_related("document")
            .order_by("-created_at")[:SHOWN]
        )
        home.requests_url = (
            reverse("admin:media_centre_accessibilityrequest_changelist") + "?answered__exact=0"
        )
    return home


def _gather_translations(home: Home) -> None:
    """What each language lacks and where it is behind its prevailing language: one count query
    and one list query per kind."""
    kinds = [model for model in home.kinds if issubclass(model, SourceTracked)]
    home.translation_kinds = [model._meta.verbose_name_plural for model in kinds]
    counts = {}
    behind = []
    for model in kinds:
        items = model.objects.exclude(status=Status.WITHDRAWN)
        counts[model] = items.aggregate(
            **{
                f"{state}_{language.suffix}": models.Count("pk", filter=condition)
                for language in LANGUAGES
                for state, condition in (
                    ("missing", missing_q(model, language)),
                    ("behind", behind_q(language)),
                )
            }
        )
        behind += [
            Line(item, _change_url(item), item.updated_at)
            for item in items.exclude(out_of_date="").order_by("-updated_at")[:SHOWN]
        ]
    for language in LANGUAGES:
        for state, words in (("missing", _("missing")), ("behind", _("out of date"))):
            cells = []
            for model in kinds:
                opts = model._meta
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                cells.append(
                    (counts[model][f"{state}_{language.suffix}"],
                     f"{url}?translation={state}-{language.code}")
                )  # fmt: skip
            home.translations.append((language, words, cells))
    home.behind = _newest(behind, reverse=True)


def _live_changes(kinds, user, now) -> tuple[list[Line], list[Line]]:
    """Live items' drafts (core.drafts): those this user saved, and those scheduled to go public.
    Two queries for the drafts, then one per kind for their items."""
    if not kinds:
        return [], []
    types = ContentType.objects.get_for_models(*kinds)
    by_type = {content_type.pk: model for model, content_type in types.items()}
    drafts = Draft.objects.filter(content_type__in=list(by_type))
    mine = list(drafts.filter(saved_by=user.pk).order_by("-saved_at")[:SHOWN])
    coming = list(drafts.filter(publish_at__gt=now).order_by("publish_at")[:SHOWN])
    wanted: dict[type[models.Model], set[str]] = {}
    for draft in mine + coming:
        wanted.setdefault(by_type[draft.content_type_id], set()).add(draft.object_id)
    items = {
        (model, str(item.pk)): item
        for model, keys in wanted.items()
        for item in model.objects.filter(pk__in=keys)
    }

    def lines(drafts: list[Draft], when: str) -> list[Line]:
        found = ((items.get((by_type[d.content_type_id], d.object_id)), d) for d in drafts)
        return [
            Line(item, _change_url(item), getattr(draft, when), changes=True)
            for item, draft in found
            if item is not None
        ]

    return lines(mine, "saved_at"), lines(coming, "publish_at")
