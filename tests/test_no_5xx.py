"""No query string, however strange, makes a public address answer 5xx (hypothesis)."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from media_centre.models import Event, MoU, Person, PressRelease, Study

PARAMS = [
    "text",
    "q",
    "year",
    "topic",
    "organisation",
    "kind",
    "when",
    "page",
    "next",
    "p",
    "period",
]
VALUES = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["", "0", "-1", "1e9", "NaN", "2025", "'", '"*', "NEAR(", "%", "_", "\x00", "²", "٢٠٢٥"]
    ),
)
QUERIES = st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=4)


@pytest.fixture
def public_urls(db) -> list[str]:
    """The seed's pages in every language, and the language-free doors; loaded once per test,
    inside its transaction, and shared by all of hypothesis's examples."""
    call_command("load_seed", verbosity=0)
    items = [
        PressRelease.objects.get(), Event.objects.get(), MoU.objects.get(),
        Study.objects.get(), Person.objects.first(),
    ]  # fmt: skip
    urls = []
    for language in ("en", "zh-hant", "zh-hans"):
        with translation.override(language):
            urls += [item.get_absolute_url() for item in items]
            urls += [item.get_verify_url() for item in items if hasattr(item, "get_verify_url")]
            urls += [
                f"/{language}/", f"/{language}/media-centre/press-releases/",
                f"/{language}/media-centre/events/", f"/{language}/media-centre/mous/",
                f"/{language}/publications/", f"/{language}/speakers/",
                f"/{language}/search/", f"/{language}/cookies/",
                f"/{language}/media-centre/press-releases/2025/",
                f"/{language}/media-centre/press-releases/feed.rss",
            ]  # fmt: skip
    urls += ["/sitemap.xml", "/sitemap-releases.xml", "/calendar/events.ics", "/robots.txt"]
    return urls


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(index=st.integers(min_value=0), query=QUERIES)
def test_no_public_address_answers_5xx(public_urls, index, query):
    url = public_urls[index % len(public_urls)]
    response = Client(raise_request_exception=False).get(url, query)
    assert response.status_code < 500, (url, query, response.status_code)


# Digits that str.isdigit() accepts and int() refuses (a superscript), or that int() reads as a
# year (Arabic-Indic digits): both were a 500 on the list pages.
NOT_ASCII_DIGITS = ["²", "²⁰²⁵", "٢٠٢٥", "２０２５"]


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
@pytest.mark.parametrize(
    "path", ["media-centre/press-releases/", "media-centre/events/", "media-centre/mous/",
             "publications/"],
)  # fmt: skip
def test_a_year_in_other_digits_is_a_404_not_a_500(client, db, language, path):
    for value in NOT_ASCII_DIGITS:
        response = client.get(f"/{language}/{path}", {"year": value})
        assert response.status_code == 404, (path, value, response.status_code)


def test_the_desk_filters_ignore_years_and_versions_in_other_digits(client, db):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("admin", "a@example.org", "x" * 16))
    for value in NOT_ASCII_DIGITS:
        for url, name in [
            ("/admin/media_centre/pressrelease/", "year"),
            ("/admin/consent/consentrecord/", "policy_version"),
        ]:
            response = client.get(url, {name: value})
            assert response.status_code < 500, (url, value, response.status_code)
