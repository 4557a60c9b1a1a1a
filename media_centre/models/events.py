"""Events (seminars, forums, signings), their programme and the people who speak at them."""

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import SourceTracked, Translated

from .notes import Noted, NotedQuerySet
from .people import Organisation, Person, Topic, positions_prefetch
from .publishing import Publishable, PublishableQuerySet
from .slugs import WEB_ADDRESS, WEB_ADDRESS_HELP, MadeAddress


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _(
                "“%(value)s” is not a time zone; "
                "use a name such as Asia/Hong_Kong or Asia/Shanghai."
            ),
            params={"value": value},
        )


class EventQuerySet(NotedQuerySet, PublishableQuerySet):
    def upcoming(self):
        today = timezone.localdate()
        return self.filter(
            Q(end_date__gte=today) | Q(end_date__isnull=True, start_date__gte=today)
        ).order_by("start_date", "start_time", "pk")

    def past(self):
        today = timezone.localdate()
        return self.filter(
            Q(end_date__lt=today) | Q(end_date__isnull=True, start_date__lt=today)
        ).order_by("-start_date", "-start_time", "-pk")

    def for_list(self):
        return self.prefetch_related("organisers")

    def for_detail(self, preview: bool = False):
        return (
            self.with_notes(preview)
            .select_related("part_of", "mou")
            .prefetch_related(
                "organisers",
                "topics",
                "sessions",
                models.Prefetch(
                    "speakers",
                    queryset=EventSpeaker.objects.select_related(
                        "person", "session"
                    ).prefetch_related(positions_prefetch("person__positions")),
                ),
            )
            .prefetch_linked("releases", "public_releases", preview)
            .prefetch_linked("studies_launched", "public_studies", preview)
            .prefetch_linked("side_events", "public_side_events", preview)
        )


class Event(MadeAddress, Noted, SourceTracked, Publishable):
    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("Seminar")
        FORUM = "forum", _("Forum")
        CONFERENCE = "conference", _("Conference")
        ROUNDTABLE = "roundtable", _("Roundtable")
        SIGNING = "signing", _("Signing ceremony")
        OTHER = "other", _("Other")

    class EventStatus(models.TextChoices):
        AS_PLANNED = "as-planned", _("As planned")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=300, blank=True)
    slug = models.SlugField(
        WEB_ADDRESS, max_length=120, unique=True, blank=True, help_text=WEB_ADDRESS_HELP["title"]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.SEMINAR)
    event_status = models.CharField(
        _("event status"),
        max_length=20,
        choices=EventStatus,
        default=EventStatus.AS_PLANNED,
        help_text=_(
            "Upcoming or past follows from the dates; mark here a cancellation or postponement."
        ),
    )
    summary = models.TextField(_("summary"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_time = models.TimeField(
        _("start time"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the time is not announced."),
    )
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Leave empty for a one-day event.")
    )
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Hong_Kong",
        validators=[validate_time_zone],
        help_text=_("Where the event takes place, e.g. Asia/Shanghai; times are shown in it."),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    # The address, in parts as search engines read it; each only when it was announced.
    street_address = models.CharField(
        _("street address"),
        max_length=200,
        blank=True,
        help_text=_("Street and number, e.g. “501 Yincheng Middle Road”. Only if announced."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(
        _("district or region"),
        max_length=100,
        blank=True,
        help_text=_("E.g. Pudong New Area or Wan Chai, when it helps to find the place."),
    )
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(
        _("country or territory"),
        max_length=100,
        blank=True,
        help_text=_("As visitors read it, e.g. “Hong Kong, China”. Only if announced."),
    )
    part_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="side_events",
        verbose_name=_("part of event"),
        help_text=_("The larger event this one is held within, if we list it."),
    )
    occasion = models.CharField(
        _("held during"),
        max_length=200,
        blank=True,
        help_text=_("The host event by name when we do not list it, e.g. “Lujiazui Forum 2025”."),
    )
    organisers = models.ManyToManyField(
        Organisation, related_name="events", blank=True, verbose_name=_("organisers")
    )
    topics = models.ManyToManyField(
        Topic, related_name="events", blank=True, verbose_name=_("topics")
    )
    mou = models.ForeignKey(
        "MoU",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("carried out under MoU"),
    )
    registration_url = models.URLField(_("registration link"), blank=True)

    objects = EventQuerySet.as_manager()
    required_translations = ("title",)
    required_to_publish = ("title", "start_date")

    class Meta:
        ordering = ["-start_date", "-start_time", "-pk"]
        indexes = [
            models.Index(
                fields=[
                    "-start_date",
                    "-start_time",
                    "-id",
                    "status",
                    "publish_at",
                    "unpublish_at",
                    # Past events end before today: a deep page of them skips entries of this
                    # index without reading the table.
                    "end_date",
                ],
                name="event_list_order",
            ),
            *Publishable.publishing_indexes("event"),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = [("publish_event", _("Can publish, schedule and withdraw events"))]
        constraints = [
            *Publishable.publishing_constraints("event"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__gt=models.F("start_date"))
                | Q(end_date=models.F("start_date"))
                & (
                    Q(start_time__isnull=True)
                    | Q(end_time__isnull=True)
                    | Q(end_time__gt=models.F("start_time"))
                ),
                name="event_ends_after_start",
                violation_error_message=_("An event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(end_date__isnull=False)
                | Q(start_time__isnull=False),
                name="event_end_time_needs_start",
                violation_error_message=_("Give the start time too, or leave both times empty."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=False)
                | Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="event_one_day_ends_after_start",
                violation_error_message=_("An event must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("media_centre:event-detail", kwargs={"slug": self.slug})

    def get_verify_url(self) -> str:
        """Its Verify page: the signed versions, and a check of a quote or a file."""
        return reverse("media_centre:event-verify", kwargs={"slug": self.slug})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def utc_offset_label(self) -> str:
        """E.g. “UTC+08:00”, on the event's first day (daylight saving included)."""
        day = self.start_date or timezone.localdate()
        offset = dt.datetime.combine(day, self.start_time or dt.time(12), self.tz).utcoffset()
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    @property
    def last_day(self) -> dt.date | None:
        """The day it ends: an event without an end date lasts one day."""
        return self.end_date or self.start_date

    @property
    def starts_at(self) -> dt.datetime | None:
        """When it starts, in its own time zone, if the time was announced."""
        if self.start_date is None or self.start_time is None:
            return None
        return dt.datetime.combine(self.start_date, self.start_time, self.tz)

    @property
    def ends_at(self) -> dt.datetime | None:
        """When it ends, in its own time zone, if the time was announced."""
        if self.last_day is None or self.end_time is None:
            return None
        return dt.datetime.combine(self.last_day, self.end_time, self.tz)

    @property
    def place(self) -> list[tuple[str, str]]:
        """(field, text) of the venue and its address as far as they are known, in the order
        an address is written."""
        fields = ("venue", "street_address", "city", "region", "postal_code", "country")
        return [(field, getattr(self, field)) for field in fields if getattr(self, field)]

    @property
    def is_upcoming(self) -> bool:
        return self.last_day is not None and self.last_day >= timezone.localdate()

    @property
    def status_label(self) -> str:
        if self.event_status != self.EventStatus.AS_PLANNED:
            return self.get_event_status_display()
        return _("Upcoming") if self.is_upcoming else _("Past")

    @property
    def is_multi_day(self) -> bool:
        return bool(self.end_date and self.end_date != self.start_date)

    def content_errors(self) -> dict[str, list[str]]:
        errors = super().content_errors()
        if self.start_date and self.end_date:
            if self.end_date < self.start_date or (
                self.end_date == self.start_date
                and self.start_time
                and self.end_time
                and self.end_time <= self.start_time
            ):
                errors["end_date"] = [_("An event must end after it starts.")]
        if self.end_date is None and self.start_time and self.end_time:
            if self.end_time <= self.start_time:
                errors["end_time"] = [_("An event must end after it starts.")]
        if self.end_time and not self.start_time and not self.end_date:
            errors["start_time"] = [_("Give the start time too, or leave both times empty.")]
        if self.part_of_id and self.part_of_id == self.pk:
            errors["part_of"] = [_("An event cannot be part of itself.")]
        return errors


class EventSession(Translated):
    required_translations = ("title",)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=300, blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "start_time", "pk"]
        verbose_name = _("programme session")
        verbose_name_plural = _("programme")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.event.get_absolute_url() + f"#session-{self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("A session must end after it starts.")})


class EventSpeaker(models.Model):
    class Role(models.TextChoices):
        OPENING_REMARKS = "opening-remarks", _("Opening remarks")
        KEYNOTE = "keynote", _("Keynote")
        REMARKS = "remarks", _("Remarks")
        PANELLIST = "panellist", _("Panellist")
        MODERATOR = "moderator", _("Moderator")
        GUEST_OF_HONOUR = "guest-of-honour", _("Guest of honour")
        CLOSING_REMARKS = "closing-remarks", _("Closing remarks")
        ATTENDEE = "attendee", _("Attendee")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="event_roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    session = models.ForeignKey(
        EventSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
        verbose_name=_("session"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person", "role"],
                name="event_speaker_unique_role",
                violation_error_message=_("This person already has this role at the event."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}"

    def clean(self) -> None:
        if self.session_id and self.event_id and self.session.event_id != self.event_id:
            raise ValidationError({"session": _("Choose a session of this event.")})

    def get_absolute_url(self) -> str:
        return self.event.get_absolute_url()
