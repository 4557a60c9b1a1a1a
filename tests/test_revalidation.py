"""After a change, one process renders each page and computes each remembered value anew, while
the others serve the previous copy for a few seconds, or wait for the new one."""

import multiprocessing
import os
import threading
import time

import pytest
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.test import Client, RequestFactory

from core import page_cache
from core.page_cache import revalidation

from .conftest import make_release, make_staff

pytestmark = pytest.mark.django_db

LIST = "/en/media-centre/press-releases/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_PAGE_CACHE_STALE_SECONDS = 5
    settings.DEBUG = False


def begin(token: str, began: float | None = None) -> None:
    """A new generation, as after a publish, begun at `began` (now unless given)."""
    cache.set(page_cache.GENERATION_KEY, (token, int(began or time.time())), 600)


class SlowPage:
    """A public page that takes a while to render and counts its renderings."""

    def __init__(self, renders_file: str | None = None):
        self.renders, self.renders_file = 0, renders_file

    def __call__(self, request):
        self.renders += 1
        if self.renders_file:
            with open(self.renders_file, "a") as file:
                file.write("render\n")
        time.sleep(1)
        return HttpResponse(f"made for {page_cache.generation()[0]}")


def at_once(count: int, call) -> list:
    """`call()` from `count` threads started together; their answers."""
    answers, start = [None] * count, threading.Barrier(count)

    def run(n):
        start.wait()
        answers[n] = call()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def request():
    return RequestFactory().get("/en/slow/")


def test_after_a_change_one_request_renders_and_the_others_get_the_previous_page():
    page = SlowPage()
    middleware = page_cache.PageCacheMiddleware(page)
    begin("old")
    assert middleware(request())["X-Page-Cache"] == "miss"
    begin("new")
    answers = at_once(8, lambda: middleware(request()))
    assert page.renders == 2  # one before the change, one after it
    states = [answer["X-Page-Cache"] for answer in answers]
    # (A thread the machine starts late may find the new page already rendered.)
    assert states.count("miss") == 1 and states.count("stale") >= 4
    for answer in answers:
        if answer["X-Page-Cache"] == "stale":
            assert answer.content == b"made for old"
            # Nobody downstream (a browser, a CDN, nginx) may keep it.
            assert "no-store" in answer["Cache-Control"]
        else:
            assert answer.content == b"made for new"
    # Once it is rendered, every request gets the new page.
    after = [middleware(request()) for _ in range(3)]
    assert [(a["X-Page-Cache"], a.content) for a in after] == [("hit", b"made for new")] * 3
    assert page.renders == 2


def test_without_a_previous_page_the_others_wait_for_the_one_rendered():
    page = SlowPage()
    middleware = page_cache.PageCacheMiddleware(page)
    begin("first")
    answers = at_once(8, lambda: middleware(request()))
    assert page.renders == 1
    assert {answer.content for answer in answers} == {b"made for first"}
    assert sorted(answer["X-Page-Cache"] for answer in answers) == ["hit"] * 7 + ["miss"]


def test_the_previous_page_is_served_only_in_the_first_seconds_of_a_generation(settings):
    page = SlowPage()
    middleware = page_cache.PageCacheMiddleware(page)
    begin("old")
    middleware(request())
    # A generation that began more than NEWSROOM_PAGE_CACHE_STALE_SECONDS ago: waiting, not stale.
    begin("new", began=time.time() - 6)
    answers = at_once(6, lambda: middleware(request()))
    assert page.renders == 2
    assert {answer.content for answer in answers} == {b"made for new"}
    settings.NEWSROOM_PAGE_CACHE_STALE_SECONDS = 0
    begin("newer")
    answers = at_once(6, lambda: middleware(request()))
    assert page.renders == 3
    assert {answer.content for answer in answers} == {b"made for newer"}


def test_a_remembered_value_is_computed_once_and_the_previous_one_served_meanwhile():
    computed = []

    def compute(value):
        def slow():
            computed.append(value)
            time.sleep(0.4)
            return value

        return slow

    begin("old")
    assert page_cache.remember("count", compute(1)) == 1
    begin("new")

    def in_a_page_request():
        page_cache.remembered.entries.clear()  # each thread as if another process
        allowed = revalidation.allow_previous()
        try:
            return page_cache.remember("count", compute(2)), revalidation.previous_served()
        finally:
            revalidation.disallow(allowed)

    answers = at_once(6, in_a_page_request)
    assert computed == [1, 2]
    assert sorted(value for value, _ in answers) == [1] * 5 + [2]
    assert all(served == ["count"] for value, served in answers if value == 1)
    # Outside an anonymous page request (staff, the worker), the previous value is never given.
    begin("newer")
    staff = at_once(4, lambda: page_cache.remember("count", compute(3)))
    assert staff == [3] * 4 and computed == [1, 2, 3]


def test_a_page_made_with_a_previous_value_is_not_stored(client, monkeypatch):
    make_release(headline="Before the change")
    client.get(LIST)
    make_release(headline="After the change")
    # Another process holds every turn: this one is given previous copies.
    monkeypatch.setattr(revalidation, "take_turn", lambda key, token: False)
    stale = Client().get(LIST)
    assert stale["X-Page-Cache"] == "stale" and "no-store" in stale["Cache-Control"]
    assert "After the change" not in stale.text
    monkeypatch.undo()
    fresh = Client().get(LIST)
    assert fresh["X-Page-Cache"] == "miss" and "After the change" in fresh.text
    assert Client().get(LIST)["X-Page-Cache"] == "hit"


def test_signed_in_staff_are_never_served_a_previous_copy(client, monkeypatch):
    make_release(headline="Before the change")
    Client().get(LIST)
    make_release(headline="After the change")
    monkeypatch.setattr(revalidation, "take_turn", lambda key, token: False)
    assert "After the change" not in Client().get(LIST).text  # an anonymous visitor: stale
    client.force_login(make_staff("Editor"))
    page = client.get(LIST)
    assert page.status_code == 200 and "After the change" in page.text
    assert "X-Page-Cache" not in page


def _request_in_another_process(renders_file: str, answers_file: str, start) -> None:
    caches["default"].__dict__.pop("_cache", None)  # no connection of the parent's (Redis)
    page_cache.pages.entries.clear()
    start.wait()
    answer = page_cache.PageCacheMiddleware(SlowPage(renders_file))(request())
    with open(answers_file, "a") as file:
        file.write(f"{answer['X-Page-Cache']} {answer.content.decode()}\n")


def _shared_caches(tmp_path) -> list[dict]:
    shared = [{"BACKEND": "core.cache.FileCache", "LOCATION": str(tmp_path / "cache")}]
    if os.environ.get("CACHE_URL", "").startswith("redis"):
        import environ

        shared.append(environ.Env.cache_url_config(os.environ["CACHE_URL"]))
    return shared


@pytest.mark.parametrize("previous", [True, False])
def test_one_process_renders_each_page_after_a_change(settings, tmp_path, previous):
    """Processes sharing the production file cache (and Redis, under make test-redis)."""
    for config in _shared_caches(tmp_path):
        settings.CACHES = {"default": config}
        cache.clear()
        page_cache.pages.entries.clear()  # this process's copies, of the previous backend's
        if previous:
            begin("old")
            page_cache.PageCacheMiddleware(SlowPage())(request())
        begin("new")
        renders, answers = tmp_path / "renders", tmp_path / "answers"
        renders.write_text(""), answers.write_text("")
        context = multiprocessing.get_context("fork")
        start = context.Barrier(6)
        processes = [
            context.Process(target=_request_in_another_process, args=(renders, answers, start))
            for _ in range(6)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
        assert renders.read_text().count("render") == 1, config["BACKEND"]
        lines = sorted(answers.read_text().splitlines())
        if previous:
            assert lines.count("miss made for new") == 1
            assert set(lines) <= {"miss made for new", "stale made for old", "hit made for new"}
            assert lines.count("stale made for old") >= 2  # a late starter may find it rendered
        else:
            assert lines == ["hit made for new"] * 5 + ["miss made for new"]
        settings.CACHES = {"default": config}
        cache.clear()


def test_a_visitor_holding_the_previous_copy_is_told_it_has_not_changed():
    page = SlowPage()
    middleware = page_cache.PageCacheMiddleware(page)
    begin("old")
    etag = middleware(request())["ETag"]
    begin("new")
    revalidation.take_turn(page_cache.middleware._page_key(request()), "new")  # another's turn
    conditional = RequestFactory().get("/en/slow/", headers={"if-none-match": etag})
    answer = middleware(conditional)
    assert answer.status_code == 304 and page.renders == 1  # answered from the previous copy
    assert "no-store" in answer["Cache-Control"]
