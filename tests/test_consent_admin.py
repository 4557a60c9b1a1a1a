"""The consent desk: what publishers manage, records that stay read-only, export, chart, prune."""

import csv
import datetime as dt
import io
import tracemalloc
import uuid

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from consent.models import (
    Action,
    Category,
    ConsentRecord,
    DeclaredCookie,
    Method,
    PolicyVersion,
)
from core import page_cache

from .test_admin import form_data

WEEK = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)  # a Wednesday


def url(model, view: str, *args) -> str:
    return reverse(f"admin:consent_{model._meta.model_name}_{view}", args=args)


def make_record(**kw) -> ConsentRecord:
    return ConsentRecord.objects.create(**record(**kw))


def record(**kw) -> dict:
    kw.setdefault("action", Action.CUSTOM)
    kw.setdefault("method", Method.BANNER)
    kw.setdefault(
        "categories",
        {"necessary": True, "performance": True, "functionality": False, "targeting": False},
    )
    kw.setdefault("policy_version", 1)
    kw.setdefault("language", "en")
    kw.setdefault("page", "/en/press-releases/")
    kw.setdefault("text_hash", "a" * 64)
    kw.setdefault("ip_prefix", "203.0.113.0")
    kw.setdefault("user_agent_hash", "b" * 64)
    return kw


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def categories(db) -> dict[str, Category]:
    made = {}
    for order, slug in enumerate(["necessary", "performance", "functionality", "targeting"]):
        made[slug] = Category.objects.create(
            slug=slug,
            name_en=slug.capitalize(),
            description_en=f"What {slug} cookies do.",
            order=order,
            is_necessary=slug == "necessary",
        )
    DeclaredCookie.objects.create(
        name="_ga", provider="Google", purpose_en="Counts visits.", expiry_en="2 years",
        category=made["performance"],
    )  # fmt: skip
    return made


@pytest.fixture
def policy(db) -> PolicyVersion:
    return PolicyVersion.objects.create(
        version=1,
        last_updated=dt.date(2026, 1, 1),
        published_at=timezone.now() - dt.timedelta(days=30),
        banner_text_en="We use cookies.",
        introduction_en="Our cookies.",
    )


def listed(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [row.th.get_text(strip=True) for row in soup.select("#result_list tbody tr")]


# What the desk manages


def test_publisher_opens_every_consent_page(client, publisher, categories, policy):
    record = make_record()
    client.force_login(publisher)
    pages = [
        url(Category, "changelist"),
        url(Category, "add"),
        url(Category, "change", categories["performance"].pk),
        url(DeclaredCookie, "changelist"),
        url(DeclaredCookie, "add"),
        url(DeclaredCookie, "change", DeclaredCookie.objects.get().pk),
        url(PolicyVersion, "changelist"),
        url(PolicyVersion, "add"),
        url(PolicyVersion, "change", policy.pk),
        url(ConsentRecord, "changelist"),
        url(ConsentRecord, "change", record.pk),
        url(ConsentRecord, "chart"),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert client.get(url(ConsentRecord, "export")).status_code == 200


def test_editor_sees_records_but_not_the_categories(client, editor, categories):
    make_record()
    client.force_login(editor)
    assert client.get(url(ConsentRecord, "changelist")).status_code == 200
    assert client.get(url(ConsentRecord, "export")).status_code == 200
    assert client.get(url(Category, "changelist")).status_code == 403
    assert client.get(url(Category, "change", categories["targeting"].pk)).status_code == 403
    assert client.get(url(PolicyVersion, "add")).status_code == 403


def test_staff_without_the_permission_cannot_export(client, django_user_model):
    user = django_user_model.objects.create_user("intern", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(url(ConsentRecord, "export")).status_code == 403
    assert client.get(url(ConsentRecord, "chart")).status_code == 403


def test_category_list_counts_cookies_and_edits_the_order(client, publisher, categories):
    client.force_login(publisher)
    response = client.get(url(Category, "changelist"))
    soup = BeautifulSoup(response.content, "html.parser")
    row = next(tr for tr in soup.select("#result_list tbody tr") if "Performance" in tr.text)
    assert row.select_one("td.field-cookie_count").text == "1"
    assert row.select_one("input[name$='-order']") is not None


def test_strictly_necessary_category_cannot_be_deleted_even_in_bulk(client, publisher, categories):
    necessary = categories["necessary"]
    client.force_login(publisher)
    assert client.get(url(Category, "delete", necessary.pk)).status_code == 403
    chosen = {"action": "delete_selected", "_selected_action": [necessary.pk]}
    response = client.post(url(Category, "changelist"), chosen)
    assert "Cannot delete cookie category" in response.text
    response = client.post(url(Category, "changelist"), {**chosen, "post": "yes"})
    assert response.status_code == 403
    assert Category.objects.filter(pk=necessary.pk).exists()


def test_a_category_keeps_its_code_and_its_nature_once_made(client, publisher, categories):
    necessary = categories["necessary"]
    client.force_login(publisher)
    change = url(Category, "change", necessary.pk)
    data = form_data(client.get(change))
    assert "is_necessary" not in data and "slug" not in data
    data["name_en"] = "Essential"
    response = client.post(change, {**data, "is_necessary": "", "slug": "other"})
    assert response.status_code == 302
    necessary.refresh_from_db()
    assert (necessary.name_en, necessary.slug, necessary.is_necessary) == (
        "Essential",
        "necessary",
        True,
    )


def test_deleting_a_category_leaves_the_records_intact(client, publisher, categories):
    made = make_record(categories={"necessary": True, "targeting": True})
    client.force_login(publisher)
    targeting = categories["targeting"]
    response = client.post(url(Category, "delete", targeting.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Category.objects.filter(slug="targeting").exists()
    made = ConsentRecord.objects.get(pk=made.pk)
    assert made.categories == {"necessary": True, "targeting": True}
    response = client.get(url(ConsentRecord, "changelist"))
    assert "targeting ✓" in response.text


def test_admin_save_clears_the_category_table(client, publisher, categories):
    assert Category.objects.table()[1]["name"] == "Performance"
    client.force_login(publisher)
    change = url(Category, "change", categories["performance"].pk)
    data = form_data(client.get(change))
    data["name_en"] = "Statistics"
    assert client.post(change, data).status_code == 302
    assert Category.objects.table()[1]["name"] == "Statistics"


def test_admin_list_edit_and_bulk_delete_clear_the_category_table(client, publisher, categories):
    assert [row["slug"] for row in Category.objects.table()][-1] == "targeting"
    client.force_login(publisher)
    soup = BeautifulSoup(client.get(url(Category, "changelist")).content, "html.parser")
    data = {
        field["name"]: field.get("value", "")
        for field in soup.select("#changelist-form input[name^='form-']")
    }
    row = next(
        name for name, value in data.items()
        if name.endswith("-id") and value == str(categories["performance"].pk)
    )  # fmt: skip
    data[row.replace("-id", "-order")] = "9"
    assert client.post(url(Category, "changelist"), {**data, "_save": "Save"}).status_code == 302
    assert [row["slug"] for row in Category.objects.table()][-1] == "performance"

    response = client.post(
        url(Category, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [categories["functionality"].pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert "functionality" not in [row["slug"] for row in Category.objects.table()]


def test_admin_clears_the_category_table_again_after_its_transaction_commits(
    client, publisher, categories, django_capture_on_commit_callbacks
):
    client.force_login(publisher)
    change = url(Category, "change", categories["performance"].pk)
    data = {**form_data(client.get(change)), "name_en": "Statistics"}
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(change, data).status_code == 302
    # A page that read the table before the commit remembered the old rows again.
    page_cache.remember("consent:categories:en", lambda: [{"name": "Performance"}])
    for callback in callbacks:
        callback()
    assert Category.objects.table()[1]["name"] == "Statistics"


def test_queryset_writes_clear_the_category_table(categories):
    Category.objects.table()
    Category.objects.filter(slug="targeting").update(name_en="Advertising")
    assert Category.objects.table()[-1]["name"] == "Advertising"
    DeclaredCookie.objects.all().delete()
    assert Category.objects.table()[1]["cookies"] == []


def test_declared_cookies_are_listed_filtered_and_searched(client, publisher, categories):
    client.force_login(publisher)
    response = client.get(url(DeclaredCookie, "changelist"), {"q": "google"})
    assert listed(response) == ["_ga"]
    response = client.get(
        url(DeclaredCookie, "changelist"), {"category__id__exact": categories["targeting"].pk}
    )
    assert listed(response) == []


# Policy versions


def test_new_policy_version_is_prefilled_and_explains_publishing(client, publisher, policy):
    client.force_login(publisher)
    response = client.get(url(PolicyVersion, "add"))
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", {"name": "version"})["value"] == "2"
    assert "Publishing asks every visitor again" in response.text


def test_policy_list_shows_each_version_state(client, publisher, policy):
    PolicyVersion.objects.create(
        version=2, last_updated=dt.date(2026, 2, 1), published_at=timezone.now(),
        banner_text_en="b", introduction_en="i",
    )  # fmt: skip
    PolicyVersion.objects.create(
        version=3, last_updated=dt.date(2026, 3, 1), banner_text_en="b", introduction_en="i"
    )
    client.force_login(publisher)
    soup = BeautifulSoup(client.get(url(PolicyVersion, "changelist")).content, "html.parser")
    states = {
        row.th.text: row.select_one("td.field-state").text
        for row in soup.select("#result_list tbody tr")
    }
    assert states == {"3": "draft", "2": "in force", "1": "superseded"}


def test_publish_now_puts_a_draft_in_force(client, publisher, policy):
    draft = PolicyVersion.objects.create(
        version=2, last_updated=dt.date(2026, 2, 1), banner_text_en="b", introduction_en="i"
    )
    client.force_login(publisher)
    response = client.post(
        url(PolicyVersion, "changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk, policy.pk]},
        follow=True,
    )
    assert "Every visitor is asked to choose again" in response.text
    assert PolicyVersion.objects.current() == draft
    before = policy.published_at
    policy.refresh_from_db()
    assert policy.published_at == before


def test_publish_now_leaves_a_draft_older_than_the_version_in_force(client, publisher, policy):
    old_draft = PolicyVersion.objects.create(
        version=0, last_updated=dt.date(2025, 12, 1), banner_text_en="b", introduction_en="i"
    )
    client.force_login(publisher)
    response = client.post(
        url(PolicyVersion, "changelist"),
        {"action": "publish_now", "_selected_action": [old_draft.pk]},
        follow=True,
    )
    assert "is older than the version in force" in response.text
    old_draft.refresh_from_db()
    assert old_draft.published_at is None


# Records stay read-only


def test_a_record_cannot_be_added_changed_or_deleted_in_the_admin(client, publisher):
    made = make_record()
    client.force_login(publisher)
    assert client.get(url(ConsentRecord, "add")).status_code == 403
    response = client.post(url(ConsentRecord, "change", made.pk), {"action": Action.REJECT_ALL})
    assert response.status_code == 403
    assert ConsentRecord.objects.get(pk=made.pk).action == Action.CUSTOM
    assert client.get(url(ConsentRecord, "delete", made.pk)).status_code == 403
    assert client.post(url(ConsentRecord, "delete", made.pk), {"post": "yes"}).status_code == 403
    response = client.post(
        url(ConsentRecord, "changelist"),
        {"action": "delete_selected", "_selected_action": [made.pk], "post": "yes"},
    )
    assert ConsentRecord.objects.filter(pk=made.pk).exists()
    response = client.get(url(ConsentRecord, "changelist"))
    assert 'name="action"' not in response.text
    assert "Add consent record" not in response.text


def test_a_record_cannot_be_changed_or_deleted_in_code(db):
    made = make_record()
    made.action = Action.REJECT_ALL
    with pytest.raises(TypeError):
        made.save()
    with pytest.raises(TypeError):
        made.delete()
    with pytest.raises(TypeError):
        ConsentRecord.objects.filter(pk=made.pk).update(action=Action.REJECT_ALL)
    with pytest.raises(TypeError):
        ConsentRecord.objects.all().delete()
    assert ConsentRecord.objects.get(pk=made.pk).action == Action.CUSTOM


def test_record_page_shows_every_field_and_the_categories_json(client, publisher):
    made = make_record(page="/en/events/")
    client.force_login(publisher)
    response = client.get(url(ConsentRecord, "change", made.pk))
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", {"type": "submit"}) is None
    assert str(made.consent_id) in response.text
    assert "/en/events/" in response.text and "203.0.113.0" in response.text
    assert soup.select_one(".field-categories_json pre").text.startswith('{\n  "functionality"')


def test_record_list_summarises_the_refusable_categories(client, publisher, categories):
    make_record()
    client.force_login(publisher)
    response = client.get(url(ConsentRecord, "changelist"))
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one("td.field-categories_summary").text
    assert summary == "performance ✓ functionality ✗ targeting ✗"


def test_search_finds_a_record_by_consent_id(client, publisher):
    wanted = make_record()
    make_record()
    client.force_login(publisher)
    response = client.get(url(ConsentRecord, "changelist"), {"q": f" {wanted.consent_id} "})
    assert listed(response) == [str(wanted.consent_id)]
    response = client.get(url(ConsentRecord, "changelist"), {"q": wanted.consent_id.hex})
    assert listed(response) == [str(wanted.consent_id)]


def test_search_for_something_not_a_consent_id_finds_nothing(client, publisher):
    make_record()
    client.force_login(publisher)
    response = client.get(url(ConsentRecord, "changelist"), {"q": "not-a-uuid' OR 1=1"})
    assert response.status_code == 200
    assert listed(response) == []


def test_record_list_query_count_does_not_grow_with_the_rows(
    client, publisher, categories, django_assert_max_num_queries
):
    ConsentRecord.objects.bulk_create([ConsentRecord(**record()) for _ in range(60)])
    client.force_login(publisher)
    client.get(url(ConsentRecord, "changelist"))
    with django_assert_max_num_queries(13):  # + whether the account has set up a second factor
        response = client.get(url(ConsentRecord, "changelist"))
    assert len(listed(response)) == 50


# CSV export


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_honours_the_list_filters(client, publisher, categories):
    kept = make_record(
        action=Action.REJECT_ALL,
        categories={"necessary": True, "performance": False, "unknown": True},
        created_at=WEEK,
    )
    make_record(action=Action.ACCEPT_ALL)
    client.force_login(publisher)
    response = client.get(url(ConsentRecord, "export"), {"action__exact": Action.REJECT_ALL})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="consent-records-{today:%Y%m%d}.csv"'
    )
    rows = read_csv(response)
    assert list(rows[0]) == [
        "consent_id", "created_at", "action", "method", "policy_version", "language", "page",
        "necessary", "performance", "functionality", "targeting",
        "text_hash", "ip_prefix", "user_agent_hash",
    ]  # fmt: skip
    assert rows == [
        {
            "consent_id": str(kept.consent_id),
            "created_at": "2026-03-04T10:00:00+00:00",
            "action": "reject-all",
            "method": "banner",
            "policy_version": "1",
            "language": "en",
            "page": "/en/press-releases/",
            "necessary": "accepted",
            "performance": "refused",
            "functionality": "",
            "targeting": "",
            "text_hash": "a" * 64,
            "ip_prefix": "203.0.113.0",
            "user_agent_hash": "b" * 64,
        }
    ]


def test_csv_export_follows_the_search_and_defuses_formulas(client, publisher, categories):
    wanted = make_record(page='=HYPERLINK("https://evil.example")')
    make_record()
    client.force_login(publisher)
    rows = read_csv(client.get(url(ConsentRecord, "export"), {"q": str(wanted.consent_id)}))
    assert [row["page"] for row in rows] == ['\'=HYPERLINK("https://evil.example")']


def test_changelist_links_to_export_and_chart_with_its_filters(client, publisher):
    make_record()
    client.force_login(publisher)
    response = client.get(url(ConsentRecord, "changelist"), {"language": "en"})
    soup = BeautifulSoup(response.content, "html.parser")
    links = {a.text: a["href"] for a in soup.select(".object-tools a")}
    assert links["Export CSV"] == url(ConsentRecord, "export") + "?language=en"
    assert links["Acceptance chart"] == url(ConsentRecord, "chart") + "?language=en"


def test_csv_export_of_20000_rows_streams_in_flat_memory(client, publisher, categories):
    ConsentRecord.objects.bulk_create(
        [ConsentRecord(**record()) for _ in range(20_000)], batch_size=2000
    )
    client.force_login(publisher)
    tracemalloc.start()
    try:
        response = client.get(url(ConsentRecord, "export"))
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == 20_001
    assert peak < 20 * 1024 * 1024


# Acceptance chart


def test_chart_shows_each_category_share_per_week(client, publisher, categories):
    states = [
        {"performance": True, "functionality": True, "targeting": False},
        {"performance": True, "functionality": False, "targeting": False},
        {"performance": True, "functionality": False, "targeting": False},
        {"performance": False, "functionality": False, "targeting": False},
    ]
    for i, state in enumerate(states):
        make_record(categories={"necessary": True, **state}, created_at=WEEK + dt.timedelta(i))
    make_record(action=Action.EXPIRED, categories={"performance": False}, created_at=WEEK)
    make_record(categories={"performance": False}, created_at=WEEK + dt.timedelta(days=7))
    client.force_login(publisher)
    response = client.get(url(ConsentRecord, "chart"))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    header = [th.text for th in soup.select("#acceptance-table thead th")]
    assert header == ["Week", "Choices", "Performance", "Functionality", "Targeting"]
    rows = [[cell.text for cell in tr.find_all(["th", "td"])] for tr in soup.select("tbody tr")]
    assert [row[1:] for row in rows] == [["4", "75%", "25%", "0%"], ["1", "0%", "0%", "0%"]]
    assert rows[0][0] == "Week of March 2, 2026"
    assert len(soup.select("svg polyline")) == 3
    assert soup.select_one("svg circle title").text == "Performance, Week of March 2, 2026: 75%"


def test_chart_groups_by_month_on_request_and_over_long_spans(client, publisher, categories):
    make_record(created_at=WEEK)
    make_record(created_at=WEEK + dt.timedelta(days=7), categories={"performance": False})
    client.force_login(publisher)
    response = client.get(url(ConsentRecord, "chart"), {"period": "month"})
    rows = BeautifulSoup(response.content, "html.parser").select("#acceptance-table tbody tr")
    assert [[c.text for c in tr.find_all(["th", "td"])][:3] for tr in rows] == [
        ["March 2026", "2", "50%"]
    ]
    make_record(created_at=WEEK + dt.timedelta(days=250))
    response = client.get(url(ConsentRecord, "chart"))
    rows = BeautifulSoup(response.content, "html.parser").select("#acceptance-table tbody tr")
    assert [tr.th.text for tr in rows] == ["March 2026", "November 2026"]


def test_chart_honours_the_list_filters_and_answers_bad_ones(client, publisher, categories):
    make_record(created_at=WEEK, language="zh-hant")
    make_record(created_at=WEEK, categories={"performance": False})
    client.force_login(publisher)
    response = client.get(url(ConsentRecord, "chart"), {"language": "zh-hant", "period": "week"})
    rows = BeautifulSoup(response.content, "html.parser").select("#acceptance-table tbody tr")
    assert [[c.text for c in tr.find_all("td")][:2] for tr in rows] == [["1", "100%"]]
    assert client.get(url(ConsentRecord, "chart"), {"nonsense": "1"}).status_code == 302
    response = client.get(url(ConsentRecord, "chart"), {"period": "decade"})
    assert response.status_code == 200


def test_chart_is_computed_in_a_few_queries(
    client, publisher, categories, django_assert_max_num_queries
):
    ConsentRecord.objects.bulk_create(
        [ConsentRecord(**record(created_at=WEEK + dt.timedelta(days=i))) for i in range(100)]
    )
    client.force_login(publisher)
    with django_assert_max_num_queries(13):  # + the idle-timeout session save
        response = client.get(url(ConsentRecord, "chart"))
    assert len(BeautifulSoup(response.content, "html.parser").select("tbody tr")) == 15


def test_chart_without_records_says_so(client, publisher, categories):
    client.force_login(publisher)
    response = client.get(url(ConsentRecord, "chart"))
    assert "No choices are recorded for this selection yet." in response.text


# Pruning


def prune(*args) -> str:
    out = io.StringIO()
    call_command("prune_consent_records", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_and_new(db, settings):
    settings.CONSENT_RETENTION_DAYS = 30
    now = timezone.now()
    old = [make_record(created_at=now - dt.timedelta(days=40)) for _ in range(2)]
    new = make_record(created_at=now - dt.timedelta(days=5))
    return old, new


def test_prune_removes_only_records_past_the_retention(old_and_new):
    _old, new = old_and_new
    cut_off = timezone.localdate() - dt.timedelta(days=30)
    assert prune() == f"Removed 2 consent records made before {cut_off:%Y-%m-%d}.\n"
    assert list(ConsentRecord.objects.all()) == [new]


def test_prune_dry_run_removes_nothing(old_and_new):
    cut_off = timezone.localdate() - dt.timedelta(days=30)
    assert prune("--dry-run") == (
        f"Would remove 2 consent records made before {cut_off:%Y-%m-%d} "
        "(dry run: nothing was removed).\n"
    )
    assert ConsentRecord.objects.count() == 3


def test_prune_days_overrides_the_setting_for_one_run(old_and_new):
    cut_off = timezone.localdate() - dt.timedelta(days=1)
    assert prune("--days", "1") == f"Removed 3 consent records made before {cut_off:%Y-%m-%d}.\n"
    assert not ConsentRecord.objects.exists()


def test_prune_refuses_less_than_a_day(old_and_new):
    with pytest.raises(CommandError, match="at least 1 day"):
        prune("--days", "0")
    assert ConsentRecord.objects.count() == 3


def test_prune_counts_with_thousands_separators(db, settings):
    settings.CONSENT_RETENTION_DAYS = 1
    old = timezone.now() - dt.timedelta(days=3)
    ConsentRecord.objects.bulk_create(
        [ConsentRecord(**record(created_at=old, consent_id=uuid.uuid4())) for _ in range(1234)]
    )
    assert prune().startswith("Removed 1,234 consent records made before ")
