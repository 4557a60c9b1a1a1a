"""`manage.py load_seed` loads the FSDC release of 19 June 2025 as the page states it, once."""

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from pypdf import PdfReader

from media_centre.models import (
    DatePrecision,
    Document,
    Event,
    EventSpeaker,
    MoU,
    Organisation,
    Person,
    PressRelease,
    Study,
)

SEED_PDF = Path(settings.BASE_DIR) / "media_centre" / "seed" / "fsdc-press-release-2025-06-19.pdf"
HEADLINE = (
    'FSDC and the SRCFSD Organised a Seminar, "Collaborative Development of Shanghai and '
    'Hong Kong International Financial Centres" in Shanghai'
)
EVENT_SLUG = (
    "collaborative-development-of-shanghai-and-hong-kong-international-financial-centres-2025"
)
STUDY_SLUG = (
    "synergistic-development-of-shanghai-and-hong-kong-as-international-financial-centres"
    "-in-the-new-era"
)
ZHOU_TITLES = [
    "Executive Deputy Director of the Office of the Financial Commission of the CPC Shanghai "
    "Municipal Committee",
    "Director of the Office for Advancing International Financial Center Development of the "
    "Shanghai Municipal People’s Government",
]


def load_seed() -> str:
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return load_seed()


def the_release() -> PressRelease:
    return PressRelease.objects.get(headline=HEADLINE)


def row_counts() -> dict[str, int]:
    config = apps.get_app_config("media_centre")
    return {
        model._meta.label: model._default_manager.count()
        for model in config.get_models(include_auto_created=True)
    }


def stored_files() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_release_is_published_under_its_headline_and_dateline(seeded):
    release = the_release()

    assert release.is_published()
    assert PressRelease.objects.published().filter(pk=release.pk).exists()
    assert release.publish_at == dt.datetime(2025, 6, 19, 2, 0, tzinfo=dt.UTC)
    assert release.release_date == dt.date(2025, 6, 19)
    assert release.dateline_place == "Hong Kong"
    assert len(release.slug) <= 120 and not release.slug.endswith("-")
    assert release.slug.startswith("fsdc-and-the-srcfsd-organised-a-seminar-collaborative-")
    assert release.summary == (
        "The Financial Services Development Council (FSDC) and the Shanghai Research Center for "
        "Financial Stability and Development (SRCFSD) today jointly organised a seminar titled "
        '"Collaborative Development of Shanghai and Hong Kong International Financial Centres" '
        "in Shanghai during the Lujiazui Forum 2025."
    )
    assert [t.slug for t in release.topics.order_by("slug")] == [
        "cross-boundary-commodity-trading",
        "financial-connectivity",
        "green-finance",
    ]
    assert {o.short_name for o in release.organisations.all()} == {"FSDC", "SRCFSD"}


def test_release_carries_four_quotes_each_from_its_speaker(seeded):
    quotes = list(the_release().quotes.select_related("person"))

    assert [(q.order, q.person.slug) for q in quotes] == [
        (0, "christopher-hui"),
        (1, "zhou-xiaoquan"),
        (2, "benjamin-hung"),
        (3, "xu-yaowu"),
    ]
    hui, zhou, hung, xu = (q.text for q in quotes)
    assert hui.startswith("Hong Kong will continue to leverage its highly internationalised")
    assert "the nation's ‘dual circulation’ strategy" in hui
    assert hui.endswith("global financial hubs— a 'dual-engine' for international finance.")
    assert zhou.startswith("Deepening Shanghai-Hong Kong financial collaboration is pivotal")
    assert zhou.endswith("is poised to unleash greater developmental momentum.")
    assert hung.startswith("The global financial market is undergoing a rapid transformation")
    assert hung.endswith("a resilient and sustainable financial ecosystem for China.")
    assert xu.startswith("With aligned goals and complementary strengths")
    assert xu.endswith("drive more efficient, coordinated growth.")
    for text in (hui, zhou, hung, xu):
        assert text[0] not in '"“' and text[-1] not in '"”'


def test_body_is_every_paragraph_after_the_dateline(seeded):
    body = the_release().body

    assert body.count("<p>") == body.count("</p>") == 9
    assert body.startswith(
        "<p>The Financial Services Development Council (FSDC) and the Shanghai Research Center"
    )
    assert body.endswith("contributing to the country’s high-quality development agenda.</p>")
    assert "June 19, 2025" not in body
    assert (
        "This seminar is a key initiative implemented under the Memorandum of Understanding "
        "signed between the FSDC and SRCFSD in October 2024." in body
    )
    # Mr Hung's quote opens and never closes, as on the page.
    assert (
        'remarked that, "The global financial market is undergoing a rapid transformation' in body
    )
    assert "financial ecosystem for China.</p>" in body
    for quote in the_release().quotes.all():
        assert quote.text in body


def test_body_is_already_what_the_editor_sanitiser_keeps(seeded):
    body = the_release().body

    assert PressRelease._meta.get_field("body").sanitize(body) == body


def test_zhou_xiaoquan_has_two_positions_titled_as_written(seeded):
    zhou = Person.objects.get(slug="zhou-xiaoquan")
    positions = list(zhou.positions.select_related("organisation"))

    assert zhou.full_name == "Mr Zhou Xiaoquan"
    assert zhou.is_published()
    assert [p.title for p in positions] == ZHOU_TITLES
    assert [p.organisation.name for p in positions] == [
        "Office of the Financial Commission of the CPC Shanghai Municipal Committee",
        "Office for Advancing International Financial Center Development of the Shanghai "
        "Municipal People’s Government",
    ]
    assert all(p.start_date is None and p.end_date is None for p in positions)


def test_people_are_published_without_facts_the_page_does_not_state(seeded):
    people = Person.objects.order_by("slug")

    assert [(p.slug, p.full_name) for p in people] == [
        ("benjamin-hung", "Mr Benjamin Hung"),
        ("christopher-hui", "Mr Christopher Hui"),
        ("lin-wenjie", "Mr Lin Wenjie"),
        ("xu-yaowu", "Mr Xu Yaowu"),
        ("zhou-xiaoquan", "Mr Zhou Xiaoquan"),
    ]
    assert all(p.is_published() and not p.bio and not p.photo for p in people)
    hui = Person.objects.get(slug="christopher-hui").positions.get()
    assert (hui.title, hui.organisation) == (
        "Secretary for Financial Services and the Treasury",
        None,
    )
    assert not Organisation.objects.exclude(website="").exists()
    assert not Organisation.objects.exclude(logo="").exists()


def test_event_lists_five_speakers_with_their_roles(seeded):
    event = Event.objects.get(slug=EVENT_SLUG)
    speakers = [(s.person.slug, s.role) for s in event.speakers.select_related("person")]

    assert speakers == [
        ("zhou-xiaoquan", EventSpeaker.Role.OPENING_REMARKS),
        ("christopher-hui", EventSpeaker.Role.OPENING_REMARKS),
        ("benjamin-hung", EventSpeaker.Role.REMARKS),
        ("xu-yaowu", EventSpeaker.Role.REMARKS),
        ("lin-wenjie", EventSpeaker.Role.ATTENDEE),
    ]


def test_event_has_only_the_facts_the_page_gives(seeded):
    event = Event.objects.get(slug=EVENT_SLUG)

    assert event.is_published()
    assert event.title == (
        "Collaborative Development of Shanghai and Hong Kong International Financial Centres"
    )
    assert event.kind == Event.Kind.SEMINAR
    assert (event.start_date, event.start_time, event.end_date) == (
        dt.date(2025, 6, 19),
        None,
        None,
    )
    assert (event.time_zone, event.city, event.venue) == ("Asia/Shanghai", "Shanghai", "")
    assert (event.occasion, event.part_of) == ("Lujiazui Forum 2025", None)
    assert {o.short_name for o in event.organisers.all()} == {"FSDC", "SRCFSD"}
    assert event.mou.slug == "fsdc-srcfsd-mou-2024"
    assert the_release().event == event


def test_mou_has_two_parties_and_a_month_for_its_date(seeded):
    mou = MoU.objects.get(slug="fsdc-srcfsd-mou-2024")

    assert mou.title == "Memorandum of Understanding between the FSDC and the SRCFSD"
    assert [(p.order, p.organisation.short_name) for p in mou.parties.all()] == [
        (0, "FSDC"),
        (1, "SRCFSD"),
    ]
    assert mou.signed_on == dt.date(2024, 10, 1)
    assert mou.signed_on_precision == DatePrecision.MONTH
    assert mou.signed_on_display == "October 2024"
    assert mou.signed_place == ""
    assert [t.slug for t in mou.topics.all()] == ["financial-connectivity"]


def test_study_is_launched_at_the_seminar_under_the_mou(seeded):
    study = Study.objects.get(slug=STUDY_SLUG)

    assert study.is_published()
    assert study.title == (
        "Synergistic Development of Shanghai and Hong Kong as International Financial Centres "
        "in the New Era"
    )
    assert study.launch_event == Event.objects.get(slug=EVENT_SLUG)
    assert study.mou is None  # the page ties the seminar, not the study, to the MoU
    assert the_release().study == study
    assert study.abstract.startswith("The joint research outlined areas of further financial")
    assert study.abstract.endswith("maritime finance, as well as cross-boundary risk management.")
    assert {o.short_name for o in study.author_organisations.all()} == {"FSDC", "SRCFSD"}
    assert study.topics.count() == 6
    assert not study.files.exists()


def test_release_pdf_is_a_real_pdf_with_the_release_text(seeded):
    document = the_release().pdf

    assert document.title == HEADLINE
    assert document.language == "en"
    assert document.media_type == "application/pdf"
    assert document.sha256 == hashlib.sha256(SEED_PDF.read_bytes()).hexdigest()
    assert len(document.sha256) == 64
    assert document.size == SEED_PDF.stat().st_size > 0
    assert document.page_count >= 1
    assert document.file_name.endswith(".pdf")
    with document.file.open("rb") as f:
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(f).pages)
    assert "Hong Kong, June 19, 2025 – The Financial Services Development Council" in text
    assert "the nation's ‘dual circulation’ strategy" in text


def test_second_run_changes_nothing(seeded):
    counts = row_counts()
    files = stored_files()
    release = the_release()

    output = load_seed()

    assert row_counts() == counts
    assert stored_files() == files and len(files) == 1
    assert Document.objects.get().file.name == release.pdf.file.name
    assert the_release().updated_at == release.updated_at
    assert "Nothing to do" in output and "created" not in output


def test_first_run_reports_what_it_created(db):
    output = load_seed()

    assert "Seed loaded: " in output
    assert "  topics: 7 created\n" in output


def test_rerun_restores_what_the_page_states(seeded):
    PressRelease.objects.filter(headline=HEADLINE).update(summary="Edited.")
    the_release().topics.clear()

    output = load_seed()

    assert the_release().summary.startswith("The Financial Services Development Council (FSDC)")
    assert the_release().topics.count() == 3
    assert "press releases: 1 updated" in output


def test_seeded_content_passes_model_validation(seeded):
    release = the_release()
    objects = [
        release,
        release.event,
        release.mou,
        release.study,
        release.pdf,
        *Person.objects.all(),
        *Organisation.objects.all(),
    ]

    for obj in objects:
        obj.full_clean()


def test_command_finds_its_pdf_from_any_working_directory(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    load_seed()

    assert the_release().pdf.page_count >= 1
