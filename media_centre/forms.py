"""The filters of the public lists, validated like any other form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccessibilityRequest, Organisation, Topic


class ListFilterForm(forms.Form):
    """Year, topic, organisation and kind; a list keeps the ones it offers."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.only("name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.only("name", "short_name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("All organisations"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, offered: tuple[str, ...], years: list[int], kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in offered:
                del self.fields[name]
        if "year" in self.fields:
            # Any plausible year is valid (an empty year is an empty state, not an error).
            shown = [(y, y) for y in years]
            self.fields["year"].choices = [("", _("All years")), *shown]
            self.fields["year"].valid_value = lambda value: (
                str(value).isdigit() and 1900 <= int(value) <= 2999
            )
        if "kind" in self.fields:
            self.fields["kind"].choices = [("", _("All kinds")), *(kinds or [])]

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
