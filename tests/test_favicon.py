"""The site's icon: linked from every page, and at /favicon.ico where browsers look anyway."""

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def test_favicon_ico_sends_browsers_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]
    with Image.open(finders.find("img/favicon.ico")) as icon:
        assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


def test_every_page_links_the_icon(client):
    page = client.get("/en/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    assert "<svg" in open(finders.find("img/favicon.svg")).read()
