"""Dates, times and time zones on the desk: typed as editors type them, formats shown, zones
named next to every time."""

import datetime as dt
import re
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, get_format

from core.desk_dates import DeskDateField, DeskSplitDateTimeField, DeskTimeField
from core.workflow import api as review
from media_centre.models import Event, EventSession, Person, PressRelease, Status

from .conftest import make_event, make_person, make_release
from .test_admin import form_data, url

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
LANGUAGES = ["en", "zh-hant", "zh-hans"]

DATES = [
    "19/06/2025",
    "19/6/2025",
    "2025-06-19",
    "19 June 2025",
    "19 Jun 2025",
    "June 19, 2025",
    "2025年6月19日",
    "２０２５年６月１９日",
    " 19/06/2025 ",
]
TIMES = {
    "13:22": dt.time(13, 22),
    "1:22 pm": dt.time(13, 22),
    "1:22 PM": dt.time(13, 22),
    "1:22 p.m.": dt.time(13, 22),
    "1.22pm": dt.time(13, 22),
    "13.22": dt.time(13, 22),
    "下午1:22": dt.time(13, 22),
    "下午1時22分": dt.time(13, 22),
    "上午9時30分": dt.time(9, 30),
    "上午9時半": dt.time(9, 30),
    "9:30": dt.time(9, 30),
    "9:30 a.m.": dt.time(9, 30),
    "12:15 a.m.": dt.time(0, 15),
    "12:15 p.m.": dt.time(12, 15),
    "13:22:00": dt.time(13, 22),
}


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def in_language(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def save_event(client, event, **changes):
    data = form_data(client.get(url(Event, "change", event.pk)))
    data.update(changes)
    return client.post(url(Event, "change", event.pk), data)


def described(soup, field) -> str:
    """The texts that `aria-describedby` names for `field`."""
    ids = field["aria-describedby"].split()
    return " ".join(" ".join(soup.find(id=i).get_text().split()) for i in ids if soup.find(id=i))


def schedule(client, release, day: str, time: str):
    """Schedule `release` on its publish page as typed: asked, then confirmed."""
    address = url(PressRelease, "publish", release.pk) + "?when=later"
    typed = {"at_0": day, "at_1": time}
    asked = client.post(address, typed)
    confirm = BeautifulSoup(asked.content, "html.parser").find("input", attrs={"name": "confirmed"})
    if confirm is None:
        return asked
    return client.post(address, {**typed, "confirmed": confirm["value"]})


def errors(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(" ".join(ul.get_text(" ").split()) for ul in soup.select("ul.errorlist"))


# Dates and times as editors type them


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("typed", DATES)
def test_a_date_is_accepted_as_editors_type_it(client, editor, language, typed):
    event = make_event(status=Status.DRAFT, start_date=dt.date(2024, 1, 1))
    client.force_login(editor)
    in_language(client, language)

    response = save_event(client, event, start_date=typed)

    assert response.status_code == 302, errors(response)
    event.refresh_from_db()
    assert event.start_date == dt.date(2025, 6, 19)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("typed", TIMES)
def test_a_time_is_accepted_as_editors_type_it(client, editor, language, typed):
    event = make_event(status=Status.DRAFT)
    client.force_login(editor)
    in_language(client, language)

    response = save_event(client, event, start_time=typed)

    assert response.status_code == 302, errors(response)
    event.refresh_from_db()
    assert event.start_time == TIMES[typed]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_time_as_the_desk_prints_it_is_accepted_back(client, editor, language):
    event = make_event(status=Status.DRAFT)
    client.force_login(editor)
    in_language(client, language)
    with translation.override(language):
        printed = date_format(dt.time(13, 22), "TIME_FORMAT")

    response = save_event(client, event, start_time=printed)

    assert response.status_code == 302, errors(response)
    event.refresh_from_db()
    assert event.start_time == dt.time(13, 22)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_as_shown_saves_back_unchanged(client, editor, language):
    event = make_event(
        status=Status.DRAFT,
        start_date=dt.date(2025, 6, 19),
        start_time=dt.time(13, 22),
        end_date=dt.date(2025, 6, 20),
    )
    EventSession.objects.create(event=event, title="Opening", start_time=dt.time(9, 30))
    client.force_login(editor)
    in_language(client, language)

    response = save_event(client, event)

    assert response.status_code == 302, errors(response)
    event.refresh_from_db()
    assert (event.start_date, event.start_time, event.end_date) == (
        dt.date(2025, 6, 19),
        dt.time(13, 22),
        dt.date(2025, 6, 20),
    )
    assert event.sessions.get().start_time == dt.time(9, 30)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_calendar_and_clock_write_what_the_fields_read(client, editor, language):
    """The admin's calendar and clock write (and the calendar reads) the first input format of
    the page's language, as the JavaScript catalogue gives it; the fields show their value in
    it, and read it back."""
    client.force_login(editor)
    in_language(client, language)
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    with translation.override(language):
        date_format_ = get_format("DATE_INPUT_FORMATS")[0]
        time_format = get_format("TIME_INPUT_FORMATS")[0]
        day, moment = dt.date(2025, 6, 19), dt.time(13, 22)
        assert DeskDateField().clean(day.strftime(date_format_)) == day
        assert DeskTimeField().clean(moment.strftime(time_format)) == moment
    assert re.search(rf'"DATE_INPUT_FORMATS": \[\s*"{date_format_}"', catalogue)
    assert re.search(rf'"TIME_INPUT_FORMATS": \[\s*"{time_format}"', catalogue)
    assert date_format_ == "%d/%m/%Y"
    assert time_format == "%H:%M"

    event = make_event(status=Status.DRAFT, start_time=dt.time(13, 22))
    data = form_data(client.get(url(Event, "change", event.pk)))
    assert (data["start_date"], data["start_time"]) == ("19/06/2025", "13:22")


# Formats shown, errors that name them


@pytest.mark.parametrize(
    ("language", "date_hint", "time_hint"),
    [
        ("en", "e.g. 19/06/2025", "e.g. 1:22 p.m. or 13:22"),
        ("zh-hant", "例如 19/06/2025", "例如 下午1:22 或 13:22"),
        ("zh-hans", "例如 19/06/2025", "例如 下午1:22 或 13:22"),
    ],
)
def test_each_date_and_time_field_shows_its_format(client, editor, language, date_hint, time_hint):
    event = make_event(status=Status.DRAFT)
    client.force_login(editor)
    in_language(client, language)

    soup = BeautifulSoup(client.get(url(Event, "change", event.pk)).content, "html.parser")

    for name, hint in [("start_date", date_hint), ("start_time", time_hint)]:
        assert hint in described(soup, soup.find("input", attrs={"name": name}))
    start_time = soup.find("input", attrs={"name": "start_time"})
    assert "id_start_time_helptext" in start_time["aria-describedby"].split()  # still described
    person_form = client.get(url(Person, "add"))  # an inline's dates too
    position = BeautifulSoup(person_form.content, "html.parser").find(
        "input", attrs={"name": "positions-0-start_date"}
    )
    assert position.has_attr("aria-describedby")


@pytest.mark.parametrize(
    ("language", "field", "typed", "message"),
    [
        ("en", "start_date", "31/02/2025", "Enter the date as day/month/year, e.g. 19/06/2025."),
        ("en", "start_date", "next Tuesday", "Enter the date as day/month/year, e.g. 19/06/2025."),
        ("en", "start_time", "25:00", "Enter the time as hour:minute, e.g. 1:22 p.m. or 13:22."),
        ("en", "start_time", "13:22 am", "Enter the time as hour:minute, e.g. 1:22 p.m. or 13:22."),
        ("zh-hant", "start_date", "2025年13月1日", "請以日/月/年輸入日期，例如 19/06/2025。"),
        ("zh-hans", "start_time", "noonish", "请以时:分输入时间，例如 下午1:22 或 13:22。"),
    ],
)  # fmt: skip
def test_a_date_or_time_not_understood_gets_an_error_naming_the_format(
    client, editor, language, field, typed, message
):
    event = make_event(status=Status.DRAFT)
    client.force_login(editor)
    in_language(client, language)

    response = save_event(client, event, **{field: typed})

    assert response.status_code == 200
    assert message in errors(response)


# A date without a time


def test_an_event_needs_no_time(client, editor):
    event = make_event(status=Status.DRAFT, start_time=dt.time(10, 0))
    client.force_login(editor)

    response = save_event(client, event, start_date="19/06/2025", start_time="", end_time="")

    assert response.status_code == 302, errors(response)
    event.refresh_from_db()
    assert (event.start_date, event.start_time) == (dt.date(2025, 6, 19), None)


def test_a_publication_date_without_a_time_is_the_start_of_that_day_in_hong_kong(client, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)

    response = schedule(client, release, "19/06/2030", "")

    assert response.status_code == 302, errors(response)
    release.refresh_from_db()
    assert release.publish_at == dt.datetime(2030, 6, 19, 0, 0, tzinfo=HK)


def test_a_publication_time_without_a_date_asks_for_the_date(client, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)

    response = schedule(client, release, "", "1:22 p.m.")

    assert response.status_code == 200
    assert "Give the date too, e.g. 19/06/2025." in errors(response)


def test_a_publication_time_as_typed_is_hong_kong_time(client, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)

    response = schedule(client, release, "19 June 2030", "下午1:22")

    assert response.status_code == 302, errors(response)
    release.refresh_from_db()
    assert release.publish_at == dt.datetime(2030, 6, 19, 13, 22, tzinfo=HK)


# The time zone next to every time


@pytest.mark.parametrize(
    ("language", "zone", "day"),
    [
        ("en", "Hong Kong time (HKT)", "A date without a time means the start of that day"),
        ("zh-hant", "香港時間（HKT）", "只填日期不填時間，即為當日開始（00:00）"),
        ("zh-hans", "香港时间（HKT）", "只填日期不填时间，即为当日开始（00:00）"),
    ],
)
def test_publishing_times_name_the_zone_and_what_a_date_alone_means(
    client, publisher, language, zone, day
):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)
    in_language(client, language)

    form = client.get(url(PressRelease, "change", release.pk)).content
    scheduling = client.get(url(PressRelease, "publish", release.pk) + "?when=later").content

    for page, name in ((form, "unpublish_at_0"), (scheduling, "at_0")):
        soup = BeautifulSoup(page, "html.parser")
        text = described(soup, soup.find("input", attrs={"name": name}))
        assert zone in text
        assert day in text


def test_the_zone_is_named_from_the_site_time_zone(client, publisher, settings):
    settings.TIME_ZONE = "Europe/London"
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)
    with timezone.override("Europe/London"):
        page = text(client.get(url(PressRelease, "change", release.pk)))

    assert "London time (" in page
    assert "Hong Kong time" not in page


def test_lists_show_times_with_their_zone(client, publisher):
    make_release(publish_at=dt.datetime(2025, 6, 19, 13, 22, tzinfo=HK))
    make_person()
    client.force_login(publisher)

    releases = text(client.get(url(PressRelease, "changelist")))
    people = text(client.get(url(Person, "changelist")))

    assert "June 19, 2025, 1:22 p.m. HKT" in releases
    assert releases.count("HKT") == 2  # the publication time and last modified
    assert "HKT" in people


def test_the_scheduled_badge_names_the_zone(client, publisher):
    make_release(status=Status.PUBLISHED, publish_at=dt.datetime(2031, 6, 19, 13, 22, tzinfo=HK))
    client.force_login(publisher)

    soup = BeautifulSoup(client.get(url(PressRelease, "changelist")).content, "html.parser")

    badge = soup.find("span", class_="nr-badge--scheduled")
    assert badge["title"] == "Public from June 19, 2031, 1:22 p.m. HKT"


def test_the_preview_banner_names_the_zone(client, publisher):
    release = make_release(
        status=Status.PUBLISHED, publish_at=dt.datetime(2031, 6, 19, 13, 22, tzinfo=HK)
    )
    client.force_login(publisher)

    page = text(client.get(release.get_absolute_url()))

    assert "It becomes public on June 19, 2031, 1:22 p.m. HKT." in page


def test_the_history_names_the_zone(client, editor):
    release = make_release(status=Status.DRAFT)
    client.force_login(editor)
    client.post(
        url(PressRelease, "change", release.pk),
        form_data(client.get(url(PressRelease, "change", release.pk))),
    )

    page = text(client.get(url(PressRelease, "history", release.pk)))

    assert "HKT" in page


def test_the_review_log_and_panel_name_the_zone(client, publisher):
    release = make_release(status=Status.DRAFT)
    review.record(release, review.Action.SUBMITTED, publisher, "Please check.")
    client.force_login(publisher)

    log = text(client.get(reverse("admin:workflow_step_changelist")))
    form = text(client.get(url(PressRelease, "change", release.pk)))

    assert "HKT" in log
    assert "HKT" in form


# The event's time zone in plain words


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "Beijing, Shanghai (UTC+8)"),
        ("zh-hant", "北京、上海（UTC+8）"),
        ("zh-hans", "北京、上海（UTC+8）"),
    ],
)
def test_an_events_time_zone_is_chosen_by_place(client, editor, language, label):
    event = make_event(status=Status.DRAFT, time_zone="Asia/Shanghai")
    client.force_login(editor)
    in_language(client, language)

    soup = BeautifulSoup(client.get(url(Event, "change", event.pk)).content, "html.parser")

    select = soup.find("select", attrs={"name": "time_zone"})
    chosen = select.find("option", selected=True)
    assert (chosen["value"], chosen.text) == ("Asia/Shanghai", label)
    assert select.find("option", value="Europe/London") is not None


def test_choosing_another_time_zone_stores_its_name(client, editor):
    event = make_event(status=Status.DRAFT, time_zone="Asia/Shanghai")
    client.force_login(editor)

    response = save_event(client, event, time_zone="Europe/London")

    assert response.status_code == 302, errors(response)
    event.refresh_from_db()
    assert event.time_zone == "Europe/London"


def test_a_time_zone_not_in_the_list_is_shown_and_kept(client, editor):
    event = make_event(status=Status.DRAFT, time_zone="America/Argentina/Salta")
    client.force_login(editor)

    soup = BeautifulSoup(client.get(url(Event, "change", event.pk)).content, "html.parser")
    chosen = soup.find("select", attrs={"name": "time_zone"}).find("option", selected=True)
    response = save_event(client, event)

    assert chosen["value"] == "America/Argentina/Salta"
    assert "Salta" in chosen.text
    assert response.status_code == 302, errors(response)
    event.refresh_from_db()
    assert event.time_zone == "America/Argentina/Salta"


def test_a_made_up_time_zone_is_a_form_error(client, editor):
    event = make_event(status=Status.DRAFT)
    client.force_login(editor)

    response = save_event(client, event, time_zone="Mars/Olympus_Mons")

    assert response.status_code == 200
    assert "time_zone" in response.context["adminform"].form.errors


# Every form of the desk


def _forms_of_the_desk(rf, user):
    request = rf.get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_change_permission(request):
            continue  # read-only, as the review log
        yield model, model_admin.get_form(request)
        for inline in model_admin.get_inline_instances(request):
            yield inline.model, inline.get_formset(request).form


def test_every_date_and_time_on_every_desk_form_reads_what_editors_type(rf, db):
    from django.contrib.auth.models import User

    superuser = User.objects.create_superuser("root", "root@example.org", "a long passphrase")
    expected = {
        models.DateField: DeskDateField,
        models.TimeField: DeskTimeField,
        models.DateTimeField: DeskSplitDateTimeField,
    }
    checked = 0
    for model, form in _forms_of_the_desk(rf, superuser):
        for name, field in form.base_fields.items():
            try:
                model_field = model._meta.get_field(name)
            except Exception:
                continue
            wanted = expected.get(type(model_field))
            if wanted is not None:
                assert isinstance(field, wanted), f"{model.__name__}.{name}: {type(field)}"
                checked += 1
    assert checked >= 8


def test_the_consent_log_and_policy_versions_name_the_zone(admin_client):
    from consent.models import Action, ConsentRecord, Method, PolicyVersion

    from .test_consent_admin import record

    moment = dt.datetime(2025, 6, 19, 13, 22, tzinfo=HK)
    consent = ConsentRecord.objects.create(**record(created_at=moment))
    PolicyVersion.objects.create(
        version=7, last_updated=dt.date(2025, 6, 1), published_at=moment, banner_text="Cookies."
    )

    records = text(admin_client.get(reverse("admin:consent_consentrecord_changelist")))
    versions = text(admin_client.get(reverse("admin:consent_policyversion_changelist")))

    assert str(consent).endswith("2025-06-19 13:22 HKT")
    assert (consent.action, consent.method) == (Action.CUSTOM, Method.BANNER)
    assert "June 19, 2025, 1:22 p.m. HKT" in records
    assert "June 19, 2025, 1:22 p.m. HKT" in versions


def test_the_recovery_codes_file_names_the_zone_it_was_made_in():
    from django.template.loader import render_to_string

    made = dt.datetime(2025, 6, 19, 13, 22, tzinfo=HK)
    with timezone.override(HK):
        content = render_to_string("admin/second_factor/recovery_codes.txt", {"made": made})

    assert "Made 2025-06-19 13:22 HKT." in content


def test_an_editor_reads_the_publication_times_with_their_zone(client, editor):
    release = make_release(
        publish_at=dt.datetime(2025, 6, 19, 13, 22, tzinfo=HK),
        unpublish_at=dt.datetime(2031, 6, 19, 9, 0, tzinfo=HK),
    )
    client.force_login(editor)

    soup = BeautifulSoup(client.get(url(PressRelease, "change", release.pk)).content, "html.parser")

    shown = {
        " ".join(row.find("label").get_text().split()): " ".join(
            row.find(class_="readonly").get_text().split()
        )
        for row in soup.select(".form-row")
        if row.find(class_="readonly") and row.find("label")
    }
    state = soup.select_one(".field-state_and_preview .nr-state-time").get_text()
    assert state == "public since June 19, 2025, 1:22 p.m. HKT"
    assert shown["Withdraw at:"] == "June 19, 2031, 9 a.m. HKT"
