"""The events calendar and each event's .ics, read back with the icalendar library."""

import datetime as dt

import icalendar
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation

from core import page_cache
from media_centre.models import Event, Status

from .conftest import make_event, make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """`title=` fills the active language's field, which an earlier request may have left."""
    with translation.override("en"):
        yield


def ics_url(event: Event, language: str = "en") -> str:
    with translation.override(language):
        return reverse("media_centre:event-ics", args=[event.slug])


def get_calendar(client, url: str) -> tuple:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, icalendar.Calendar.from_ical(response.content)


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    (vevent,) = calendar.walk("VEVENT")
    return vevent


def test_event_with_dates_only_is_an_all_day_event(client):
    event = make_event(start_date=dt.date(2025, 6, 19), venue="Grand Hall", city="Shanghai")

    response, calendar = get_calendar(client, ics_url(event))

    vevent = only_event(calendar)
    assert vevent["DTSTART"].params["VALUE"] == "DATE"
    assert vevent.decoded("DTSTART") == dt.date(2025, 6, 19)
    assert vevent.decoded("DTEND") == dt.date(2025, 6, 20)
    assert str(vevent["SUMMARY"]) == event.title
    assert str(vevent["LOCATION"]) == "Grand Hall, Shanghai"
    assert str(vevent["URL"]) == "http://testserver" + event.get_absolute_url()
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'


def test_location_carries_every_address_part_given(client):
    event = make_event(
        venue="Shanghai Tower",
        street_address="501 Yincheng Middle Road",
        city="Shanghai",
        region="Pudong New Area",
        postal_code="200120",
        country="China",
    )
    vevent = only_event(get_calendar(client, ics_url(event))[1])
    assert str(vevent["LOCATION"]) == (
        "Shanghai Tower, 501 Yincheng Middle Road, Shanghai, Pudong New Area, 200120, China"
    )


def test_multi_day_event_ends_the_day_after_its_last_day(client):
    event = make_event(start_date=dt.date(2025, 6, 19), end_date=dt.date(2025, 6, 21))
    vevent = only_event(get_calendar(client, ics_url(event))[1])
    assert vevent.decoded("DTEND") == dt.date(2025, 6, 22)


def test_timed_event_keeps_its_wall_clock_time_and_zone(client):
    event = make_event(
        start_date=dt.date(2025, 6, 19),
        start_time=dt.time(9, 30),
        end_time=dt.time(12, 0),
        time_zone="Asia/Shanghai",
    )

    _, calendar = get_calendar(client, ics_url(event))

    vevent = only_event(calendar)
    assert vevent["DTSTART"].params["TZID"] == "Asia/Shanghai"
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert (start.date(), start.time()) == (dt.date(2025, 6, 19), dt.time(9, 30))
    assert end.time() == dt.time(12, 0)
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_organisers_and_summary_are_in_the_description(client):
    event = make_event(summary="A seminar on green bonds.")
    event.organisers.add(make_organisation(name="Green Finance Centre"))

    vevent = only_event(get_calendar(client, ics_url(event))[1])

    description = str(vevent["DESCRIPTION"])
    assert "A seminar on green bonds." in description
    assert "Green Finance Centre" in description


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Event.EventStatus.CANCELLED, "CANCELLED"),
        (Event.EventStatus.POSTPONED, "TENTATIVE"),
        (Event.EventStatus.AS_PLANNED, "CONFIRMED"),
    ],
)
def test_event_status_is_carried(client, status, expected):
    event = make_event(event_status=status)
    vevent = only_event(get_calendar(client, ics_url(event))[1])
    assert str(vevent["STATUS"]) == expected


def recent() -> dt.date:
    """A day inside the feed's window (a year back onward)."""
    return timezone.localdate() - dt.timedelta(days=20)


def test_uid_is_stable_across_requests_and_calendars(client):
    event = make_event(start_date=recent())

    first = only_event(get_calendar(client, ics_url(event))[1])["UID"]
    second = only_event(get_calendar(client, ics_url(event, "zh-hant"))[1])["UID"]
    in_feed = only_event(get_calendar(client, reverse("event-calendar"))[1])["UID"]

    assert first == second == in_feed == f"event-{event.pk}@testserver"


def test_single_event_title_follows_the_language_and_the_feed_is_english(client):
    event = make_event(
        title="Green finance forum", title_zh_hant="綠色金融論壇", start_date=recent()
    )

    chinese = only_event(get_calendar(client, ics_url(event, "zh-hant"))[1])
    feed = only_event(get_calendar(client, reverse("event-calendar"))[1])

    assert str(chinese["SUMMARY"]) == "綠色金融論壇"
    assert str(feed["SUMMARY"]) == "Green finance forum"
    assert str(feed["URL"]).startswith("http://testserver/en/")


def _hidden_events() -> list[Event]:
    now = timezone.now()
    return [
        make_event(title="Draft", status=Status.DRAFT),
        make_event(title="Scheduled", publish_at=now + dt.timedelta(hours=2)),
        make_event(
            title="Withdrawn",
            status=Status.WITHDRAWN,
            publish_at=now - dt.timedelta(days=2),
            withdrawn_reason="Called off.",
        ),
    ]


def test_unpublished_events_are_absent_from_the_feed(client):
    make_event(title="Public", start_date=recent())
    _hidden_events()

    _, calendar = get_calendar(client, reverse("event-calendar"))

    assert [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")] == ["Public"]


def test_unpublished_event_ics_is_404(client):
    for event in _hidden_events():
        assert client.get(ics_url(event)).status_code == 404
    assert client.get(reverse("media_centre:event-ics", args=["no-such-event"])).status_code == 404


def test_event_page_links_its_calendar_file(client):
    event = make_event()

    soup = BeautifulSoup(client.get(event.get_absolute_url()).content, "html.parser")

    link = soup.find("a", href=ics_url(event))
    assert link is not None and link.get_text(strip=True) == "Add to calendar"
    assert get_calendar(client, link["href"])[1].walk("VEVENT")


def test_calendar_feed_has_no_cookies_or_language_vary(client):
    make_event()
    response = client.get(reverse("event-calendar"))
    assert not response.cookies
    assert "Accept-Language" not in response.get("Vary", "")


def _make_events(count: int) -> set[str]:
    """Events, a third of them all-day; returns the time zones of the timed ones."""
    zones = set()
    for i in range(count):
        zone = ("Asia/Shanghai", "Asia/Hong_Kong", "Europe/London")[i % 3]
        timed = i % 3 != 0 or i % 2 == 1
        event = make_event(
            start_date=recent() + dt.timedelta(days=i),
            start_time=dt.time(10) if timed else None,
            time_zone=zone,
        )
        event.organisers.add(make_organisation(), make_organisation())
        if timed:
            zones.add(zone)
    return zones


@pytest.mark.parametrize("count", [3, 30])
def test_calendar_query_count_is_constant(client, django_assert_max_num_queries, count):
    zones = _make_events(count)
    page_cache.generation()  # started once after the writes (one query), not by every calendar
    with django_assert_max_num_queries(3):  # upcoming, the last year's, their organisers
        _, calendar = get_calendar(client, reverse("event-calendar"))
    assert len(calendar.walk("VEVENT")) == count
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == zones
    assert len(zones) == (2 if count == 3 else 3)


def test_the_feed_holds_upcoming_and_the_last_years_events_nearest_first(client, monkeypatch):
    """What a calendar needs, not the whole history: a year back onward, and at most
    CALENDAR_LENGTH events, the upcoming ones first, then the latest past ones."""
    from media_centre import calendars

    today = timezone.localdate()
    old = make_event(title="Two years ago", start_date=today - dt.timedelta(days=730))
    edge = make_event(title="Eleven months ago", start_date=today - dt.timedelta(days=335))
    last_week = make_event(title="Last week", start_date=today - dt.timedelta(days=7))
    running = make_event(
        title="Running", start_date=today - dt.timedelta(days=1), end_date=today + dt.timedelta(1)
    )
    soon = make_event(title="Soon", start_date=today + dt.timedelta(days=3))
    later = make_event(title="Later", start_date=today + dt.timedelta(days=90))

    def titles() -> list[str]:
        _, calendar = get_calendar(client, reverse("event-calendar"))
        return [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")]

    assert titles() == [e.title for e in (later, soon, running, last_week, edge)]
    assert old.title not in titles()
    monkeypatch.setattr(calendars, "CALENDAR_LENGTH", 3)
    page_cache.invalidate()
    assert titles() == [e.title for e in (later, soon, running)]
    monkeypatch.setattr(calendars, "CALENDAR_LENGTH", 1)
    assert titles() == ["Soon"]


def test_long_and_special_text_survives_folding_and_escaping(client):
    """Written line by line: every line at most 75 octets (never cut inside a character), and
    commas, semicolons, backslashes and line ends read back as written."""
    title = "綠色金融論壇：碳市場、轉型金融; and a very long English tail, with commas \\ slashes"
    summary = "第一行，含逗號;\n第二行 — " + "長" * 60
    event = make_event(title=title, summary=summary, start_date=recent(), venue="Hall; A, B")

    for url in (reverse("event-calendar"), ics_url(event)):
        response, calendar = get_calendar(client, url)
        assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
        response.content.decode("utf-8")  # no character was cut
        vevent = only_event(calendar)
        assert str(vevent["SUMMARY"]) == title
        assert str(vevent["DESCRIPTION"]).startswith(summary)
        assert str(vevent["LOCATION"]).startswith("Hall; A, B")
