"""`manage.py generate_demo`: a demo archive in three languages, repeatable and removable."""

import hashlib
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from consent.models import ConsentRecord
from media_centre.demo.builder import sizes
from media_centre.models import (
    Document,
    Event,
    MoU,
    Organisation,
    Person,
    Position,
    PressRelease,
    Quote,
    SearchEntry,
    State,
    Study,
    Topic,
)
from media_centre.search.index import MODELS, index_item

from .conftest import make_release

pytestmark = pytest.mark.django_db

N = 40
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _development(settings):
    """The command runs only where DJANGO_DEBUG is on (pytest turns it off)."""
    settings.DEBUG = True


def generate(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("generate_demo", *args, stdout=out, **options)
    return out.getvalue()


def demo(model):
    return model.objects.filter(slug__startswith="demo-")


def snapshot() -> dict[str, list]:
    """The demo archive's content, without database ids and write times."""
    return {
        "releases": list(
            demo(PressRelease)
            .order_by("slug")
            .values_list(
                "slug",
                "headline_en",
                "headline_zh_hant",
                "headline_zh_hans",
                "summary_zh_hans",
                "body_en",
                "release_date",
                "status",
                "publish_at",
                "event__slug",
                "pdf__title",
            )
        ),
        "topics": sorted(demo(PressRelease).values_list("slug", "topics__slug")),
        "quotes": sorted(Quote.objects.values_list("release__slug", "person__slug", "text_en")),
        "events": list(
            demo(Event).order_by("slug").values_list("slug", "title_zh_hant", "start_date")
        ),
        "people": list(demo(Person).order_by("slug").values_list("slug", "name_zh_hant", "bio")),
        "documents": sorted(Document.objects.values_list("title", "language", "sha256")),
        "consent": sorted(
            ConsentRecord.objects.values_list("consent_id", "action", "created_at", "language")
        ),
    }


def test_an_archive_has_the_planned_proportions():
    output = generate(releases=N, seed=3)
    planned = sizes(N)
    assert demo(PressRelease).count() == N
    assert demo(Organisation).count() == planned["organisations"]
    assert demo(Person).count() == planned["people"]
    assert demo(Event).count() == planned["events"]
    assert demo(MoU).count() == planned["mous"]
    assert demo(Study).count() == planned["studies"]
    assert ConsentRecord.objects.count() == planned["consent_records"]
    assert demo(Topic).exists()
    assert Position.objects.filter(person__slug__startswith="demo-").count() >= planned["people"]
    assert Quote.objects.filter(release__slug__startswith="demo-").exists()
    assert Event.objects.filter(slug__startswith="demo-", sessions__isnull=False).exists()
    assert Event.objects.filter(slug__startswith="demo-", speakers__isnull=False).exists()
    assert "press releases: 40" in output
    assert re.search(r"Made \d+ demo rows in [\d.]+ s", output)


def test_most_items_are_published_and_some_are_in_every_other_state():
    generate(releases=400, seed=5)
    states = [release.state for release in demo(PressRelease)]
    assert states.count(State.PUBLISHED) > 0.85 * len(states)
    assert {State.DRAFT, State.SCHEDULED, State.WITHDRAWN} <= set(states)


def test_demo_content_is_marked_as_demo():
    generate(releases=N, seed=3)
    assert all(org.name_en.startswith("Demo ") for org in demo(Organisation))
    assert not Organisation.objects.exclude(slug__startswith="demo-").exists()
    release = demo(PressRelease).first()
    assert "demonstration content" in release.body_en
    assert set(ConsentRecord.objects.values_list("ip_prefix", flat=True)) <= {
        "192.0.2.0",
        "2001:db8::",
    }


def test_every_text_is_filled_in_all_three_languages():
    generate(releases=N, seed=3)
    checks = [
        (PressRelease, ["headline", "summary", "body", "dateline_place"]),
        (Event, ["title", "summary", "venue", "city"]),
        (Person, ["name", "honorific", "bio"]),
        (Organisation, ["name", "city"]),
        (MoU, ["title", "summary", "signed_place"]),
        (Study, ["title", "abstract"]),
        (Topic, ["name", "description"]),
    ]
    for model, fields in checks:
        for item in demo(model):
            for field in fields:
                english = getattr(item, f"{field}_en")
                traditional = getattr(item, f"{field}_zh_hant")
                simplified = getattr(item, f"{field}_zh_hans")
                assert english and not CJK.search(english), (item, field)
                assert CJK.search(traditional) and CJK.search(simplified), (item, field)
    # The Simplified text is the Traditional text converted, as Translated.save would make it.
    release = demo(PressRelease).filter(headline_zh_hant__contains="發").first()
    assert "发" in release.headline_zh_hans


def test_documents_are_real_pdfs_with_true_facts():
    generate(releases=N, seed=3)
    documents = Document.objects.all()
    assert documents.exists()
    for document in documents:
        content = default_storage.open(document.file.name).read()
        assert hashlib.sha256(content).hexdigest() == document.sha256
        assert len(content) == document.size
        assert document.media_type == "application/pdf"
        assert len(PdfReader(io.BytesIO(content)).pages) == document.page_count
        assert document.file_name.endswith(".pdf")
        assert document.versions.get().sha256 == document.sha256


def test_the_same_seed_makes_the_same_archive():
    generate(releases=N, seed=11)
    first = snapshot()
    generate("--flush", releases=N, seed=11)
    assert snapshot() == first
    generate("--flush", releases=N, seed=12)
    assert snapshot()["releases"] != first["releases"]


def test_published_releases_are_listed_and_their_pages_answer(client):
    generate(releases=N, seed=3)
    newest = PressRelease.objects.published().filter(slug__startswith="demo-").first()
    response = client.get("/en/media-centre/press-releases/")
    assert response.status_code == 200
    assert newest.headline_en in response.content.decode()
    for release in PressRelease.objects.published().filter(slug__startswith="demo-")[:10]:
        assert client.get(release.get_absolute_url()).status_code == 200
    for event in Event.objects.published().filter(slug__startswith="demo-")[:3]:
        assert client.get(event.get_absolute_url()).status_code == 200
    hidden = [r for r in demo(PressRelease) if r.state == State.DRAFT and r.release_date]
    for release in hidden[:3]:
        assert client.get(release.get_absolute_url()).status_code == 404


def test_published_documents_download(client):
    generate(releases=N, seed=3)
    document = Document.objects.public().first()
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_search_finds_a_demo_headline_in_each_language(client):
    generate(releases=N, seed=3)
    release = PressRelease.objects.published().filter(slug__startswith="demo-").first()
    for language, query in (
        ("en", release.headline_en),
        ("zh-hant", release.headline_zh_hant),
        ("zh-hans", release.headline_zh_hans),
    ):
        response = client.get(f"/{language}/search/", {"q": query})
        assert response.status_code == 200
        assert release.get_absolute_url().replace("/en/", f"/{language}/") in (
            response.content.decode()
        ), language


def test_search_entries_are_what_the_index_itself_would_write():
    generate(releases=N, seed=3)
    fields = ("year", "date", "title", "text", "document_text", "documents")
    written = {(e.kind, e.object_id): e for e in SearchEntry.objects.all()}
    assert len(written) >= N
    for kind, (model, _date) in MODELS.items():
        for item in demo(model):
            ours = written[(kind, item.pk)]
            theirs = index_item(item)
            for field in fields:
                assert getattr(ours, field) == getattr(theirs, field), (kind, item.pk, field)


def test_flush_removes_demo_content_and_keeps_the_rest():
    own = make_release(headline="Our own release")
    visitor = ConsentRecord.objects.create(
        action="accept-all",
        method="banner",
        categories={"necessary": True},
        policy_version=1,
        language="en",
        text_hash="x",
        ip_prefix="203.0.113.0",
    )
    generate(releases=N, seed=3)
    files = set(Document.objects.filter(file__contains="/demo-").values_list("file", flat=True))
    generate("--flush")
    for model in (PressRelease, Event, Person, Organisation, MoU, Study, Topic):
        assert not demo(model).exists(), model
    assert not Document.objects.filter(file__contains="/demo-").exists()
    assert not any(default_storage.exists(name) for name in files)
    assert list(PressRelease.objects.all()) == [own]
    assert list(ConsentRecord.objects.all()) == [visitor]
    assert set(SearchEntry.objects.values_list("kind", "object_id")) == {("release", own.pk)}


def test_a_second_run_without_flush_is_refused():
    generate(releases=N, seed=3)
    with pytest.raises(CommandError, match="--flush"):
        generate(releases=N, seed=3)


def test_it_refuses_to_run_in_production_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        generate(releases=N)
    assert not PressRelease.objects.exists()
    generate("--force", releases=N)
    assert demo(PressRelease).count() == N


def test_stored_pages_are_emptied_after_a_run():
    from django.core.cache import cache

    from core import page_cache

    cache.set(page_cache.GENERATION_KEY, "before")
    generate(releases=N, seed=3)
    assert cache.get(page_cache.GENERATION_KEY) != "before"
