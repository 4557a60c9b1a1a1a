"""Parts of pages remembered per content change, with the page cache off: the chrome, the filter
form, a detail page's lookup; and each process's own copy of what the shared cache holds. (The
banner following a policy change is in test_page_cache.py, with the page cache on and off.)"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory

from core import page_cache
from core.page_cache import memory
from media_centre.models import Status

from .conftest import make_organisation, make_release

pytestmark = pytest.mark.django_db

LIST = "/en/media-centre/press-releases/"


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    settings.NEWSROOM_PAGE_CACHE = False
    settings.DEBUG = False


@pytest.fixture
def shared_reads(monkeypatch):
    """The keys read from the shared cache."""
    reads = []
    get = cache.get

    def counting_get(key, *args, **kwargs):
        reads.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    return reads


# --- Each process's copy -------------------------------------------------------------------


def test_process_memory_keeps_only_the_current_generation():
    memory = page_cache.ProcessMemory(max_entries=10, max_bytes=100)
    memory.set("one", "a", "kept")
    assert memory.get("one", "a") == "kept"
    # Asked with a newer token, it forgets everything of the old one.
    assert memory.get("two", "a") is None
    assert memory.get("one", "a") is None


def test_process_memory_stays_within_its_bounds():
    memory = page_cache.ProcessMemory(max_entries=3, max_bytes=100)
    for key in "abcd":
        memory.set("t", key, key.upper())
    assert memory.get("t", "a") is None  # the least recently used went first
    assert [memory.get("t", key) for key in "bcd"] == ["B", "C", "D"]
    memory.set("t", "big", "x" * 60, size=60)
    memory.set("t", "bigger", "y" * 60, size=60)
    assert memory.size <= 100
    assert memory.get("t", "big") is None and memory.get("t", "bigger") == "y" * 60
    memory.set("t", "huge", "z" * 200, size=200)  # never held at all
    assert memory.get("t", "huge") is None and memory.get("t", "bigger") == "y" * 60


def test_a_remembered_value_is_read_from_the_shared_cache_once_per_process(shared_reads):
    calls = []
    for _ in range(3):
        assert page_cache.remember("a count", lambda: calls.append(1) or 42) == 42
    assert len(calls) == 1
    assert len([key for key in shared_reads if key.startswith("page-cache:memo:")]) == 1


def test_a_value_another_process_remembered_is_not_computed_again():
    page_cache.remember("shared", lambda: "from this process")
    page_cache.remembered.entries.clear()  # as if this were another process
    assert page_cache.remember("shared", lambda: "computed again") == "from this process"


def test_a_stored_page_is_served_from_the_process_without_reading_it_again(
    client, settings, shared_reads
):
    settings.NEWSROOM_PAGE_CACHE = True
    make_release(headline="Read once")
    assert client.get(LIST)["X-Page-Cache"] == "miss"
    shared_reads.clear()
    second = client.get(LIST)
    assert second["X-Page-Cache"] == "hit" and "Read once" in second.text
    # Only the generation is asked of the shared cache: that is what makes a publish elsewhere
    # show at once (tests/test_page_cache.py runs a second process).
    assert shared_reads == [page_cache.GENERATION_KEY]


def test_one_page_request_reads_the_generation_once(client, shared_reads):
    make_release()
    client.get(LIST)
    shared_reads.clear()
    client.get(LIST)
    assert shared_reads.count(page_cache.GENERATION_KEY) == 1
    assert not [key for key in shared_reads if key.startswith("page-cache:memo:")]


# --- The remembered parts follow the content -----------------------------------------------


def test_the_banner_returns_each_visitor_to_their_own_page(client):
    make_release()
    assert 'name="next" value="/en/media-centre/press-releases/"' in client.get(LIST).text
    page = client.get("/en/media-centre/events/").text
    assert 'name="next" value="/en/media-centre/events/"' in page


def test_the_header_marks_each_section_and_links_to_this_page_in_other_languages(client):
    make_release()
    releases = client.get(LIST).text
    events = client.get("/en/media-centre/events/?when=past").text
    assert '<a href="/en/media-centre/press-releases/" aria-current="page">' in releases
    assert '<a href="/en/media-centre/events/" aria-current="page">' in events
    assert '<a href="/en/media-centre/events/" aria-current="page">' not in releases
    assert "next=%2Fzh-hant%2Fmedia-centre%2Fevents%2F%3Fwhen%3Dpast" in events
    assert "next=%2Fzh-hant%2Fmedia-centre%2Fpress-releases%2F" in releases


def test_a_new_organisation_shows_in_the_filter_at_once(client):
    """Once a published release names it (the filter offers the organisations of the list's
    items, tests/test_archive_growth.py)."""
    release = make_release()
    assert "Brand-new organisation" not in client.get(LIST).text
    organisation = make_organisation(name="Brand-new organisation", slug="brand-new")
    assert "Brand-new organisation" not in client.get(LIST).text
    release.organisations.add(organisation)
    assert '<option value="brand-new">Brand-new organisation</option>' in client.get(LIST).text


def test_the_filter_form_shows_each_query_as_sent(client):
    make_release(release_date=dt.date(2024, 3, 1))
    make_release(release_date=dt.date(2023, 3, 1))
    assert '<option value="2024" selected>' in client.get(LIST + "?year=2024").text
    assert '<option value="2023" selected>' in client.get(LIST + "?year=2023").text
    assert '<option value="2024">2024</option>' in client.get(LIST).text
    wrong = client.get(LIST + "?topic=no-such-topic")
    assert wrong.status_code == 404
    assert "That filter does not match anything we publish" in wrong.text


def test_a_withdrawal_answers_410_at_once(client):
    release = make_release(headline="Withdrawn soon")
    url = release.get_absolute_url()
    assert client.get(url).status_code == 200
    release.status = Status.WITHDRAWN
    release.withdrawn_reason = "Issued in error."
    release.save()
    assert client.get(url).status_code == 410


def test_an_address_that_finds_nothing_is_not_remembered(client):
    address = "/en/media-centre/press-releases/2025/06/19/not-there/"
    for _ in range(3):
        assert client.get(address).status_code == 404
    assert not [name for name in page_cache.remembered.entries if "not-there" in name]


def test_an_item_is_looked_up_once_per_content_change(client, django_assert_num_queries):
    release = make_release()
    url = release.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


# --- The tag -------------------------------------------------------------------------------


def test_a_remembered_part_is_rendered_once_per_language_and_vary_value():
    template = Template(
        "{% load remembered %}{% remembered 'part' colour %}{{ colour }}{{ counter.next }}"
        "{% endremembered %}"
    )
    counter = iter(range(100))

    class Counter:
        def next(self):
            return next(counter)

    def render(colour: str) -> str:
        context = {"colour": colour, "counter": Counter(), "request": RequestFactory().get("/")}
        return template.render(Context(context))

    assert render("red") == "red0"
    assert render("red") == "red0"
    assert render("blue") == "blue1"
    page_cache.invalidate()
    assert render("red") == "red2"


def test_a_part_is_drawn_afresh_and_not_remembered_unless_its_condition_is_false():
    template = Template(
        "{% load remembered %}{% remembered 'part' unless broken %}{{ counter.next }}"
        "{% endremembered %}"
    )
    counter = iter(range(100))

    class Counter:
        def next(self):
            return next(counter)

    def render(broken: bool) -> str:
        context = {"broken": broken, "counter": Counter(), "request": RequestFactory().get("/")}
        return template.render(Context(context))

    assert [render(True), render(True)] == ["0", "1"]
    assert [render(False), render(False), render(True)] == ["2", "2", "3"]


def test_nothing_is_remembered_during_a_staff_preview_or_without_a_request():
    template = Template(
        "{% load remembered %}{% remembered 'part' %}{{ counter.next }}{% endremembered %}"
    )
    counter = iter(range(100))

    class Counter:
        def next(self):
            return next(counter)

    preview = RequestFactory().get("/")
    page_cache.mark_preview(preview)

    def render(request) -> str:
        return template.render(Context({"counter": Counter(), "request": request}))

    assert [render(preview), render(preview), render(None), render(None)] == ["0", "1", "2", "3"]
    public = RequestFactory().get("/")
    assert [render(public), render(public)] == ["4", "4"]  # what the preview drew was not kept


def test_a_staff_preview_of_an_event_keeps_nothing_of_its_page(client, django_user_model):
    from django.contrib.auth.models import Permission

    from .conftest import make_event

    event = make_event(status=Status.DRAFT, publish_at=None)
    editor = django_user_model.objects.create_user("preview", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(editor)
    memory.remembered.entries.clear()
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200 and event.title in response.text
    assert not [key for key in memory.remembered.entries if "template.cache.event." in key]


def test_a_remembered_part_needs_a_name():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load remembered %}{% remembered %}x{% endremembered %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% load remembered %}{% remembered unless x %}x{% endremembered %}")


def test_a_feed_follows_a_publish_and_a_withdrawal(client):
    feed = "/en/media-centre/press-releases/feed.rss"
    first = make_release(headline="First in the feed")
    assert "First in the feed" in client.get(feed).text
    make_release(headline="Second in the feed")
    first.status = Status.WITHDRAWN
    first.withdrawn_reason = "Issued in error."
    first.save()
    page = client.get(feed).text
    assert "Second in the feed" in page and "First in the feed" not in page


def test_each_process_counts_what_it_keeps_by_its_size(monkeypatch):
    monkeypatch.setattr(memory, "remembered", page_cache.ProcessMemory(100, max_bytes=1_000))
    assert page_cache.remember("small", lambda: ["x" * 100]) == ["x" * 100]
    assert page_cache.remember("large", lambda: ["y" * 2_000]) == ["y" * 2_000]
    assert "small" in memory.remembered.entries
    assert "large" not in memory.remembered.entries  # still in the shared cache
    assert 100 < memory.remembered.size < 1_000


# --- The page's skeleton -------------------------------------------------------------------


def _remembered_names(part: str) -> list[str]:
    return [name for name in page_cache.remembered.entries if name.startswith(part + ":")]


def test_the_heads_links_and_the_language_switcher_are_rendered_once_per_content_change(
    client, monkeypatch
):
    from core.templatetags import languages
    from media_centre.templatetags import seo

    release = make_release()
    url = release.get_absolute_url()
    renders = []
    for module, name in ((languages, "_alternate_links"), (languages, "_language_links"),
                         (seo, "_seo_meta")):  # fmt: skip
        original = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda *a, _o=original, _n=name: renders.append(_n) or _o(*a)
        )
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    assert sorted(renders) == ["_alternate_links", "_language_links", "_seo_meta"]
    assert first == second
    assert 'hreflang="zh-Hant"' in second and 'property="og:title"' in second
    assert _remembered_names("alternates") and _remembered_names("language-links")

    release.headline = "A new headline"
    release.save()
    assert "A new headline" in client.get(url).content.decode()
    assert len(renders) == 6


def test_an_address_with_a_query_or_not_found_does_not_remember_the_switcher(client):
    make_release()
    assert client.get(LIST + "?unknown=1").status_code == 200
    assert client.get("/en/media-centre/press-releases/2025/06/19/not-there/").status_code == 404
    names = _remembered_names("alternates") + _remembered_names("language-links")
    assert not [name for name in names if name.endswith(LIST) or "not-there" in name]
    client.get(LIST)
    assert [name for name in _remembered_names("alternates") if name.endswith(LIST)]
