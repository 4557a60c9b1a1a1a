"""The filters of the public lists, validated like any other form."""

from collections.abc import Callable
from functools import partial
from html import escape

from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import languages, page_cache

from .models import AccessibilityRequest, Frequency, Organisation, Topic


class QuickSelect(forms.Select):
    """A single <select> rendered in Python. Django renders every <option> through a template
    of its own: with a few hundred organisations that was most of a list page's time."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) in chosen else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')


class ListFilterForm(forms.Form):
    """Year, topic, organisation and kind; a list keeps the ones it offers."""

    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        widget=QuickSelect,
        queryset=Topic.objects.only("name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        widget=QuickSelect,
        queryset=Organisation.objects.only("name", "short_name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("All organisations"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=QuickSelect)

    def __init__(
        self,
        *args,
        offered: tuple[str, ...],
        years: list[int],
        kinds=None,
        organisations: tuple[str, Callable[[], QuerySet]] | None = None,
        **kwargs,
    ):
        """`organisations`: (the list's name, the organisations its filter offers); without it,
        every organisation."""
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in offered:
                del self.fields[name]
        if "year" in self.fields:
            # Any plausible year is valid (an empty year is an empty state, not an error).
            shown = [(y, y) for y in years]
            self.fields["year"].choices = [("", _("All years")), *shown]
            self.fields["year"].valid_value = lambda value: (
                # ASCII digits only: str.isdigit() takes "²", which int() refuses.
                str(value).isascii() and str(value).isdigit() and 1900 <= int(value) <= 2999
            )
        if "kind" in self.fields:
            self.fields["kind"].choices = [("", _("All kinds")), *(kinds or [])]
        for name in ("topic", "organisation"):
            if name in self.fields:
                # The names in this language, read once per content change, and only when the
                # form is drawn (validation asks the database about the value a visitor sends).
                field = self.fields[name]
                key = f"filter-choices:{name}:{get_language()}"
                if name == "organisation" and organisations:
                    key += f":{organisations[0]}"
                    compute = partial(self._offered, field, organisations[1])
                else:
                    iterator = field.iterator(field)
                    compute = lambda iterator=iterator: [  # noqa: E731
                        (str(v), str(label)) for v, label in iterator
                    ]
                field.choices = partial(
                    self._with_chosen, name, partial(page_cache.remember, key, compute)
                )

    @staticmethod
    def _offered(field, organisations: Callable[[], QuerySet]) -> list[tuple[str, str]]:
        chosen = organisations().only("name", "short_name", "slug")
        return [("", str(field.empty_label))] + [
            (str(o.slug), str(field.label_from_instance(o))) for o in chosen
        ]

    def _with_chosen(self, name: str, offered: Callable[[], list]) -> list:
        """The choices offered, and the one chosen if it is not among them (an organisation
        linked from its own page, not among the list's most frequent)."""
        choices = offered()
        chosen = getattr(self, "cleaned_data", {}).get(name)
        if chosen is not None and str(chosen.slug) not in {value for value, _label in choices}:
            return [*choices, (chosen.slug, str(self.fields[name].label_from_instance(chosen)))]
        return choices

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class AccessibleVersionForm(forms.ModelForm):
    """A visitor asks for a document in a format they can use."""

    class Meta:
        model = AccessibilityRequest
        fields = ["name", "email", "message"]
        labels = {
            "name": _("Your name"),
            "email": _("Your email address"),
            "message": _("What format would help you? (optional)"),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}


class AlertChoicesForm(forms.Form):
    """What a subscriber follows, in which language, how often: subscribing and managing."""

    language = forms.ChoiceField(
        label=_("Language of the emails"), choices=languages.choices(), widget=forms.RadioSelect
    )
    releases = forms.BooleanField(label=_("All press releases"), required=False)
    events = forms.BooleanField(label=_("All events"), required=False)
    publications = forms.BooleanField(label=_("All publications"), required=False)
    topics = forms.ModelMultipleChoiceField(
        label=_("Or anything on these topics"),
        queryset=Topic.objects.only("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency,
        initial=Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )

    KINDS = ("releases", "events", "publications")

    def clean_topics(self):
        topics = self.cleaned_data["topics"]
        if len(topics) > 100:
            raise forms.ValidationError(_("Choose fewer topics."))
        return topics

    def clean(self):
        data = super().clean()
        if not any(data.get(kind) for kind in self.KINDS) and not data.get("topics"):
            raise forms.ValidationError(
                _("Choose what to receive: a kind of news, or at least one topic."),
                code="nothing",
            )
        return data

    def choices(self) -> dict:
        data = self.cleaned_data
        return {
            "language": data["language"],
            "frequency": data["frequency"],
            **{kind: data[kind] for kind in self.KINDS},
        }


class SubscriptionForm(AlertChoicesForm):
    """The public form: an address, then the choices."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email"]
