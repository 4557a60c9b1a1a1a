"""Pages are light: the release page with its own CSS and JavaScript, compressed, and static
files served compressed (Brotli and gzip) under hashed names."""

import gzip
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.core.management import call_command

from .conftest import make_document, make_person, make_quote, make_release, make_topic

pytestmark = pytest.mark.django_db

BUDGET = 100 * 1024  # bytes, compressed: HTML + CSS + JS, images excluded


def _release_page(client):
    """A release as long as the seed's, with quotes, topics and a PDF."""
    body = "".join(
        f"<p>{'The seminar discussed cross-boundary finance. ' * 12}</p>" for _ in range(8)
    )
    release = make_release(body=body, pdf=make_document())
    for order in range(4):
        make_quote(release, make_person(positions=2), order=order, text="A considered quote. " * 8)
    release.topics.add(*(make_topic() for _ in range(6)))
    response = client.get(release.get_absolute_url())
    assert response.status_code == 200
    return response


def _local_file(url: str) -> bytes:
    path = urlsplit(url).path
    assert path.startswith("/static/"), f"not one of the site's own files: {url}"
    found = finders.find(path.removeprefix("/static/"))
    assert found, url
    return Path(found).read_bytes()


def test_the_release_page_with_its_css_and_js_weighs_under_100_kb_compressed(client):
    response = _release_page(client)
    page = BeautifulSoup(response.content, "html.parser")
    assets = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    assets += [script["src"] for script in page.select("script[src]")]
    assert assets, "the page links its stylesheet and scripts"
    total = len(gzip.compress(response.content))
    for url in assets:
        if urlsplit(url).path.startswith("/static/"):
            total += len(gzip.compress(_local_file(url)))
        else:  # the consent state stylesheet: a few bytes, made per visitor
            total += len(gzip.compress(client.get(url).content))
    assert total < BUDGET, f"{total} bytes compressed"


def test_nothing_on_the_release_page_comes_from_another_site(client):
    """No third-party resource can block rendering (or see who reads what)."""
    page = BeautifulSoup(_release_page(client).content, "html.parser")
    for tag, attribute in (
        ("link", "href"),
        ("script", "src"),
        ("img", "src"),
        ("source", "srcset"),
    ):
        for element in page.find_all(tag):
            value = element.get(attribute)
            if value and not (
                tag == "link" and element.get("rel") in (["alternate"], ["canonical"])
            ):
                assert not urlsplit(value).netloc, f"<{tag} {attribute}={value}>"
    # The only script that runs before the page renders is the site's own consent defaults
    # (they must be set before any tag could load), a few kilobytes.
    head_scripts = page.head.find_all("script", src=True)
    blocking = [
        s["src"] for s in head_scripts if not s.has_attr("defer") and not s.has_attr("async")
    ]
    for url in blocking:
        assert len(_local_file(url)) < 8 * 1024, url


def test_static_files_are_collected_with_hashed_names_in_brotli_and_gzip(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = [p for p in (tmp_path / "static" / "css").glob("site.*.css") if p.suffix == ".css"]
    assert len(hashed) == 1
    assert Path(f"{hashed[0]}.br").is_file()
    assert Path(f"{hashed[0]}.gz").is_file()
