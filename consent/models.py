"""Cookie consent: categories, declared cookies, policy versions, and the proof of each choice."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import page_cache
from core.models import Translated


class CategoryQuerySet(page_cache.InvalidatingQuerySet):
    def table(self) -> list[dict]:
        """Categories with their cookies for the current language, each text with the language
        it is in (a fallback's may differ), remembered once per content change like every part
        of the page that shows them (one query to fill)."""

        def read() -> list[dict]:
            return [
                {
                    "slug": category.slug,
                    "name": category.name,
                    "name_language": category.shown_language("name"),
                    "description": category.description,
                    "description_language": category.shown_language("description"),
                    "is_necessary": category.is_necessary,
                    "cookies": [
                        {
                            "name": cookie.name,
                            "provider": cookie.provider,
                            "purpose": cookie.purpose,
                            "purpose_language": cookie.shown_language("purpose"),
                            "expiry": cookie.expiry,
                            "expiry_language": cookie.shown_language("expiry"),
                            "opt_out_url": cookie.opt_out_url,
                        }
                        for cookie in category.cookies.all()
                    ],
                }
                for category in self.order_by("order", "pk").prefetch_related("cookies")
            ]

        return page_cache.remember(f"consent:categories:{get_language() or 'en'}", read)


class Category(Translated):
    slug = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Used in the consent cookie; keep it.")
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_necessary = models.BooleanField(
        _("strictly necessary"),
        default=False,
        help_text=_("Always on: visitors cannot refuse these cookies."),
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("cookie category")
        verbose_name_plural = _("cookie categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("consent:cookies") + f"#category-{self.slug}"


class DeclaredCookie(Translated):
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("The cookie's name, or a pattern with * for a family of names: _gtag_UA_*"),
    )
    provider = models.CharField(_("provider"), max_length=100)
    purpose = models.TextField(_("purpose"))
    expiry = models.CharField(
        _("expiry"), max_length=60, help_text=_("As visitors read it: 2 years")
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="cookies", verbose_name=_("category")
    )
    opt_out_url = models.URLField(_("how to opt out (link)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = page_cache.InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "order", "pk"]
        verbose_name = _("declared cookie")
        verbose_name_plural = _("declared cookies")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("consent:cookies") + f"#category-{self.category.slug}"

    def matches(self, cookie_name: str) -> bool:
        if "*" in self.name:
            return cookie_name.startswith(self.name.split("*", 1)[0])
        return cookie_name == self.name


class PolicyVersionQuerySet(page_cache.InvalidatingQuerySet):
    def current(self) -> "PolicyVersion | None":
        return self.filter(published_at__lte=timezone.now()).order_by("-version").first()


class PolicyVersion(Translated):
    """A version of the cookie policy; publishing a newer one asks every visitor again."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    last_updated = models.DateField(_("last updated"))
    published_at = models.DateTimeField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("From this time visitors are asked again. Leave empty while drafting."),
    )
    banner_text = models.TextField(_("banner text"))
    introduction = models.TextField(_("introduction"), help_text=_("Shown above the cookie table."))
    details = models.TextField(_("after the table"), blank=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("cookie policy version")
        verbose_name_plural = _("cookie policy versions")

    def __str__(self) -> str:
        return _("Version %(version)s of %(date)s") % {
            "version": self.version,
            "date": self.last_updated.isoformat(),
        }

    def get_absolute_url(self) -> str:
        return reverse("consent:cookies")


class Action(models.TextChoices):
    ACCEPT_ALL = "accept-all", _("Accepted all")
    REJECT_ALL = "reject-all", _("Rejected all")
    CUSTOM = "custom", _("Chose categories")
    WITHDRAW = "withdraw", _("Withdrew consent")
    EXPIRED = "expired", _("Choice expired")
    GPC = "gpc", _("Global Privacy Control")


class Method(models.TextChoices):
    BANNER = "banner", _("Banner")
    SETTINGS = "settings", _("Cookie settings page")
    GPC = "gpc", _("Browser signal (GPC)")
    AUTOMATIC = "automatic", _("Automatic")


class ConsentRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Consent records are never edited.")

    def delete(self):
        raise TypeError("Consent records are removed only by `prune_consent_records`.")

    def prune(self, before) -> int:
        """Remove records made before `before`; the retention command's only door."""
        old = self.filter(created_at__lt=before)
        count, _rows = models.QuerySet.delete(old)
        return count


class ConsentRecord(models.Model):
    """One choice, appended and never edited: the institution's proof."""

    consent_id = models.UUIDField(_("consent id"), default=uuid.uuid4, db_index=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=12, choices=Action)
    method = models.CharField(_("made with"), max_length=12, choices=Method)
    categories = models.JSONField(_("categories"), help_text=_("Each category's state."))
    policy_version = models.PositiveIntegerField(_("policy version"))
    language = models.CharField(_("language"), max_length=10)
    page = models.CharField(_("page"), max_length=500, blank=True)
    text_hash = models.CharField(_("hash of the text shown"), max_length=64)
    ip_prefix = models.CharField(_("network (truncated IP)"), max_length=45, blank=True)
    user_agent_hash = models.CharField(_("browser (hash)"), max_length=64, blank=True)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["created_at", "action"], name="consent_time_action")]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at)
        return f"{self.consent_id} {self.get_action_display()} {when:%Y-%m-%d %H:%M %Z}"

    def get_absolute_url(self) -> str:
        return reverse("admin:consent_consentrecord_change", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Consent records are never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Consent records are removed only by `prune_consent_records`.")
