"""Organisations, the people who speak for them, their positions, and topics."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.languages import SUFFIXES, field_suffix
from core.models import Translated

from ..uploads import validate_image_upload
from .publishing import Publishable, PublishableQuerySet, linkable_q
from .slugs import WEB_ADDRESS, WEB_ADDRESS_HELP, MadeAddress

HONORIFIC = re.compile(r"^(Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame)\.?\s+(?=\S)", re.IGNORECASE)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def desk_language(text: str) -> str:
    """The field suffix a name typed on the desk belongs to: Chinese script goes in the
    Chinese the desk is shown in (Traditional unless it is Simplified), anything else in
    English."""
    if not CJK.search(text):
        return "en"
    return "zh_hans" if get_language() == "zh-hans" else "zh_hant"


class DeskNamed:
    """Found or made from a name typed in an autocomplete box (core.create_in_place)."""

    desk_name_fields: tuple[str, ...] = ("name",)

    @classmethod
    def desk_find(cls, text: str):
        match = Q()
        for field in cls.desk_name_fields:
            for suffix in SUFFIXES:
                match |= Q(**{f"{field}_{suffix}__iexact": text})
        return cls._base_manager.filter(match).order_by("pk").first()

    @classmethod
    def desk_create(cls, text: str):
        found = cls.desk_find(text)
        if found is not None:
            return found
        obj = cls(**cls.desk_fields(text))
        obj.save()  # its web address is made from the name (MadeAddress)
        return obj

    @classmethod
    def desk_fields(cls, text: str) -> dict:
        return {f"name_{desk_language(text)}": text}


class Organisation(DeskNamed, MadeAddress, Translated):
    class Kind(models.TextChoices):
        REGULATOR = "regulator", _("Regulator")
        COUNCIL = "council", _("Council")
        GOVERNMENT = "government", _("Government office")
        RESEARCH_CENTRE = "research-centre", _("Research centre")
        COMPANY = "company", _("Company")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Other")

    # Unique in each language it is given in (an empty translation is stored as NULL).
    name = models.CharField(_("name"), max_length=300, unique=True, blank=True)
    short_name = models.CharField(
        _("short name"), max_length=40, blank=True, help_text=_("An abbreviation, e.g. FSDC.")
    )
    slug = models.SlugField(
        WEB_ADDRESS, max_length=120, unique=True, blank=True, help_text=WEB_ADDRESS_HELP["name"]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="logos/", blank=True, validators=[validate_image_upload]
    )
    logo_alt = models.CharField(
        _("logo text alternative"),
        max_length=200,
        blank=True,
        help_text=_("What the logo says, for people who cannot see it."),
    )

    required_translations = ("name",)
    slug_source = "name"

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.logo and not self.logo_alt.strip():
            raise ValidationError(
                {"logo_alt": _("Say what the logo shows: every image needs a text alternative.")}
            )

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("media_centre:release-list") + f"?organisation={self.slug}"


class Topic(DeskNamed, MadeAddress, Translated):
    name = models.CharField(_("name"), max_length=100, unique=True, blank=True)
    slug = models.SlugField(
        WEB_ADDRESS, max_length=100, unique=True, blank=True, help_text=WEB_ADDRESS_HELP["name"]
    )
    description = models.TextField(_("description"), blank=True)

    required_translations = ("name",)
    slug_source = "name"

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("media_centre:release-list") + f"?topic={self.slug}"


def positions_prefetch(lookup: str = "positions") -> models.Prefetch:
    """A person's positions with their organisations, as every page that names them shows."""
    return models.Prefetch(lookup, queryset=Position.objects.select_related("organisation"))


class PersonQuerySet(PublishableQuerySet):
    def with_positions(self):
        return self.prefetch_related(positions_prefetch())

    def for_detail(self, preview: bool = False):
        """The person's positions, and where they spoke, were quoted and wrote: only on public
        events, releases and studies."""
        now = timezone.now()
        roles = self.model._meta.get_field("event_roles").related_model
        quotes = self.model._meta.get_field("quotes").related_model
        return (
            self.with_positions()
            .prefetch_related(
                models.Prefetch(
                    "event_roles",
                    queryset=roles.objects.filter(linkable_q(now, preview, "event__"))
                    .select_related("event")
                    .order_by("-event__start_date"),
                    to_attr="public_event_roles",
                ),
                models.Prefetch(
                    "quotes",
                    queryset=quotes.objects.filter(linkable_q(now, preview, "release__"))
                    .select_related("release")
                    .order_by("-release__release_date"),
                    to_attr="public_quotes",
                ),
            )
            .prefetch_linked("studies", "public_studies", preview)
        )


class Person(DeskNamed, MadeAddress, Translated, Publishable):
    honorific = models.CharField(
        _("honorific"),
        max_length=20,
        blank=True,
        help_text=_("As the person is addressed: Mr, Ms, Dr, Prof."),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    slug = models.SlugField(
        WEB_ADDRESS, max_length=120, unique=True, blank=True, help_text=WEB_ADDRESS_HELP["name"]
    )
    photo = models.ImageField(
        _("photo"), upload_to="people/", blank=True, validators=[validate_image_upload]
    )
    photo_alt = models.CharField(
        _("photo text alternative"),
        max_length=200,
        blank=True,
        help_text=_("Describe the photo for people who cannot see it. Required with a photo."),
    )
    bio = models.TextField(_("short biography"), blank=True)

    objects = PersonQuerySet.as_manager()
    required_translations = ("name",)
    required_to_publish = ("name",)
    slug_source = "name"
    image_alternatives = (("photo", "photo_alt"),)

    class Meta:
        ordering = ["name"]
        indexes = [
            # The speakers' sitemap: its newest change, by a walk down this index.
            models.Index(fields=["updated_at"], name="person_updated"),
            *Publishable.publishing_indexes("person"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("publish_person", _("Can publish, schedule and withdraw speaker profiles"))]
        constraints = Publishable.publishing_constraints("person")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """“Mr Christopher Hui”, “許正宇先生”: the honorific in the name's language and place."""
        language = self.shown_language("name")
        suffix = field_suffix(language)
        name = getattr(self, f"name_{suffix}") or ""
        honorific = getattr(self, f"honorific_{suffix}") or ""
        if language.startswith("zh"):
            return f"{name}{honorific}"
        return f"{honorific} {name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("media_centre:speaker-detail", kwargs={"slug": self.slug})

    @classmethod
    def desk_find(cls, text: str):
        honorific = HONORIFIC.match(text)
        return super().desk_find(text[honorific.end() :] if honorific else text)

    @classmethod
    def desk_fields(cls, text: str) -> dict:
        honorific = HONORIFIC.match(text)
        name = text[honorific.end() :] if honorific else text
        fields = {f"name_{desk_language(name)}": name}
        if honorific:
            fields["honorific_en"] = honorific.group(1).capitalize()
        return fields


class Position(Translated):
    required_translations = ("title",)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(
        _("job title"),
        max_length=300,
        blank=True,
        help_text=_(
            "The full title as written, e.g. “Director of the Office for Advancing International "
            "Financial Center Development of the Shanghai Municipal People’s Government”."
        ),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="positions",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
        help_text=_("The organisation the title belongs to, when it is one we list."),
    )
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="position_ends_after_start",
                violation_error_message=_("A position cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url()

    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("A position cannot end before it starts.")})
