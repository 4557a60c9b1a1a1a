"""Site search: finds published items in three languages and two scripts, and nothing else."""

import datetime as dt
import html
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from media_centre.demo.pdfs import make_pdf
from media_centre.models import PressRelease, SearchEntry, Status
from media_centre.search.query import containing, search

from .conftest import make_document, make_event, make_mou, make_person, make_release, make_study

pytestmark = pytest.mark.django_db


def text_pdf(text: str) -> bytes:
    """A valid one-page PDF whose page shows `text` (the demo archive's PDF writer)."""
    return make_pdf("Search test", [[text]])


def search_page(client, **params):
    return client.get(reverse("media_centre:search"), params)


def result_titles(response) -> list[str]:
    return [
        html.unescape(re.sub(r"</?mark>", "", hit.title)) for hit in response.context["results"]
    ]


@pytest.fixture
def seed(db):
    call_command("load_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_seed_release_is_found_by_an_english_phrase(client, seed):
    response = search_page(client, q="Lujiazui Forum")
    assert response.status_code == 200
    kinds = [hit.kind for hit in response.context["results"]]
    assert "release" in kinds and "event" in kinds
    release = PressRelease.objects.get()
    assert release.headline in result_titles(response)
    assert "<mark>Lujiazui</mark>" in response.content.decode()


@pytest.mark.parametrize("name", ["許正宇", "许正宇"])
def test_seed_release_is_found_by_a_quoted_persons_chinese_name(client, seed, name):
    response = search_page(client, q=name)
    assert PressRelease.objects.get().headline in result_titles(response)
    assert "Christopher Hui" in " ".join(result_titles(response))
    release_hit = next(hit for hit in response.context["results"] if hit.kind == "release")
    assert f"<mark>{name}</mark>" in str(release_hit.snippet) or "<mark>許正宇</mark>" in str(
        release_hit.snippet
    )


def test_two_character_chinese_word_and_other_script_match(client):
    release = make_release(body_zh_hant="<p>香港推動綠色金融發展。</p>", headline_zh_hant="綠色")
    make_release(headline="Unrelated")
    for query in ("金融", "绿色", "綠色金融", "绿色金融"):
        response = search_page(client, q=query)
        assert [hit.item.pk for hit in response.context["results"]] == [release.pk], query


def test_traditional_query_finds_simplified_text(client):
    release = make_release(summary_zh_hans="发展绿色债券市场", summary_zh_hant="")
    response = search_page(client, q="綠色債券")
    assert [hit.item.pk for hit in response.context["results"]] == [release.pk]


def test_snippet_is_in_the_visitors_language_with_the_match_marked(client):
    make_release(summary="Green bonds in Hong Kong", summary_zh_hant="香港的綠色債券")
    response = client.get("/zh-hant/search/", {"q": "绿色"})
    snippet = str(response.context["results"][0].snippet)
    assert "<mark>綠色</mark>債券" in snippet


def test_text_in_a_published_pdf_is_found_and_the_hit_names_the_document(client):
    pdf = text_pdf("Synergy report text")
    assert "Synergy report text" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    document = make_document(title="Annual synergy review", content=pdf)
    study = make_study(title="A study")
    study.files.add(document)
    response = search_page(client, q="report text")
    [hit] = response.context["results"]
    assert hit.item == study
    assert hit.found_in == "Annual synergy review"
    assert "Found in: Annual synergy review" in response.content.decode()
    assert "<mark>report</mark> <mark>text</mark>" in str(hit.snippet)


def test_a_pdf_is_parsed_once_per_file(client, monkeypatch):
    from media_centre.search import index

    document = make_document(content=text_pdf("Parsed once"))
    calls = []
    real = index.pdf_text
    monkeypatch.setattr(index, "pdf_text", lambda doc: calls.append(doc.pk) or real(doc))
    release = make_release(pdf=document)
    release.save()
    make_mou(document=document)
    assert calls == [document.pk]
    assert len(search_page(client, q="parsed once").context["results"]) == 2


def test_a_damaged_pdf_has_no_text_and_no_error(client):
    document = make_document(content=b"%PDF-1.4\nnot really a pdf")
    make_release(pdf=document, headline="Damaged attachment")
    assert result_titles(search_page(client, q="damaged")) == ["Damaged attachment"]


def test_drafts_scheduled_and_withdrawn_items_never_appear(client, monkeypatch):
    later = timezone.now() + dt.timedelta(days=1)
    make_release(headline="Zebra draft", status=Status.DRAFT)
    make_release(headline="Zebra scheduled", publish_at=later)
    make_release(headline="Zebra withdrawn", status=Status.WITHDRAWN, withdrawn_reason="Error")
    make_release(headline="Zebra public")
    make_release(headline="Zebra until tomorrow", unpublish_at=later)
    make_person(name="Zebra Person", status=Status.DRAFT)
    assert sorted(result_titles(search_page(client, q="zebra"))) == [
        "Zebra public",
        "Zebra until tomorrow",
    ]

    # Their time comes without a save: visibility is decided when the query runs.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(days=2))
    assert sorted(result_titles(search_page(client, q="zebra"))) == [
        "Zebra public",
        "Zebra scheduled",
    ]


def test_a_search_reads_the_index_alone(client):
    """The matches, their order, kinds and years come from one query on the search index: no
    item table is read to decide what is visible (it read every published id of every kind)."""
    for i in range(3):
        make_release(headline=f"Narwhal {i}", release_date=dt.date(2024, 1, 1 + i))
    make_release(headline="Narwhal draft", status=Status.DRAFT)
    with CaptureQueriesContext(connection) as queries:
        rows = search("narwhal")
    assert len(rows) == 3
    assert [row[1] for row in rows] == ["release"] * 3
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert len(queries.captured_queries) == 1
    assert "media_centre_pressrelease" not in tables
    assert "LIMIT" in tables and "ORDER BY" in tables


def test_results_are_the_newest_first_and_capped(client, monkeypatch):
    monkeypatch.setattr("media_centre.search.query.MAX_RESULTS", 4)
    for day in (3, 1, 5, 2, 6, 4):
        make_release(headline=f"Okapi {day}", release_date=dt.date(2024, 2, day))
    make_person(name="Okapi Person")  # no date: after every dated item
    assert result_titles(search_page(client, q="okapi")) == [
        "Okapi 6",
        "Okapi 5",
        "Okapi 4",
        "Okapi 3",
    ]
    assert "More than 4 results" in search_page(client, q="okapi").text
    monkeypatch.setattr("media_centre.search.query.MAX_RESULTS", 10)
    assert "7 results" in search_page(client, q="okapi").text
    assert result_titles(search_page(client, q="okapi"))[-1].endswith("Okapi Person")
    # A token of two characters (found with LIKE on SQLite, as 金融 is) keeps the order.
    assert search("okapi")[0][1:3] == search("ok okapi")[0][1:3]


def test_counts_and_filters_count_only_what_is_shown(client):
    """A search shows as many results, kinds and years as it has visible hits: drafts and
    embargoed items are not counted (they gave "3 results" and the years 2030 and 2031)."""
    make_release(headline="Walrus public", release_date=dt.date(2025, 1, 2))
    make_release(headline="Walrus draft", status=Status.DRAFT, release_date=dt.date(2030, 1, 2))
    make_release(
        headline="Walrus embargoed",
        publish_at=timezone.now() + dt.timedelta(days=1),
        release_date=dt.date(2031, 1, 2),
    )
    make_event(title="Walrus event draft", status=Status.DRAFT, start_date=dt.date(2030, 5, 1))
    response = search_page(client, q="walrus")
    assert response.context["result_count"] == 1
    assert dict(response.context["year_options"]) == {2025: 1}
    assert {value: count for value, _label, count in response.context["kind_options"]} == {
        "release": 1,
        "event": 0,
        "mou": 0,
        "study": 0,
        "person": 0,
    }
    assert "2030" not in response.text and "2031" not in response.text
    assert search_page(client, q="walrus", year="2030").context["result_count"] == 0


def test_withdrawing_a_published_release_removes_it_from_results(client):
    release = make_release(headline="Quokka news")
    assert result_titles(search_page(client, q="quokka")) == ["Quokka news"]
    release.status = Status.WITHDRAWN
    release.withdrawn_reason = "Issued in error"
    release.save()
    assert result_titles(search_page(client, q="quokka")) == []


def test_edits_and_deletions_follow_into_the_index(client):
    release = make_release(headline="Old wording")
    release.headline = "New wording"
    release.save()
    assert result_titles(search_page(client, q="old wording")) == []
    assert result_titles(search_page(client, q="new wording")) == ["New wording"]
    release.delete()
    assert not SearchEntry.objects.filter(kind="release", object_id=release.pk).exists()


def test_kind_and_year_filters(client):
    make_release(headline="Harbour release", release_date=dt.date(2024, 3, 1))
    make_release(headline="Harbour release later", release_date=dt.date(2025, 3, 1))
    make_event(title="Harbour event", start_date=dt.date(2025, 5, 1))
    assert result_titles(search_page(client, q="harbour", kind="event")) == ["Harbour event"]
    assert result_titles(search_page(client, q="harbour", year="2024")) == ["Harbour release"]
    response = search_page(client, q="harbour")
    assert result_titles(response) == [
        "Harbour event",
        "Harbour release later",
        "Harbour release",
    ]
    assert dict(response.context["year_options"]) == {2025: 2, 2024: 1}
    assert search_page(client, q="harbour", kind="nonsense").status_code == 404
    assert search_page(client, q="harbour", year="20x4").status_code == 404


def test_results_are_paginated_keeping_the_query(client):
    for i in range(13):
        make_release(headline=f"Pelican {i}", release_date=dt.date(2025, 1, 1 + i))
    first = search_page(client, q="pelican")
    assert len(first.context["results"]) == 12
    assert first.context["result_count"] == 13
    assert 'href="?q=pelican&amp;page=2"' in first.content.decode()
    second = search_page(client, q="pelican", page="2")
    assert result_titles(second) == ["Pelican 0"]
    assert search_page(client, q="pelican", page="3").status_code == 404
    assert search_page(client, q="pelican", page="x").status_code == 404


def test_empty_query_and_no_results_get_friendly_pages(client):
    empty = search_page(client)
    assert empty.status_code == 200
    assert "Type a word to search" in empty.content.decode()
    assert '<meta name="robots" content="noindex">' in empty.content.decode()
    none = search_page(client, q="nothingmatchesthis")
    assert none.status_code == 200
    assert "Nothing matches" in none.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "green\x00\x01\x1b[31m finance",
        '"',
        "'",
        'NEAR("a" "b")',
        "NEAR(",
        '"*',
        "*",
        "%",
        "_",
        "a OR b AND NOT c",
        "^green",
        "col:umn",
        "金",
        "綠色" * 2000,
    ],
)
def test_hostile_queries_get_a_friendly_page(client, query):
    make_release(headline="Green finance 綠色金融", summary="100% sure_thing")
    response = search_page(client, q=query)
    assert response.status_code == 200
    assert len(response.context["query"]) <= 200


def test_like_wildcards_are_literal(client):
    make_release(headline="Fully 100% funded")
    make_release(headline="Plain headline")
    assert result_titles(search_page(client, q="%")) == ["Fully 100% funded"]
    assert result_titles(search_page(client, q="_")) == []


def test_html_in_content_is_escaped_in_results(client):
    make_release(headline="Alert <script>alert(1)</script>", summary="<b>bold</b> claim")
    response = search_page(client, q="alert")
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in body
    assert "<b>bold</b>" not in body


def test_query_budget_is_constant_whatever_the_number_of_results(client):
    """One query for the matches, one for the page's entries, one per kind for the items."""
    made = 0

    def queries_with(n: int, **params) -> int:
        nonlocal made
        for i in range(made, n):  # n matching items of every kind
            make_release(headline=f"Budget release {i}")
            make_event(title=f"Budget event {i}")
            make_mou(title=f"Budget mou {i}", parties=0)
            make_study(title=f"Budget study {i}")
            make_person(name=f"Budget person {i}", positions=0)
        made = n
        search_page(client, q="budget", **params)  # what is remembered per content change
        with CaptureQueriesContext(connection) as queries:
            response = search_page(client, q="budget", **params)
        assert response.context["result_count"] == (n if params else 5 * n)
        return len(queries)

    search_page(client)  # the site chrome's cached tables are filled by the first page
    few, few_releases = queries_with(3), queries_with(3, kind="release")
    many, many_releases = queries_with(30), queries_with(30, kind="release")
    assert few_releases == many_releases
    assert max(few, many) <= few_releases + 4  # at most one more query per other kind
    assert many_releases == 4  # matches, entries, releases, their quotes


def test_rebuild_command_restores_the_index(client):
    make_release(headline="Rebuilt entry")
    SearchEntry.objects.all().delete()
    assert result_titles(search_page(client, q="rebuilt")) == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert result_titles(search_page(client, q="rebuilt")) == ["Rebuilt entry"]


def test_an_mou_known_only_to_the_month_shows_its_month(client):
    import datetime as dt

    from media_centre.models import DatePrecision

    from .conftest import make_mou

    make_mou(
        title="Memorandum on green bonds",
        signed_on=dt.date(2024, 10, 1),
        signed_on_precision=DatePrecision.MONTH,
    )
    page = client.get("/en/search/", {"q": "green bonds"}).content.decode()
    assert "October 2024" in page and "Oct. 1, 2024" not in page


def test_on_postgresql_a_token_is_looked_up_in_the_trigram_indexes_of_all_three_columns():
    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes exist on PostgreSQL only (SQLite searches with FTS5)")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the table is tiny: force the choice
    plan = SearchEntry.objects.filter(containing("finance")).order_by().explain()
    assert "Seq Scan" not in plan
    for column in ("title", "text", "document_text"):
        assert f"Bitmap Index Scan on searchentry_{column}_trgm" in plan
