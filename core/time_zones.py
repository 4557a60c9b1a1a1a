"""Time zones in plain words: the site's zone named next to a time, and common zones by place."""

import datetime as dt
import zoneinfo
from functools import cache

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy

# The zones an editor is offered by place, in this order; the database keeps the IANA name.
COMMON_ZONES = {
    "Asia/Hong_Kong": pgettext_lazy("time zone", "Hong Kong"),
    "Asia/Shanghai": pgettext_lazy("time zone", "Beijing, Shanghai"),
    "Asia/Macau": pgettext_lazy("time zone", "Macao"),
    "Asia/Taipei": pgettext_lazy("time zone", "Taipei"),
    "Asia/Singapore": pgettext_lazy("time zone", "Singapore"),
    "Asia/Kuala_Lumpur": pgettext_lazy("time zone", "Kuala Lumpur"),
    "Asia/Manila": pgettext_lazy("time zone", "Manila"),
    "Asia/Tokyo": pgettext_lazy("time zone", "Tokyo"),
    "Asia/Seoul": pgettext_lazy("time zone", "Seoul"),
    "Asia/Bangkok": pgettext_lazy("time zone", "Bangkok"),
    "Asia/Jakarta": pgettext_lazy("time zone", "Jakarta"),
    "Asia/Kolkata": pgettext_lazy("time zone", "New Delhi, Mumbai"),
    "Asia/Dubai": pgettext_lazy("time zone", "Dubai"),
    "Australia/Sydney": pgettext_lazy("time zone", "Sydney, Melbourne"),
    "Europe/London": pgettext_lazy("time zone", "London"),
    "Europe/Paris": pgettext_lazy("time zone", "Paris"),
    "Europe/Berlin": pgettext_lazy("time zone", "Berlin"),
    "Europe/Brussels": pgettext_lazy("time zone", "Brussels"),
    "Europe/Zurich": pgettext_lazy("time zone", "Geneva, Zurich"),
    "America/New_York": pgettext_lazy("time zone", "New York, Washington"),
    "America/Los_Angeles": pgettext_lazy("time zone", "Los Angeles, San Francisco"),
    "UTC": pgettext_lazy("time zone", "Coordinated Universal Time"),
}


def place(zone: zoneinfo.ZoneInfo | dt.tzinfo) -> str:
    """The zone's place in words: "Hong Kong" for Asia/Hong_Kong, from its name when unlisted."""
    key = getattr(zone, "key", None) or str(zone)
    if key in COMMON_ZONES:
        return str(COMMON_ZONES[key])
    return key.rsplit("/", 1)[-1].replace("_", " ")


def abbreviation(moment: dt.datetime) -> str:
    """ "HKT", or "UTC+08" where the zone has no letters for itself."""
    name = moment.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name


def zone_label(moment: dt.datetime | None = None) -> str:
    """The current zone in plain words: "Hong Kong time (HKT)"."""
    local = timezone.localtime(moment)
    return gettext("%(place)s time (%(abbreviation)s)") % {
        "place": place(local.tzinfo),
        "abbreviation": abbreviation(local),
    }


def in_zone(moment: dt.datetime | None) -> str:
    """A moment as the desk prints it, with its zone: "June 19, 2025, 1:22 p.m. HKT"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} {abbreviation(local)}"


def _hours(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")


@cache
def offsets(key: str, year: int) -> str:
    """ "UTC+8", or "UTC+0/+1" for a zone with summer time, in `year`."""
    zone = zoneinfo.ZoneInfo(key)
    seen = sorted({dt.datetime(year, month, 1, 12, tzinfo=zone).utcoffset() for month in (1, 7)})
    return "UTC" + "/".join(_hours(offset) for offset in seen)


@cache
def _all_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_choice_label(key: str) -> str:
    year = timezone.now().year
    return gettext("%(place)s (%(offsets)s)") % {
        "place": str(COMMON_ZONES[key]) if key in COMMON_ZONES else key,
        "offsets": offsets(key, year) if key in _all_zones() else "?",
    }


class TimeZoneSelect(forms.Select):
    """The common zones by place; a stored zone that is not among them is shown as it is."""

    def optgroups(self, name, value, attrs=None):
        known = {str(key) for key, _label in self.choices}
        unknown = [v for v in value if v and v not in known]
        if unknown:
            self.choices = [*self.choices, *((v, zone_choice_label(v)) for v in unknown)]
        return super().optgroups(name, value, attrs)


class TimeZoneChoiceField(forms.ChoiceField):
    """Stores the IANA name; any real zone is accepted, so an unlisted stored one is kept."""

    widget = TimeZoneSelect

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", lambda: [(k, zone_choice_label(k)) for k in COMMON_ZONES])
        super().__init__(**kwargs)

    def valid_value(self, value) -> bool:
        return value in _all_zones()


def time_zone_formfield(db_field, **kwargs) -> TimeZoneChoiceField:
    """The form field for a model's CharField that holds a zone's IANA name."""
    defaults = {
        "required": not db_field.blank,
        "label": capfirst(db_field.verbose_name),
        "help_text": db_field.help_text,
    }
    if db_field.has_default():
        defaults["initial"] = db_field.get_default()
    return TimeZoneChoiceField(**{**defaults, **kwargs})
