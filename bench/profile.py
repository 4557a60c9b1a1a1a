"""Where a page's time goes: middleware, SQL, template rendering, the rest of the view.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/profile.py [--pages release-detail,release-list] [--requests 200]

Runs in one process on the benchmark's database (bench/run.py builds it) with the production
settings and the page cache off, so each request does all its work. Prints a breakdown per page
and writes a pyinstrument profile of each to bench/results/profile-<page>.html.
"""

import argparse
import os
import secrets
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

clock = time.perf_counter
totals: Counter = Counter()
depth = {"template": 0}


def instrument() -> None:
    """Time SQL, template rendering and the handler's inner part (URL, view, template)."""
    from django.core.handlers import base
    from django.db import connection
    from django.template.backends import django as backend

    render = backend.Template.render

    def timed_render(self, *args, **kwargs):
        depth["template"] += 1
        started = clock()
        try:
            return render(self, *args, **kwargs)
        finally:
            depth["template"] -= 1
            if not depth["template"]:
                totals["template"] += clock() - started

    backend.Template.render = timed_render

    get_response = base.BaseHandler._get_response

    def timed_get_response(self, request):
        started = clock()
        try:
            return get_response(self, request)
        finally:
            totals["view"] += clock() - started

    base.BaseHandler._get_response = timed_get_response

    def timed_sql(execute, sql, params, many, context):
        started = clock()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = clock() - started
            totals["sql"] += spent
            totals["queries"] += 1
            if depth["template"]:
                totals["sql_in_template"] += spent

    connection.execute_wrappers.append(timed_sql)


@contextmanager
def nothing():
    yield


def measure(client, page, requests: int, profiler=None) -> dict:
    for _ in range(10):
        client.get(page.path)
    totals.clear()
    started = clock()
    with profiler or nothing():
        for _ in range(requests):
            response = client.get(page.path)
            assert response.status_code == 200, (page.path, response.status_code)
    wall = clock() - started
    per = {key: value / requests for key, value in totals.items()}
    per["total"] = wall / requests
    per["bytes"] = len(response.content)
    return per


def report(name: str, per: dict, baseline: float) -> str:
    ms = {key: value * 1000 for key, value in per.items() if key not in ("queries", "bytes")}
    template_own = ms.get("template", 0) - ms.get("sql_in_template", 0)
    view_rest = (
        ms.get("view", 0)
        - ms.get("template", 0)
        - (ms.get("sql", 0) - ms.get("sql_in_template", 0))
    )
    middleware = ms["total"] - ms.get("view", 0)
    rows = [
        ("total per request", ms["total"]),
        ("middleware and handler (outside the view)", middleware),
        ("SQL (all queries)", ms.get("sql", 0)),
        ("  of which run while rendering", ms.get("sql_in_template", 0)),
        ("template rendering (without its SQL)", template_own),
        ("view code, ORM objects, URL resolving", view_rest),
    ]
    lines = [
        f"{name}: {per.get('queries', 0):.0f} queries, {per['bytes'] / 1024:.0f} kB, "
        f"{1000 / ms['total']:.0f} req/s in one process (baseline {baseline * 1000:.2f} ms)"
    ]
    lines += [f"  {label:<44} {value:7.2f} ms  {value / ms['total']:5.0%}" for label, value in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pages", default="release-detail,release-list,release-list-deep")
    args = parser.parse_args()

    database = run.build_database(args.releases, args.seed, rebuild=False)
    _, pages = run.pick_pages(database, "carbon markets")
    os.environ.update(
        {
            key: value
            for key, value in run.environment(
                database,
                DJANGO_DEBUG="false",
                DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
                NEWSROOM_PAGE_CACHE="false",
                DJANGO_LOG_LEVEL="ERROR",
            ).items()
        }
    )
    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    instrument()
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    healthz = next(page for page in pages if page.name == "healthz")
    baseline = measure(client, healthz, args.requests)["total"]
    run.RESULTS.mkdir(exist_ok=True)
    for page in pages:
        if page.name not in args.pages.split(","):
            continue
        print(report(page.name, measure(client, page, args.requests), baseline))
        profiler = Profiler(interval=0.0005)
        measure(client, page, max(20, args.requests // 4), profiler)
        out = run.RESULTS / f"profile-{page.name}.html"
        out.write_text(profiler.output_html())
        print(f"  pyinstrument profile: {out.relative_to(ROOT)}")
        print(profiler.output_text(unicode=True, color=False, show_all=False)[:6000])


if __name__ == "__main__":
    main()
