"""Press releases, the quotes they carry, and the media contact for journalists."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from core import languages
from core.models import SourceTracked, Translated

from ..richtext import PROSE_EXTENSIONS, sanitise
from ..uploads import validate_image_upload
from .documents import Document
from .notes import Noted, NotedQuerySet
from .people import Organisation, Person, Topic, positions_prefetch
from .publishing import Publishable, PublishableQuerySet, Status
from .slugs import WEB_ADDRESS, WEB_ADDRESS_HELP, MadeAddress


class MediaContact(models.Model):
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("media contact")
        verbose_name_plural = _("media contacts")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"mailto:{self.email}" if self.email else ""


class PressReleaseQuerySet(NotedQuerySet, PublishableQuerySet):
    def for_list(self):
        return self.only(
            "pk",
            "headline",
            "slug",
            "release_date",
            "summary",
            "dateline_place",
            "status",
            "publish_at",
            "unpublish_at",
        )

    def for_link(self):
        # Not for_list(): a prefetch matches rows by their foreign key, which only() would defer.
        return self.defer("body", "summary")

    def for_detail(self, preview: bool = False):
        return self.with_notes(preview).prefetch_related(
            "event",
            "mou",
            "study",
            "pdf",
            "media_contact",
            "topics",
            "organisations",
            "attachments",
            models.Prefetch(
                "quotes",
                queryset=Quote.objects.select_related("person").prefetch_related(
                    positions_prefetch("person__positions")
                ),
            ),
        )


class PressRelease(MadeAddress, Noted, SourceTracked, Publishable):
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    slug = models.SlugField(
        WEB_ADDRESS, max_length=120, blank=True, help_text=WEB_ADDRESS_HELP["headline"]
    )
    dateline_place = models.CharField(
        _("dateline place"),
        max_length=100,
        blank=True,
        help_text=_("Where the release is issued, e.g. Hong Kong."),
    )
    release_date = models.DateField(_("release date"), null=True, blank=True, db_index=True)
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("One or two sentences for lists, feeds and search results."),
    )
    body = ProseEditorField(
        _("body"),
        extensions=PROSE_EXTENSIONS,
        sanitize=True,
        blank=True,
        help_text=_("The text of the release after the dateline."),
    )
    topics = models.ManyToManyField(
        Topic, related_name="releases", blank=True, verbose_name=_("topics")
    )
    organisations = models.ManyToManyField(
        Organisation,
        related_name="releases",
        blank=True,
        verbose_name=_("organisations"),
        help_text=_("The organisations issuing or named in the release."),
    )
    hero_image = models.ImageField(
        _("image"), upload_to="releases/", blank=True, validators=[validate_image_upload]
    )
    hero_image_alt = models.CharField(_("image text alternative"), max_length=200, blank=True)
    event = models.ForeignKey(
        "Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="releases",
        verbose_name=_("event"),
    )
    mou = models.ForeignKey(
        "MoU",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="releases",
        verbose_name=_("MoU"),
    )
    study = models.ForeignKey(
        "Study",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="releases",
        verbose_name=_("study"),
    )
    pdf = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="release_pdf_of",
        verbose_name=_("the release as PDF"),
    )
    attachments = models.ManyToManyField(
        Document,
        related_name="release_attachments",
        blank=True,
        verbose_name=_("other attachments"),
    )
    media_contact = models.ForeignKey(
        MediaContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="releases",
        verbose_name=_("media contact"),
    )

    objects = PressReleaseQuerySet.as_manager()
    required_translations = ("headline",)
    required_to_publish = ("headline", "release_date", "summary", "body")
    slug_source = "headline"
    image_alternatives = (("hero_image", "hero_image_alt"),)

    class Meta:
        ordering = ["-release_date", "-publish_at", "-pk"]
        indexes = [
            # Lists walk this index in their own order and check visibility inside it: the
            # newest page reads a dozen entries, a deep page skips entries without the table.
            models.Index(
                fields=["-release_date", "-publish_at", "-id", "status", "unpublish_at"],
                name="release_list_order",
            ),
            *Publishable.publishing_indexes("release"),
        ]
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")
        permissions = [
            ("publish_pressrelease", _("Can publish, schedule and withdraw press releases"))
        ]
        constraints = [
            *Publishable.publishing_constraints("pressrelease"),
            models.UniqueConstraint(
                fields=["release_date", "slug"],
                name="pressrelease_unique_slug_per_date",
                violation_error_message=_(
                    "Another release of the same date has this slug; change one of them."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        if self.release_date is None:
            return reverse("media_centre:release-draft", kwargs={"pk": self.pk})
        return reverse(
            "media_centre:release-detail",
            kwargs={
                "year": self.release_date.year,
                "month": self.release_date.month,
                "day": self.release_date.day,
                "slug": self.slug,
            },
        )

    def get_verify_url(self) -> str:
        """Its Verify page: the signed versions, and a check of a quote or a file."""
        if self.release_date is None:
            return ""
        return reverse(
            "media_centre:release-verify",
            kwargs={
                "year": self.release_date.year,
                "month": self.release_date.month,
                "day": self.release_date.day,
                "slug": self.slug,
            },
        )

    def slug_scope(self) -> dict:
        return {"release_date": self.release_date}

    def save(self, *args, **kwargs):
        # Stored clean, whoever saves it (the desk's form cleans too): feeds, mail and other
        # sites that take the text have no Content-Security-Policy to stop an `onclick`.
        for suffix in languages.SUFFIXES:
            body = getattr(self, f"body_{suffix}", None)
            if body:
                setattr(self, f"body_{suffix}", str(sanitise(body)))
        super().save(*args, **kwargs)

    def duplicate(self) -> "PressRelease":
        """A new draft with this release's text, links and quotes, at an address of its own."""
        copy = PressRelease._base_manager.get(pk=self.pk)
        copy.pk = copy.id = None
        copy._state.adding = True
        copy.slug = ""
        copy.status = Status.DRAFT
        copy.publish_at = copy.unpublish_at = None
        copy.withdrawn_reason = ""
        copy.save()
        for name in ("topics", "organisations", "attachments"):
            getattr(copy, name).set(getattr(self, name).all())
        for quote in self.quotes.all():
            quote.pk = quote.id = None
            quote._state.adding = True
            quote.release = copy
            quote.save()
        return copy


class Quote(Translated):
    required_translations = ("text",)

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="quotes")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("person")
    )
    text = models.TextField(_("quote"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self) -> str:
        return f"{self.person}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return self.release.get_absolute_url() + f"#quote-{self.pk}"
