"""Archive growth: each page at two archive sizes, warm, cold and crawled (`run.py --growth`).

    .venv/bin/python bench/run.py --growth [--growth-sizes 2000,20000] [--duration 5]

For each size (a database built once under bench/.work/ by run.py's own steps), gunicorn serves
it as production does with the page cache off, and each page is measured three ways, each as a
ratio to /healthz of the same server measured the same way:

- warm: the same address under wrk, as `make bench` measures it (remembered parts reused);
- cold: the first request after a change, many times: before each request the page cache's
  generation is ended (what every save, an embargo lifting and midnight do), sequentially;
- crawled: wrk walking addresses of the page's kind none of which it asks for twice while
  there are enough (distinct releases, list pages, search terms), as a crawler does.

The growth of a page is its ratio at the small size ÷ its ratio at the large size: the target
(issue 19) is at most 1.5×. See bench/README.md.
"""

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import run  # bench/run.py, beside this script

GROWTH_TARGET = 1.5
CRAWL_LUA = run.ROOT / "bench" / "wrk" / "crawl.lua"
MODES = ("warm", "cold", "crawled")

# The addresses of each size: the pages measured and, for a crawl, many distinct addresses of
# the same kind. Run in `manage.py shell` on the size's database.
PICK = r"""
import json, math, random, re
from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import translation
from media_centre.models import Event, PressRelease
from media_centre.demo.builder import PREFIX

translation.activate("en")
QUERY, LIMIT = %(query)r, %(limit)d
size = settings.MEDIA_CENTRE_PAGE_SIZE
rng = random.Random(1)
releases = PressRelease.objects.published()
detail = (
    releases.filter(slug__startswith=PREFIX, pdf__isnull=False, event__isnull=False)
    .annotate(n=Count("quotes")).filter(n__gte=2).first()
    or releases.first()
)
years = sorted(d.year for d in releases.dates("release_date", "year"))
year = years[len(years) // 2 - 3] if len(years) > 6 else years[0]
deep = max(1, math.ceil(releases.filter(release_date__year=year).count() / size))
events = Event.objects.published()
event = (
    events.filter(slug__startswith=PREFIX)
    .annotate(n=Count("speakers")).filter(n__gte=3, releases__isnull=False).first()
    or events.first()
)
past = max(1, math.ceil(events.past().count() / size))
release_list = reverse("media_centre:release-list")
event_list = reverse("media_centre:event-list")
search = reverse("media_centre:search")


def sample(paths):
    paths = list(dict.fromkeys(paths))
    rng.shuffle(paths)
    return paths[:LIMIT]


lists = [f"{release_list}?page={n}" for n in range(2, math.ceil(releases.count() / size) + 1)]
for y in years:
    count = releases.filter(release_date__year=y).count()
    lists += [f"{release_list}?year={y}&page={n}" for n in range(1, math.ceil(count / size) + 1)]
words = set()
for headline in releases.values_list("headline_en", flat=True)[:20000]:
    words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", headline or ""))
print(json.dumps({
    "pages": {
        "home": "/en/",
        "release-list": release_list,
        "release-list-deep": f"{release_list}?year={year}&page={deep}",
        "release-detail": detail.get_absolute_url(),
        "event-detail": event.get_absolute_url(),
        "search": f"{search}?q={QUERY.replace(' ', '+')}",
        "past-events-last": f"{event_list}?when=past&page={past}",
        "sitemap-index": reverse("sitemap"),
        "sitemap-section": reverse("sitemap-section", kwargs={"section": "releases"}),
        "calendar": reverse("event-calendar"),
        "rss": reverse("media_centre:release-feed-rss"),
    },
    "crawl": {
        "release-detail": sample(r.get_absolute_url() for r in releases.order_by("?")[:LIMIT]),
        "release-list-deep": sample(lists),
        "event-detail": sample(e.get_absolute_url() for e in events.order_by("?")[:LIMIT]),
        "search": sample(f"{search}?q={w}" for w in sorted(words)),
        "past-events-last": sample(f"{event_list}?when=past&page={n}" for n in range(1, past + 1)),
    },
}))
"""

# Run by `growth.py --cold`, in the served site's settings and cache: each page's first request
# after a change, timed from here, with /healthz timed the same way between them.
COLD = r"""
import json, statistics, sys, time, urllib.request
import django
django.setup()
from django.core.cache import cache
from core.page_cache.generation import GENERATION_KEY

base, n, paths = sys.argv[1], int(sys.argv[2]), json.loads(sys.stdin.read())
headers = {"X-Forwarded-Proto": "https", "Accept-Language": "en"}


def timed(path):
    request = urllib.request.Request(base + path, headers=headers)
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        status = response.status
    return time.perf_counter() - started, status


out = {}
for name, path in paths.items():
    timed("/healthz")
    health, page, statuses = [], [], set()
    for _ in range(n):
        health.append(timed("/healthz")[0])
        cache.delete(GENERATION_KEY)  # what a save, an embargo lifting or midnight does
        seconds, status = timed(path)
        page.append(seconds)
        statuses.add(status)
    out[name] = {
        "healthz_ms": statistics.median(health) * 1000,
        "page_ms": statistics.median(page) * 1000,
        "statuses": sorted(statuses),
    }
print("COLD-JSON " + json.dumps(out))
"""


def pick(database: Path, query: str, limit: int) -> dict:
    env = run.environment(database, DJANGO_DEBUG="true")
    script = PICK % {"query": query, "limit": limit}
    out = run.run([run.PYTHON, "manage.py", "shell", "-c", script], env, quiet=True)
    return json.loads(out.strip().splitlines()[-1])


def fetch(base: str, path: str) -> int:
    """The first answer's status, waiting as long as a large archive's slowest page needs."""
    request = urllib.request.Request(base + path, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def drained(base: str, result: dict) -> dict:
    """`result`, once the requests wrk left queued are answered (a slow page's queue would
    otherwise be counted against the next measurement): /healthz waits behind them."""
    fetch(base, "/healthz")
    return result


def server_env(database: Path, cache_dir: Path) -> dict:
    return run.environment(database, **run.production_settings("false", cache_dir))


def crawl(binary: str, base: str, paths: list[str], seconds: int, args) -> dict:
    """wrk over `paths`, each thread taking every n-th one in turn (crawl.lua)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
        listing = f.name
    try:
        env = {
            **os.environ,
            "BENCH_PATHS": listing,
            "BENCH_THREADS": str(args.threads),
            "BENCH_METHOD": "GET",
        }
        cmd = [binary, f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s"]
        cmd += ["--timeout", "30s", "-s", str(CRAWL_LUA), base + paths[0]]
        out = subprocess.run(cmd, env=env, text=True, capture_output=True, check=False).stdout
    finally:
        os.unlink(listing)
    for line in out.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line.removeprefix("BENCH-JSON "))
    raise SystemExit(f"wrk printed no result for a crawl:\n{out}")


@dataclass
class Size:
    """One archive size: its database, its addresses, and (while measured) its server."""

    releases: int
    database: Path
    found: dict
    cache_dir: Path
    base: str = ""
    result: dict = field(default_factory=dict)


def prepare(releases: int, args) -> Size:
    database = run.build_database(releases, args.seed, args.rebuild)
    found = pick(database, args.growth_query, args.growth_crawl_limit)
    cache_dir = run.WORK / f"cache-growth-{releases}"
    shutil.rmtree(cache_dir, ignore_errors=True)
    size = Size(releases, database, found, cache_dir)
    size.result = {"releases": releases, "pages": {}, "paths": found["pages"], "healthz_rps": []}
    return size


def measure_page(binary: str, size: Size, name: str, args) -> None:
    """Warm, crawled and cold for one page on one size, each against a /healthz just before."""
    base, path, warmup = size.base, size.found["pages"][name], max(1, args.warmup)
    health = run.Page("healthz", "/healthz")
    status = fetch(base, path)
    healthz = drained(base, run.wrk(binary, base, health, args.duration, args))
    size.result["healthz_rps"].append(healthz["rps"])
    page = run.Page(name, path)
    drained(base, run.wrk(binary, base, page, warmup, args))
    warm = drained(base, run.wrk(binary, base, page, args.duration, args))
    row = {
        "path": path,
        "first_status": status,
        "healthz_rps": healthz["rps"],
        "warm": {**warm, "ratio": warm["rps"] / healthz["rps"]},
    }
    paths = size.found["crawl"].get(name)
    if paths:
        walked = drained(base, crawl(binary, base, paths, args.duration, args))
        walked["distinct"] = len(paths)
        walked["ratio"] = walked["rps"] / healthz["rps"]
        row["crawled"] = walked
    cold = subprocess.run(
        [run.PYTHON, "-c", COLD, base, str(args.growth_cold)],
        cwd=run.ROOT,
        env=server_env(size.database, size.cache_dir),
        input=json.dumps({name: path}),
        text=True,
        capture_output=True,
        check=False,
    )
    line = next((x for x in cold.stdout.splitlines() if x.startswith("COLD-JSON ")), None)
    if line is None:
        raise SystemExit(f"The cold requests failed:\n{cold.stdout}{cold.stderr}")
    times = json.loads(line.removeprefix("COLD-JSON "))[name]
    row["cold"] = {**times, "ratio": times["healthz_ms"] / times["page_ms"]}
    size.result["pages"][name] = row
    print(
        f"  {size.releases:>7} {name:<18} warm {row['warm']['ratio']:.3g}"
        + (f"  crawled {row['crawled']['ratio']:.3g}" if paths else "")
        + f"  cold {row['cold']['ratio']:.3g} ({times['page_ms']:.0f} ms)  (first: {status})"
    )


def measure(binary: str, sizes: list[Size], args) -> None:
    """Both servers up at once; each page measured on one size, then at once on the other, so
    that both see the machine in the same minute (one interleaved run)."""
    with contextlib.ExitStack() as stack:
        for size in sizes:
            log = run.WORK / f"gunicorn-growth-{size.releases}.log"
            _process, size.base = stack.enter_context(
                run.gunicorn(size.database, "false", log, size.cache_dir)
            )
        for name in sizes[0].found["pages"]:
            for size in sizes:
                measure_page(binary, size, name, args)


def growth_of(small: dict, large: dict, name: str, mode: str) -> float | None:
    a = small["pages"].get(name, {}).get(mode)
    b = large["pages"].get(name, {}).get(mode)
    if not a or not b or not b["ratio"]:
        return None
    return a["ratio"] / b["ratio"]


def markdown(report: dict) -> str:
    small, large = report["sizes"]
    facts = report["machine"]
    lines = [
        f"# Archive growth, {report['started']}",
        "",
        f"{facts['cpu']}, {facts['cores']} cores, load average at start "
        f"{' '.join(f'{x:.2f}' for x in facts['load_average'])}; commit "
        f"{facts['git_commit'][:12]}. gunicorn as in production, page cache off; wrk "
        f"{facts['wrk_threads']} threads, {facts['wrk_connections']} connections, "
        f"{facts['duration_s']} s per page and mode.",
        "",
        "Ratios to /healthz of the same server, the two sizes measured one after the other for "
        "each page: warm and crawled by throughput under wrk, against /healthz under wrk just "
        f"before (median {statistics.median(small['healthz_rps']):.0f} and "
        f"{statistics.median(large['healthz_rps']):.0f} req/s); cold by the median time of "
        f"{report['cold_requests']} sequential requests, each right after the page cache's "
        "generation ended, against /healthz timed between them. Growth = "
        f"ratio at {small['releases']:,} ÷ ratio at {large['releases']:,} releases; target "
        f"≤ {GROWTH_TARGET}×.",
        "",
        f"| page | mode | {small['releases']:,} | {large['releases']:,} | growth | note |",
        "|---|---|---:|---:|---:|---|",
    ]
    for name in small["pages"]:
        for mode in MODES:
            a = small["pages"][name].get(mode)
            b = large["pages"].get(name, {}).get(mode)
            if not a or not b:
                continue
            growth = growth_of(small, large, name, mode)
            if growth is None:  # no request finished in time at the large size
                shown = "– ✗"
            else:
                shown = f"{growth:.2f}× {'✓' if growth <= GROWTH_TARGET else '✗'}"
            note = ""
            if mode == "cold":
                note = f"{a['page_ms']:.0f} → {b['page_ms']:.0f} ms"
            elif mode == "crawled":
                note = f"{a['distinct']} / {b['distinct']} addresses"
            lines.append(
                f"| {name} | {mode} | {a['ratio']:.3g} | {b['ratio']:.3g} | {shown} | {note} |"
            )
    lines += ["", "Addresses:", ""]
    for size in report["sizes"]:
        lines.append(
            f"- {size['releases']:,} releases: "
            + ", ".join(f"{name} `{path}`" for name, path in size["paths"].items())
        )
    lines.append("")
    return "\n".join(lines)


def main(args) -> None:
    import datetime as dt

    started = dt.datetime.now(dt.UTC)
    binary = run.ensure_wrk()
    sizes = [int(x) for x in args.growth_sizes.split(",")]
    if len(sizes) != 2:
        raise SystemExit("--growth-sizes takes two sizes, e.g. 2000,20000")
    report = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": run.machine(args),
        "cold_requests": args.growth_cold,
        "sizes": [],
    }
    prepared = [prepare(releases, args) for releases in sizes]
    began = time.monotonic()
    measure(binary, prepared, args)
    report["seconds"] = round(time.monotonic() - began, 1)
    report["sizes"] = [size.result for size in prepared]
    report["growth"] = {
        name: {mode: growth_of(*report["sizes"], name, mode) for mode in MODES}
        for name in report["sizes"][0]["pages"]
    }
    run.RESULTS.mkdir(exist_ok=True)
    stem = "growth-" + started.strftime("%Y%m%dT%H%M%SZ")
    text = markdown(report)
    (run.RESULTS / f"{stem}.md").write_text(text)
    (run.RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2))
    for suffix in (".md", ".json"):
        (run.RESULTS / f"growth-latest{suffix}").write_text(
            (run.RESULTS / f"{stem}{suffix}").read_text()
        )
    print()
    print(text)
    print(f"Written bench/results/{stem}.md and .json (also growth-latest.md, .json).")


if __name__ == "__main__":
    sys.exit("Run it as: .venv/bin/python bench/run.py --growth")
