"""Memoranda of understanding and the organisations party to them."""

from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.models import SourceTracked

from .documents import Document
from .notes import Noted, NotedQuerySet
from .people import Organisation, Person, Topic
from .publishing import Publishable, PublishableQuerySet
from .slugs import WEB_ADDRESS, WEB_ADDRESS_HELP, MadeAddress


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")


class MoUQuerySet(NotedQuerySet, PublishableQuerySet):
    def for_list(self):
        return self.prefetch_related(
            models.Prefetch("parties", queryset=MoUParty.objects.select_related("organisation"))
        )

    def for_detail(self, preview: bool = False):
        return (
            self.with_notes(preview)
            .select_related("document")
            .prefetch_related(
                models.Prefetch(
                    "parties",
                    queryset=MoUParty.objects.select_related("organisation", "signatory"),
                ),
                "topics",
            )
            .prefetch_linked("events", "public_events", preview)
            .prefetch_linked("studies", "public_studies", preview)
            .prefetch_linked("releases", "public_releases", preview)
        )


class MoU(MadeAddress, Noted, SourceTracked, Publishable):
    title = models.CharField(_("title"), max_length=300, blank=True)
    slug = models.SlugField(
        WEB_ADDRESS, max_length=120, unique=True, blank=True, help_text=WEB_ADDRESS_HELP["title"]
    )
    signed_on = models.DateField(
        _("signed on"),
        null=True,
        blank=True,
        help_text=_(
            "If only the month or year is known, pick its first day and set the precision."
        ),
    )
    signed_on_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    signed_place = models.CharField(_("signed at"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    topics = models.ManyToManyField(
        Topic, related_name="mous", blank=True, verbose_name=_("topics")
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mous",
        verbose_name=_("the MoU document"),
    )

    objects = MoUQuerySet.as_manager()
    required_translations = ("title",)
    required_to_publish = ("title", "signed_on")

    class Meta:
        ordering = ["-signed_on", "-pk"]
        indexes = Publishable.publishing_indexes("mou")
        verbose_name = _("MoU")
        verbose_name_plural = _("MoUs")
        permissions = [("publish_mou", _("Can publish, schedule and withdraw MoUs"))]
        constraints = Publishable.publishing_constraints("mou")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("media_centre:mou-detail", kwargs={"slug": self.slug})

    def get_verify_url(self) -> str:
        """Its Verify page: the signed versions, and a check of a quote or a file."""
        return reverse("media_centre:mou-verify", kwargs={"slug": self.slug})

    @property
    def signed_on_display(self) -> str:
        if not self.signed_on:
            return ""
        fmt = {"day": "DATE_FORMAT", "month": "YEAR_MONTH_FORMAT", "year": "Y"}[
            self.signed_on_precision
        ]
        return date_format(self.signed_on, fmt)


class MoUParty(models.Model):
    mou = models.ForeignKey(MoU, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="mou_parties",
        verbose_name=_("organisation"),
    )
    signatory = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mous_signed",
        verbose_name=_("signed by"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["mou", "organisation"],
                name="mou_party_unique",
                violation_error_message=_("This organisation is already a party."),
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return self.mou.get_absolute_url()
