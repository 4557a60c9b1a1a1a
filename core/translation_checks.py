"""The desk's side of translations that remember their source: the prevailing language on the
form, what is out of date with the change to its source, and "mark as checked"."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .languages import BY_CODE, LANGUAGES, field_suffix
from .models import SourceTracked
from .revisions.diff import text_change
from .time_zones import in_zone

CHECKED = "checked_translations"


def _describe(obj: SourceTracked, key: str) -> tuple[str, str, str]:
    """(language name, field label, field) of a translated column such as "body_zh_hant"."""
    for field in obj.translated_fields():
        for language in LANGUAGES:
            if key == f"{field}_{language.suffix}":
                label = capfirst(obj._meta.get_field(field).verbose_name)
                return str(language.name), str(label), field
    return key, key, key


class TranslationChecksForm(forms.ModelForm):
    """Adds the "mark as checked" boxes for the item's out-of-date translations."""

    checked_translations = forms.MultipleChoiceField(
        label=_("Mark as checked"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick a translation you have read against the new source and found still right: "
            "it is no longer marked out of date. Changing its text does the same."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        stale = instance.stale_fields() if isinstance(instance, SourceTracked) else []
        self.fields[CHECKED].choices = [
            (key, gettext("%(language)s · %(field)s: still right") % {
                "language": _describe(instance, key)[0], "field": _describe(instance, key)[1]
            })
            for key in stale
        ]  # fmt: skip


class TranslationChecksAdmin:
    """For SourceTracked models: the prevailing language, and what is out of date."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not issubclass(self.model, SourceTracked):
            return fieldsets
        added = [(_("Languages"), {"fields": ["authoritative_language"]})]
        if obj is not None and obj.stale_fields():
            added.insert(
                0,
                (
                    _("Translations out of date"),
                    {"fields": ["translation_status", CHECKED], "classes": ["nr-out-of-date"]},
                ),
            )
        return [*fieldsets[:1], *added, *fieldsets[1:]]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "translation_status"]

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return [*filters, TranslationFilter] if issubclass(self.model, SourceTracked) else filters

    @admin.display(description=_("What changed"))
    def translation_status(self, obj) -> SafeString:
        if not isinstance(obj, SourceTracked) or not obj.stale_fields():
            return format_html("{}", "")
        source = obj.source_language()
        source_name = BY_CODE[source].name if source in BY_CODE else source
        suffix = field_suffix(source)
        entries = []
        for key in obj.stale_fields():
            language, label, field = _describe(obj, key)
            record = obj.translation_sources[key]
            entries.append(
                (
                    f"{language} · {label}",
                    gettext(
                        "The %(source)s changed after this was translated (%(when)s). "
                        "The change to the %(source)s:"
                    )
                    % {"source": source_name, "when": in_zone(parse_datetime(record["since"]))},
                    text_change(record["text"], getattr(obj, f"{field}_{suffix}") or ""),
                )
            )
        return format_html(
            '<ul class="nr-out-of-date-list">{}</ul>',
            format_html_join(
                "",
                '<li><strong>{}</strong>: {}<div class="nr-diff">{}</div></li>',
                entries,
            ),
        )

    def save_model(self, request, obj, form, change):
        checked = form.cleaned_data.get(CHECKED) if hasattr(form, "cleaned_data") else None
        if checked and isinstance(obj, SourceTracked):
            obj.mark_checked(checked)
        super().save_model(request, obj, form, change)


def title_field(model) -> str:
    """The field whose text says an item exists in a language (its headline or title)."""
    return model.required_translations[0]


def missing_q(model, language) -> Q:
    key = f"{title_field(model)}_{language.suffix}"
    return Q(**{key: ""}) | Q(**{f"{key}__isnull": True})


def behind_q(language) -> Q:
    return Q(out_of_date__contains=f" {language.code} ")


class TranslationFilter(admin.SimpleListFilter):
    """The desk's lists by translation: missing in a language, or out of date in it."""

    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        missing = _("Missing in %(language)s")
        behind = _("Out of date in %(language)s")
        return [
            *[(f"missing-{lang.code}", missing % {"language": lang.name}) for lang in LANGUAGES],
            *[(f"behind-{lang.code}", behind % {"language": lang.name}) for lang in LANGUAGES],
        ]

    def queryset(self, request, queryset):
        kind, _sep, code = (self.value() or "").partition("-")
        language = BY_CODE.get(code)
        if language is None or kind not in ("missing", "behind"):
            return queryset
        if kind == "missing":
            return queryset.filter(missing_q(queryset.model, language))
        return queryset.filter(behind_q(language))


def language_gaps(obj: SourceTracked) -> list[str]:
    """In plain words, each language `obj` cannot go public in: a text it must have is missing,
    or a translation is behind its prevailing language (converted Chinese counts as written)."""
    translated = set(obj.translated_fields())
    needed = [name for name in obj.required_to_publish if name in translated]
    needed = needed or [title_field(type(obj))]
    behind = obj.out_of_date.split()
    gaps = []
    for language in LANGUAGES:
        missing = [
            str(obj._meta.get_field(name).verbose_name)
            for name in needed
            if not str(getattr(obj, f"{name}_{language.suffix}", "") or "").strip()
        ]
        if missing:
            gaps.append(
                gettext("%(language)s: no %(fields)s")
                % {"language": language.name, "fields": ", ".join(missing)}
            )
        elif language.code in behind:
            gaps.append(
                gettext("%(language)s: behind the %(source)s (%(fields)s)")
                % {
                    "language": language.name,
                    "source": BY_CODE[obj.source_language()].name,
                    "fields": ", ".join(
                        _describe(obj, key)[1]
                        for key in obj.stale_fields()
                        if key.endswith(f"_{language.suffix}")
                    ),
                }
            )
    return gaps
