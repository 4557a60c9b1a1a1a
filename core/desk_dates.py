"""Dates and times on the desk as editors type them, with the format and the time zone shown.

"19/06/2025", "19 June 2025", "June 19, 2025", "2025年6月19日"; "13:22", "1:22 p.m.", "1.22pm",
"下午1:22", "上午9時30分". The first input formats (day/month/year, hour:minute) are what the
admin's calendar and clock write and what the fields show (`core/formats`).
"""

import datetime as dt
import re
import unicodedata

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import from_current_timezone
from django.utils.translation import gettext_lazy as _

from .formats import DATE_INPUT_FORMATS
from .time_zones import in_zone, zone_label

DATE_EXAMPLE = _("e.g. 19/06/2025")
TIME_EXAMPLE = _("e.g. 1:22 p.m. or 13:22")
DATE_INVALID = _("Enter the date as day/month/year, e.g. 19/06/2025.")
TIME_INVALID = _("Enter the time as hour:minute, e.g. 1:22 p.m. or 13:22.")
DATE_MISSING = _("Give the date too, e.g. 19/06/2025.")
START_OF_DAY = _("Times are %(zone)s. A date without a time means the start of that day (00:00).")

MORNING = ("上午", "早上", "凌晨", "朝早")
AFTERNOON = ("下午", "中午", "晚上", "夜晚", "夜間", "夜间")
_MERIDIEM = re.compile(r"(?<![a-z])([ap])\.?\s?m\.?(?![a-z])")
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?")


def _plain(value: str) -> str:
    """Full-width digits and signs as ASCII, one space between words."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def parse_date(value: str) -> dt.date | None:
    text = _plain(value)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*([年月日號号])\s*", r"\1", text).replace("號", "日").replace("号", "日")
    text = re.sub(r"\b(sept)\b\.?", "Sep", text, flags=re.IGNORECASE)
    text = re.sub(r"\b([A-Za-z]{3})\.", r"\1", text)  # "Jun. 19"
    for format_ in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(text, format_).date()
        except ValueError:
            continue
    return None


def parse_time(value: str) -> dt.time | None:
    text = _plain(value).lower()
    meridiem = None
    for words, mark in ((MORNING, "am"), (AFTERNOON, "pm")):
        for word in words:
            if word in text:
                meridiem, text = mark, text.replace(word, " ")
    if found := _MERIDIEM.search(text):
        meridiem = f"{found.group(1)}m"
        text = text[: found.start()] + " " + text[found.end() :]
    hour_mark = bool(re.search(r"[時时點点]", text))
    text = re.sub(r"[時时點点]\s*半", ":30", text)
    text = re.sub(r"[時时點点]", ":", text).replace("分", "").replace(".", ":")
    text = "".join(text.split()).rstrip(":")
    found = _TIME.fullmatch(text)
    if not found or (found.group(2) is None and not (meridiem or hour_mark)):
        return None
    hour, minute, second = (int(part or 0) for part in found.groups())
    if meridiem == "am":
        if not 1 <= hour <= 12:
            return None
        hour %= 12
    elif meridiem == "pm" and 1 <= hour <= 11:
        hour += 12
    elif meridiem == "pm" and hour == 0:
        return None
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        return None


class DeskDateField(forms.DateField):
    default_error_messages = {"invalid": DATE_INVALID}

    def to_python(self, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if value in self.empty_values:
            return None
        parsed = parse_date(str(value))
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class DeskTimeField(forms.TimeField):
    default_error_messages = {"invalid": TIME_INVALID}

    def to_python(self, value):
        if isinstance(value, dt.time):
            return value
        if value in self.empty_values:
            return None
        parsed = parse_time(str(value))
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class DeskSplitDateTimeField(forms.SplitDateTimeField):
    """A date and a time in the current (the site's) zone; a date alone is the day's start."""

    def __init__(self, *, input_date_formats=None, input_time_formats=None, **kwargs):
        kwargs.pop("localize", None)
        forms.MultiValueField.__init__(self, (DeskDateField(), DeskTimeField()), **kwargs)

    def compress(self, data_list):
        if not data_list:
            return None
        day, moment = data_list
        if day in self.empty_values:
            if moment in self.empty_values:
                return None
            raise ValidationError(DATE_MISSING, code="invalid_date")
        if moment in self.empty_values:
            moment = dt.time(0, 0)
        return from_current_timezone(dt.datetime.combine(day, moment))


class _HintMixin:
    """Shows `hint` next to the input, which names it in `aria-describedby`."""

    template_name = "desk_dates/input.html"
    hint = ""
    wrapper_class = ""

    class Media:
        css = {"all": ["admin/desk-dates.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["hint"] = self.hint
        widget["wrapper_class"] = self.wrapper_class
        if element_id := widget["attrs"].get("id"):
            widget["hint_id"] = f"{element_id}_hint"
            # The admin's widgets replace the field's help text id with their own: keep both.
            described = [
                widget["hint_id"],
                widget["attrs"].get("aria-describedby"),
                (attrs or {}).get("aria-describedby"),
            ]
            widget["attrs"]["aria-describedby"] = " ".join(dict.fromkeys(filter(None, described)))
        return context


class DeskDateInput(_HintMixin, admin_widgets.BaseAdminDateWidget):
    hint = DATE_EXAMPLE


class DeskTimeInput(_HintMixin, admin_widgets.BaseAdminTimeWidget):
    hint = TIME_EXAMPLE


class DeskDateWidget(DeskDateInput):
    wrapper_class = "date"


class DeskTimeWidget(DeskTimeInput):
    wrapper_class = "time"


class DeskSplitDateTimeWidget(admin_widgets.AdminSplitDateTime):
    """The date, the time, and under them the zone they are in and what a date alone means."""

    template_name = "desk_dates/split_datetime.html"

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(self, [DeskDateInput, DeskTimeInput], attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["zone_note"] = START_OF_DAY % {"zone": zone_label()}
        if element_id := widget["attrs"].get("id"):
            widget["zone_id"] = f"{element_id}_zone"
            # The admin's own replaced each input's description with its time zone warning.
            for sub in widget["subwidgets"]:
                described = [
                    sub.get("hint_id"),
                    sub["attrs"].get("aria-describedby"),
                    (attrs or {}).get("aria-describedby"),
                    widget["zone_id"],
                ]
                sub["attrs"]["aria-describedby"] = " ".join(dict.fromkeys(filter(None, described)))
        return context


# For every desk ModelAdmin and inline: `formfield_overrides = DESK_DATES` (or merged in).
DESK_DATES = {
    models.DateField: {"form_class": DeskDateField, "widget": DeskDateWidget},
    models.TimeField: {"form_class": DeskTimeField, "widget": DeskTimeWidget},
    models.DateTimeField: {
        "form_class": DeskSplitDateTimeField,
        "widget": DeskSplitDateTimeWidget,
    },
}


def time_column(field_name: str, description):
    """A list column that shows a moment with its zone: "June 19, 2025, 1:22 p.m. HKT"."""

    @admin.display(description=description, ordering=field_name)
    def column(model_admin, obj) -> str:
        return in_zone(getattr(obj, field_name))

    return column
