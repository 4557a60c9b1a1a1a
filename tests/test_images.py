"""Uploaded images: upright, without metadata, in responsive renditions, served only when public."""

import datetime as dt
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from media_centre.models import PressRelease, Rendition, Status

from .conftest import make_organisation, make_person, make_release, make_study
from .test_query_budgets import BUDGETS

pytestmark = pytest.mark.django_db

ORIENTATION, GPS_IFD, MAKE = 0x0112, 0x8825, 0x010F
EXTENSION = {"png": "png", "webp": "webp", "jpeg": "jpg"}


def jpeg(width: int = 1000, height: int = 600, colour="steelblue", **save) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", **save)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def phone_photo() -> ContentFile:
    """Taken holding the phone upright: stored landscape, with 'rotate 90' and where it was."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "Phone"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (22.0, 16.0, 48.0)
    gps[3], gps[4] = "E", (114.0, 9.0, 36.0)
    return jpeg(1000, 600, exif=exif.tobytes())


def png(width: int = 700, height: int = 400) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 80, 140, 128)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="chart.png")


def stored(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def image_url(name: str) -> str:
    return reverse("image", kwargs={"name": name})


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_phone_photo_is_stored_upright_without_exif_or_gps():
    release = make_release(hero_image=phone_photo(), hero_image_alt="The signing ceremony")

    image = stored(release.hero_image.name)
    assert image.size == (600, 1000)
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "icc_profile"} & set(image.info)
    assert image.format == "JPEG"


def test_stored_name_is_the_content_hash_and_changes_with_the_content():
    first = make_release(hero_image=jpeg(colour="red"), hero_image_alt="Red")
    same = make_release(hero_image=jpeg(colour="red"), hero_image_alt="Red again")
    other = make_release(hero_image=jpeg(colour="green"), hero_image_alt="Green")

    assert re.fullmatch(r"images/[0-9a-f]{2}/[0-9a-f]{20}\.jpg", first.hero_image.name)
    assert first.hero_image.name[7:9] == first.hero_image.name[10:12]
    assert same.hero_image.name == first.hero_image.name  # stored once
    assert other.hero_image.name != first.hero_image.name


def test_png_keeps_its_format_and_transparency():
    person = make_person(photo=png(), photo_alt="Chart")

    image = stored(person.photo.name)
    assert person.photo.name.endswith(".png")
    assert image.format == "PNG"
    assert image.mode == "RGBA"


@pytest.mark.parametrize(
    "mode, format, stored_as, fallback",
    [("P", "GIF", "png", "png"), ("RGBA", "WEBP", "webp", "png"), ("RGB", "WEBP", "webp", "jpeg")],
)
def test_other_formats_are_stored_with_a_widely_supported_fallback(
    mode, format, stored_as, fallback
):
    buffer = io.BytesIO()
    Image.new(mode, (400, 300)).save(buffer, format)
    upload = ContentFile(buffer.getvalue(), name=f"upload.{format.lower()}")

    study = make_study(cover_image=upload, cover_image_alt="Cover")

    assert study.cover_image.name.endswith(f".{EXTENSION[stored_as]}")
    assert stored(study.cover_image.name).format == stored_as.upper()
    formats = Rendition.objects.filter(source=study.cover_image.name).values_list("format")
    assert set(formats.distinct()) == {("webp",), (fallback,)}


def test_renditions_exist_for_each_smaller_width_and_the_original_in_webp_and_jpeg():
    release = make_release(hero_image=jpeg(1000, 600), hero_image_alt="Wide")

    renditions = Rendition.objects.filter(source=release.hero_image.name)
    made = sorted((r.format, r.width, r.height) for r in renditions)
    assert made == sorted(
        (format, width, round(600 * width / 1000))
        for format in ("jpeg", "webp")
        for width in (320, 640, 960, 1000)
    )
    for rendition in renditions:
        assert re.fullmatch(r"renditions/[0-9a-f]{2}/[0-9a-f]{20}\.(jpg|webp)", rendition.file.name)
        image = stored(rendition.file.name)
        assert image.size == (rendition.width, rendition.height)
        assert image.format == {"jpeg": "JPEG", "webp": "WEBP"}[rendition.format]
        assert dict(image.getexif()) == {}


def test_renditions_are_made_once_and_reused():
    release = make_release(hero_image=jpeg(), hero_image_alt="Once")
    count = Rendition.objects.count()
    files = set(Rendition.objects.values_list("file", flat=True))

    release.headline = "Edited"
    release.save()
    make_release(hero_image=jpeg(), hero_image_alt="The same picture again")

    assert count == 8
    assert Rendition.objects.count() == count
    assert set(Rendition.objects.values_list("file", flat=True)) == files


def test_image_over_the_pixel_cap_is_refused_without_being_stored(settings):
    settings.MEDIA_CENTRE_MAX_IMAGE_PIXELS = 1000 * 600 - 1

    with pytest.raises(ValidationError) as refused:
        make_release(hero_image=jpeg(1000, 600), hero_image_alt="Too big")

    assert "hero_image" in refused.value.message_dict
    assert not PressRelease.objects.exists()
    assert not Rendition.objects.exists()
    assert not default_storage.exists("images")


def test_release_page_shows_a_picture_with_webp_srcset_alt_and_dimensions(client):
    release = make_release(hero_image=jpeg(1000, 600), hero_image_alt='Signing "MoU" <ceremony>')

    response = client.get(release.get_absolute_url())

    picture = BeautifulSoup(response.content, "html.parser").select_one("figure.hero picture")
    source = picture.select_one('source[type="image/webp"]')
    img = picture.img
    assert [c.split()[1] for c in source["srcset"].split(", ")] == ["320w", "640w", "960w", "1000w"]
    assert all(url.startswith("/images/renditions/") for url in source["srcset"].split()[::2])
    assert img["alt"] == 'Signing "MoU" <ceremony>'
    assert (img["width"], img["height"]) == ("1000", "600")
    assert img["src"].startswith("/images/renditions/") and img["src"].endswith(".jpg")
    assert "960w" in img["srcset"] and img["sizes"]
    assert '<ceremony>"' not in response.content.decode()  # the alt text is escaped
    assert client.get(img["src"]).status_code == 200


def test_study_cover_and_speaker_photo_are_pictures(client):
    study = make_study(cover_image=jpeg(400, 560), cover_image_alt="The report's cover")
    person = make_person(photo=jpeg(300, 300), photo_alt="Portrait of the speaker")

    cover = BeautifulSoup(client.get(study.get_absolute_url()).content, "html.parser")
    photo = BeautifulSoup(client.get(person.get_absolute_url()).content, "html.parser")

    assert cover.select_one("figure.cover picture img")["alt"] == "The report's cover"
    assert photo.select_one(".person picture img.person__photo")["alt"] == "Portrait of the speaker"
    assert photo.select_one(".person picture source")["srcset"].endswith(" 300w")


def test_image_without_renditions_falls_back_to_the_original(client):
    release = make_release(hero_image=jpeg(), hero_image_alt="Old upload")
    Rendition.objects.all().delete()

    page = BeautifulSoup(client.get(release.get_absolute_url()).content, "html.parser")

    img = page.select_one("figure.hero picture img")
    assert img["src"] == image_url(release.hero_image.name)
    assert img["alt"] == "Old upload"
    assert page.select_one("figure.hero source") is None


def test_release_page_query_count_does_not_grow_with_renditions(
    client, django_assert_max_num_queries
):
    small = make_release(hero_image=jpeg(300, 200), hero_image_alt="Small")
    large = make_release(hero_image=jpeg(2400, 1600), hero_image_alt="Large")
    assert Rendition.objects.filter(source=small.hero_image.name).count() == 2
    assert Rendition.objects.filter(source=large.hero_image.name).count() == 12

    client.get(reverse("media_centre:home"))  # warm the consent banner's shared cache
    for release in (small, large):
        with django_assert_max_num_queries(BUDGETS["release"] + 1):
            assert client.get(release.get_absolute_url()).status_code == 200


def test_image_of_a_published_release_is_served_with_long_lived_caching(client):
    release = make_release(hero_image=jpeg(), hero_image_alt="Public")

    response = client.get(image_url(release.hero_image.name))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["ETag"] == f'"{release.hero_image.name.rsplit("/", 1)[1][:20]}"'
    body = content(response)
    assert int(response["Content-Length"]) == len(body)
    assert body == default_storage.open(release.hero_image.name).read()
    assert "Set-Cookie" not in response and not response.cookies


def test_rendition_is_served_with_the_type_of_its_format(client):
    release = make_release(hero_image=jpeg(), hero_image_alt="Public")
    rendition = Rendition.objects.get(source=release.hero_image.name, format="webp", width=320)

    response = client.get(image_url(rendition.file.name))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(io.BytesIO(content(response))).size == (320, 192)


def test_known_etag_answers_not_modified(client):
    release = make_release(hero_image=jpeg(), hero_image_alt="Public")
    url = image_url(release.hero_image.name)
    etag = client.get(url)["ETag"]

    response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag


UNPUBLISHED = {
    "draft": {"status": Status.DRAFT},
    "scheduled": {"publish_at": timezone.now() + dt.timedelta(days=30)},
    "withdrawn": {
        "status": Status.WITHDRAWN,
        "publish_at": timezone.now() - dt.timedelta(days=30),
        "withdrawn_reason": "Superseded.",
    },
    "expired": {"unpublish_at": timezone.now() - dt.timedelta(hours=1)},
}


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_image_of_an_unpublished_release_and_its_renditions_are_not_served(client, state):
    release = make_release(hero_image=jpeg(), hero_image_alt="Embargoed", **UNPUBLISHED[state])
    assert not release.is_published()
    renditions = Rendition.objects.filter(source=release.hero_image.name)
    assert renditions.count() == 8

    assert client.get(image_url(release.hero_image.name)).status_code == 404
    for rendition in renditions:
        assert client.get(image_url(rendition.file.name)).status_code == 404


def test_image_of_an_unpublished_person_or_study_is_not_served(client):
    person = make_person(photo=jpeg(colour="red"), photo_alt="P", status=Status.DRAFT)
    study = make_study(cover_image=jpeg(colour="blue"), cover_image_alt="S", status=Status.DRAFT)

    assert client.get(image_url(person.photo.name)).status_code == 404
    assert client.get(image_url(study.cover_image.name)).status_code == 404


def test_image_shown_by_a_published_item_is_public_even_if_a_draft_uses_it_too(client):
    draft = make_release(hero_image=jpeg(), hero_image_alt="Draft", status=Status.DRAFT)
    make_person(photo=jpeg(), photo_alt="Same picture")

    assert client.get(image_url(draft.hero_image.name)).status_code == 200


def test_organisation_logo_is_served(client):
    organisation = make_organisation(logo=png(200, 80), logo_alt="FSDC")

    response = client.get(image_url(organisation.logo.name))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_staff_may_fetch_the_image_of_a_draft_without_it_being_cached(client, editor):
    release = make_release(hero_image=jpeg(), hero_image_alt="Draft", status=Status.DRAFT)
    rendition = Rendition.objects.filter(source=release.hero_image.name).first()
    client.force_login(editor)

    for name in (release.hero_image.name, rendition.file.name):
        response = client.get(image_url(name))
        assert response.status_code == 200
        assert "immutable" not in response["Cache-Control"]
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_staff_cannot_fetch_files_that_are_not_images_of_an_item(client, editor):
    default_storage.save("documents/secret.png", jpeg())
    client.force_login(editor)

    assert client.get(image_url("documents/secret.png")).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/images/../settings.py",
        "/images/images/../../etc/passwd",
        "/images/%2e%2e/%2e%2e/etc/passwd.png",
        "/images//etc/passwd.png",
        "/images/images/./ab/x.png",
        "/images/images%5C..%5Cx.png",
        "/images/renditions/00/0000000000000000000.webp",
        "/images/images/00/00000000000000000000.jpg",
        "/images/notes.txt",
    ],
)
def test_traversal_and_unknown_names_are_not_found(client, path):
    make_release(hero_image=jpeg(), hero_image_alt="Public")

    assert client.get(path).status_code == 404


def test_public_image_is_served_in_a_small_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    release = make_release(hero_image=jpeg(), hero_image_alt="Public")
    rendition = Rendition.objects.filter(source=release.hero_image.name).first()
    for n in range(20):
        make_release(hero_image=jpeg(colour=(n, n, n)), hero_image_alt=f"Other {n}")

    with django_assert_max_num_queries(1):
        assert client.get(image_url(release.hero_image.name)).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(image_url(rendition.file.name)).status_code == 200


def test_images_are_uploaded_and_served_from_any_storage(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_ROOT = "/nonexistent"  # a path on disk would be a mistake here

    release = make_release(hero_image=phone_photo(), hero_image_alt="In memory")
    page = BeautifulSoup(client.get(release.get_absolute_url()).content, "html.parser")
    img = page.select_one("figure.hero picture img")
    response = client.get(img["src"])

    assert type(default_storage._wrapped).__name__ == "InMemoryStorage"
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(content(response))).size == (int(img["width"]), 1000)
    original = client.get(image_url(release.hero_image.name))
    assert Image.open(io.BytesIO(content(original))).size == (600, 1000)
