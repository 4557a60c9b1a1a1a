"""Press releases by year, as the institution's old site offered."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from media_centre.models import Status

from .conftest import make_release

pytestmark = pytest.mark.django_db


def year_url(year: int) -> str:
    return reverse("media_centre:release-year", kwargs={"year": year})


def test_year_page_lists_only_that_years_published_releases(client):
    shown = make_release(headline="Spring 2024", release_date=dt.date(2024, 3, 1))
    make_release(headline="Draft 2024", release_date=dt.date(2024, 4, 1), status=Status.DRAFT)
    make_release(headline="Summer 2025", release_date=dt.date(2025, 6, 19))
    response = client.get(year_url(2024))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Press releases of 2024"
    links = {a["href"] for a in soup.select("main .cards a")}
    assert shown.get_absolute_url() in links
    assert "Draft 2024" not in soup.get_text()
    assert "Summer 2025" not in soup.get_text()


def test_year_page_links_the_other_years_with_releases(client):
    for year in (2023, 2024, 2025):
        make_release(release_date=dt.date(year, 5, 1))
    make_release(release_date=dt.date(2019, 5, 1), status=Status.DRAFT)
    soup = BeautifulSoup(client.get(year_url(2024)).content, "html.parser")
    years = soup.find("nav", class_="years")
    assert [a["href"] for a in years.find_all("a")] == [year_url(y) for y in (2025, 2024, 2023)]
    assert years.find("a", attrs={"aria-current": "page"}).get_text() == "2024"


def test_release_list_links_the_years(client):
    make_release(release_date=dt.date(2024, 5, 1))
    soup = BeautifulSoup(client.get(reverse("media_centre:release-list")).content, "html.parser")
    assert soup.find("nav", class_="years").find("a")["href"] == year_url(2024)


def test_year_without_published_releases_is_404(client):
    make_release(release_date=dt.date(2024, 5, 1))
    make_release(release_date=dt.date(2022, 5, 1), status=Status.DRAFT)
    assert client.get(year_url(2023)).status_code == 404
    assert client.get(year_url(2022)).status_code == 404
    assert client.get("/en/media-centre/press-releases/0000/").status_code == 404


def test_address_that_is_not_a_year_is_404(client):
    make_release(release_date=dt.date(2024, 5, 1))
    assert client.get("/en/media-centre/press-releases/twenty/").status_code == 404
    assert client.get("/en/media-centre/press-releases/20245/").status_code == 404
    assert client.get(year_url(2024) + "?page=99").status_code == 404


def test_year_page_has_its_own_title_and_canonical(client):
    make_release(release_date=dt.date(2024, 5, 1))
    soup = BeautifulSoup(client.get("/zh-hans" + year_url(2024)[3:]).content, "html.parser")
    canonical = soup.find("link", rel="canonical")["href"]
    assert canonical == "http://testserver/zh-hans/media-centre/press-releases/2024/"
    assert "2024" in soup.find("meta", property="og:title")["content"]
