"""Studies: research reports, papers and submissions offered for download."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import SourceTracked

from ..uploads import validate_image_upload
from .documents import Document
from .notes import Noted, NotedQuerySet
from .people import Organisation, Person, Topic
from .publishing import Publishable, PublishableQuerySet
from .slugs import WEB_ADDRESS, WEB_ADDRESS_HELP, MadeAddress


class StudyQuerySet(NotedQuerySet, PublishableQuerySet):
    def for_list(self):
        return self.prefetch_related("author_organisations")

    def for_detail(self, preview: bool = False):
        return (
            self.with_notes(preview)
            .select_related("launch_event", "mou")
            .prefetch_related("author_organisations", "topics", "files")
            .prefetch_linked("author_people", "public_authors", preview)
            .prefetch_linked("releases", "public_releases", preview)
        )


class Study(MadeAddress, Noted, SourceTracked, Publishable):
    class Kind(models.TextChoices):
        RESEARCH_REPORT = "research-report", _("Research report")
        PAPER = "paper", _("Paper")
        SUBMISSION = "submission", _("Submission")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=300, blank=True)
    slug = models.SlugField(
        WEB_ADDRESS, max_length=120, unique=True, blank=True, help_text=WEB_ADDRESS_HELP["title"]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.RESEARCH_REPORT)
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    author_organisations = models.ManyToManyField(
        Organisation, related_name="studies", blank=True, verbose_name=_("authoring organisations")
    )
    author_people = models.ManyToManyField(
        Person, related_name="studies", blank=True, verbose_name=_("authors")
    )
    topics = models.ManyToManyField(
        Topic, related_name="studies", blank=True, verbose_name=_("topics")
    )
    cover_image = models.ImageField(
        _("cover image"), upload_to="covers/", blank=True, validators=[validate_image_upload]
    )
    cover_image_alt = models.CharField(
        _("cover image text alternative"), max_length=200, blank=True
    )
    files = models.ManyToManyField(
        Document,
        related_name="studies",
        blank=True,
        verbose_name=_("files"),
        help_text=_("One file per language."),
    )
    launch_event = models.ForeignKey(
        "Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="studies_launched",
        verbose_name=_("launched at"),
    )
    mou = models.ForeignKey(
        "MoU",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="studies",
        verbose_name=_("carried out under MoU"),
    )

    objects = StudyQuerySet.as_manager()
    required_translations = ("title",)
    required_to_publish = ("title", "publication_date")
    image_alternatives = (("cover_image", "cover_image_alt"),)

    class Meta:
        ordering = ["-publication_date", "-pk"]
        indexes = [
            models.Index(
                fields=["-publication_date", "-id", "status", "publish_at", "unpublish_at"],
                name="study_list_order",
            ),
            *Publishable.publishing_indexes("study"),
        ]
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        permissions = [("publish_study", _("Can publish, schedule and withdraw studies"))]
        constraints = Publishable.publishing_constraints("study")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("media_centre:study-detail", kwargs={"slug": self.slug})

    def get_verify_url(self) -> str:
        """Its Verify page: the signed versions, and a check of a quote or a file."""
        return reverse("media_centre:study-verify", kwargs={"slug": self.slug})
