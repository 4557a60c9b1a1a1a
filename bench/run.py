"""The load benchmark: each kind of page under wrk, served by gunicorn as in production.

    .venv/bin/python bench/run.py [--releases 20000] [--seed 1] [--duration 10] ...

Builds (once) a database with the seed and a demo archive, serves it with gunicorn's production
configuration, once with the page cache off and once on, and writes bench/results/. See
bench/README.md for what the columns mean.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import alerts  # bench/alerts.py, beside this script
import spike  # bench/spike.py
from jwcrypto import jwk

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
MEDIA = WORK / "media"
DOWNLOAD_LOG = WORK / "nginx-downloads.log"
# Behind nginx, as README's deployment sets it: public downloads answered from nginx's cache,
# previews handed over by X-Accel-Redirect, downloads counted from nginx's log (by the worker).
BEHIND_NGINX = {
    "MEDIA_CENTRE_SENDFILE": "x-accel-redirect",
    "MEDIA_CENTRE_FRONT_CACHE_SECONDS": "1",
    "MEDIA_CENTRE_DOWNLOAD_LOG": str(DOWNLOAD_LOG),
}
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk" / "report.lua"
PYTHON = sys.executable

# The baseline every ratio is a share of: a minimal Django view with no middleware (bench/wsgi.py),
# served by the same gunicorn in the same run.
BASELINE = "minimal"
# The targets (issues 9 and 19): throughput as a share of the baseline's, by page, with the page
# cache off ("false") and on ("true"), straight to gunicorn ("direct") and through nginx.
PAGE_TARGETS = {
    "release-list": 0.25,
    "release-list-deep": 0.25,
    "release-detail": 0.25,
    "event-detail": 0.25,
    "home": 0.25,
    "search": 0.1,
    "download": 0.5,
    "consent-post": 0.3,
}
# Pages answered from the page cache (issue 9): a share of /healthz, not of the minimal view.
CACHED_TARGET = 0.8
CACHED_PAGES = {"release-list", "release-list-deep", "release-detail"}
ALWAYS_UNCACHED = {"download", "consent-post"}  # never stored pages, whatever the mode
NGINX_TARGETS = {"download": 2.0}  # nginx sends the bytes: twice the minimal Django view
TAIL_FACTOR = 10
TAIL_FLOOR_MS = 10  # a p99 under this is no tail, whatever the p50 (nginx answers in 0.2 ms)
# The news spike: no errors, p99 under this, memory flat (growth under this share).
SPIKE_P99_MS = 250
SPIKE_MEMORY_GROWTH = 0.10


@dataclass
class Page:
    name: str
    path: str
    method: str = "GET"
    body: str = ""
    note: str = ""


@dataclass
class Memory:
    """RSS (and PSS) of the gunicorn master and its workers, sampled in the background."""

    pid: int | list[int]  # gunicorn's master, or each app server's
    interval: float = 0.5
    samples: list[tuple[float, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Memory":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), *self.now()))
            self._stop.wait(self.interval)

    def now(self) -> tuple[int, int]:
        """(RSS, PSS) in kB of the master and every process whose parent it is."""
        rss = pss = 0
        masters = self.pid if isinstance(self.pid, list) else [self.pid]
        for pid in [pid for master in masters for pid in [master, *children(master)]]:
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            for line in text.splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        return rss, pss

    def between(self, start: float, end: float) -> list[tuple[float, int, int]]:
        return [s for s in self.samples if start <= s[0] <= end]


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def run(cmd: list[str], env: dict | None = None, quiet: bool = False) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, text=True, capture_output=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"Failed: {' '.join(cmd)}")
    if not quiet:
        sys.stdout.write(result.stdout)
    return result.stdout


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("Installing wrk from Debian's packages (apt-get install -y wrk)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    install = [*sudo, "apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, env=env, check=False, capture_output=True).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(install, env=env, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: apt-get install wrk")
    return found


# Production refuses to start without a key to sign what is published: one for the whole run, so
# that several app servers sign alike.
SIGNING_KEY = jwk.JWK.generate(kty="OKP", crv="Ed25519").export_private()


def environment(database: Path, **more: str) -> dict[str, str]:
    return {
        **os.environ,
        "NEWSROOM_SIGNING_KEY": SIGNING_KEY,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_MEDIA_ROOT": str(MEDIA),
        "BENCH_STATIC_ROOT": str(WORK / "static"),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        **more,
    }


def build_database(releases: int, seed: int, rebuild: bool) -> Path:
    """migrate, load_seed and generate_demo once per (releases, seed); collectstatic each run."""
    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / f"bench-{releases}-{seed}.sqlite3"
    stamp = database.with_suffix(".json")
    wanted = {"releases": releases, "seed": seed}
    env = environment(database, DJANGO_DEBUG="true")
    fresh = rebuild or not database.exists() or not stamp.exists()
    if not fresh and json.loads(stamp.read_text()) != wanted:
        fresh = True
    if fresh:
        for old in WORK.glob(f"{database.name}*"):
            old.unlink()
        stamp.unlink(missing_ok=True)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([PYTHON, "manage.py", "load_seed"], env, quiet=True)
    if fresh:
        print(f"Building the bench database: {releases} demo releases (seed {seed})")
        started = time.perf_counter()
        out = run(
            [PYTHON, "manage.py", "generate_demo", f"--releases={releases}", f"--seed={seed}"],
            env,
            quiet=True,
        )
        print(out.strip().splitlines()[-1], f"(whole step {time.perf_counter() - started:.0f} s)")
        stamp.write_text(json.dumps(wanted))
    else:
        print(f"Reusing {database.relative_to(ROOT)} ({releases} releases, seed {seed})")
    production = environment(
        database,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], production)
    return database


PICK_PAGES = r"""
import json, math
from django.conf import settings
from django.db.models import Count
from media_centre.models import Document, Event, PressRelease
from media_centre.demo.builder import PREFIX

releases = PressRelease.objects.published()
detail = (
    releases.filter(slug__startswith=PREFIX, pdf__isnull=False, event__isnull=False)
    .annotate(n=Count("quotes")).filter(n__gte=2).first()
    or releases.first()
)
years = sorted(d.year for d in releases.dates("release_date", "year"))
year = years[len(years) // 2 - 3] if len(years) > 6 else years[0]
pages = max(1, math.ceil(releases.filter(release_date__year=year).count()
                         / settings.MEDIA_CENTRE_PAGE_SIZE))
event = (
    Event.objects.published().filter(slug__startswith=PREFIX)
    .annotate(n=Count("speakers")).filter(n__gte=3, releases__isnull=False).first()
    or Event.objects.published().first()
)
document = (
    Document.objects.public()
    .filter(file__contains="/" + PREFIX, release_pdf_of__isnull=False).first()
    or Document.objects.public().first()
)
newest = releases.order_by("-release_date", "-publish_at").first()
print(json.dumps({
    "newest": newest.get_absolute_url(),
    "release": detail.get_absolute_url(),
    "year": year, "page": pages,
    "event": event.get_absolute_url(),
    "document": document.get_absolute_url(),
}))
"""


def pick_pages(database: Path, query: str) -> tuple[dict, list[Page]]:
    """The addresses the pick found (JSON above), and the pages measured."""
    env = environment(database, DJANGO_DEBUG="true")
    out = run([PYTHON, "manage.py", "shell", "-c", PICK_PAGES], env, quiet=True)
    found = json.loads(out.strip().splitlines()[-1])
    return found, [
        Page(BASELINE, "/__bench/minimal", note="a Django view with no middleware: the baseline"),
        Page("healthz", "/healthz", note="liveness, through all the middleware"),
        Page("home", "/en/"),
        Page("release-list", "/en/media-centre/press-releases/"),
        Page(
            "release-list-deep",
            f"/en/media-centre/press-releases/?year={found['year']}&page={found['page']}",
            note=f"year {found['year']}, last page ({found['page']})",
        ),
        Page("release-detail", found["release"]),
        Page("event-detail", found["event"]),
        Page("search", f"/en/search/?q={query.replace(' ', '+')}", note=f"q={query}"),
        Page("rss", "/en/media-centre/press-releases/feed.rss"),
        Page("sitemap", "/sitemap.xml"),
        Page("download", found["document"], note="a demo PDF"),
        Page(
            "consent-post",
            "/consent/",
            method="POST",
            body="action=accept-all&method=banner&next=%2Fen%2F&page=%2Fen%2F",
            note="accept all, answered 303",
        ),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(base: str, page: Page) -> int:
    request = urllib.request.Request(
        base + page.path,
        method=page.method,
        data=page.body.encode() or None,
        headers={"X-Forwarded-Proto": "https", "Sec-Fetch-Site": "same-origin"},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def production_settings(page_cache: str, cache_dir: Path, **more: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "NEWSROOM_PAGE_CACHE": page_cache,
        "DJANGO_CACHE_DIR": str(cache_dir),
        "DJANGO_LOG_LEVEL": "ERROR",
        **more,
    }


@contextlib.contextmanager
def gunicorn(database: Path, page_cache: str, log: Path, cache_dir: Path, **more: str):
    """gunicorn as production runs it; behind nginx (`front="nginx"`) files are handed over."""
    port = free_port()
    env = environment(
        database,
        **production_settings(page_cache, cache_dir, GUNICORN_BIND=f"127.0.0.1:{port}", **more),
    )
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "bench.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if fetch(base, Page("healthz", "/healthz")) == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log}")
            time.sleep(0.2)
        yield process, base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wrk(binary: str, base: str, page: Page, seconds: float, args) -> dict:
    env = {
        **os.environ,
        "BENCH_METHOD": page.method,
        "BENCH_BODY": page.body,
        "BENCH_SEC_FETCH_SITE": "same-origin" if page.method == "POST" else "",
    }
    cmd = [
        binary,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        base + page.path,
    ]
    out = subprocess.run(cmd, env=env, text=True, capture_output=True, check=False).stdout
    for line in out.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line.removeprefix("BENCH-JSON "))
    raise SystemExit(f"wrk printed no result for {page.name}:\n{out}")


def measure(binary: str, database: Path, pages: list[Page], page_cache: str, args) -> dict:
    log = WORK / f"gunicorn-cache-{page_cache}.log"
    # Production's file cache, empty at the start of each mode and outside the repository's .cache/.
    cache_dir = WORK / f"cache-{page_cache}"
    shutil.rmtree(cache_dir, ignore_errors=True)
    rows, samples = [], []
    fronts = ["direct"]
    if page_cache in args.nginx_modes.split(","):
        fronts += ["nginx"] + (["nginx, 2 app servers"] if args.app_servers > 1 else [])
    started = time.monotonic()
    for front in fronts:
        servers = args.app_servers if front.startswith("nginx, ") else 1
        more = BEHIND_NGINX if front != "direct" else {}
        with contextlib.ExitStack() as stack:
            # Several app servers share the database and the cache, as they share PostgreSQL and
            # Redis in production (make test-cluster proves that part with them).
            started_servers = [
                stack.enter_context(
                    gunicorn(
                        database,
                        page_cache,
                        log.with_name(f"{log.stem}-{front.split(',')[0]}-{number}.log"),
                        cache_dir / front.split(",")[0],
                        **more,
                    )
                )
                for number in range(servers)
            ]
            base = started_servers[0][1]
            if front != "direct":
                print(f"  through {front}:")
                base = stack.enter_context(
                    spike.nginx(
                        [url.removeprefix("http://") for _, url in started_servers],
                        MEDIA,
                        DOWNLOAD_LOG,
                        WORK / "nginx.log",
                    )
                )
            pids = [process.pid for process, _ in started_servers]
            memory = Memory(pids).start()
            for page in pages:
                if front != "direct" and page.name == BASELINE:
                    continue  # the baseline is Django's; through nginx it waits on its cache lock
                rows.append(measure_page(binary, base, page, memory, args) | {"front": front})
            memory.stop()
            if front == "direct":
                workers = len(children(pids[0]))
            samples += memory.samples
    baseline = next((r["rps"] for r in rows if r["page"] == BASELINE and r["front"] == "direct"), 0)
    healthz = next((r["rps"] for r in rows if r["page"] == "healthz" and r["front"] == "direct"), 0)
    for row in rows:
        row["ratio"] = row["rps"] / (baseline or 1)
        row["ratio_healthz"] = row["rps"] / healthz if healthz else None
        row["targets"] = targets(row, page_cache)
    return {
        "page_cache": page_cache,
        "workers": workers,
        "seconds": round(time.monotonic() - started, 1),
        "rss_peak_kb": max((s[1] for s in samples), default=0),
        "rss_first_kb": samples[0][1] if samples else 0,
        "rss_last_kb": samples[-1][1] if samples else 0,
        "pss_peak_kb": max((s[2] for s in samples), default=0),
        "memory_samples": [(round(t - samples[0][0], 2), r, p) for t, r, p in samples],
        "pages": rows,
    }


def measure_page(binary: str, base: str, page: Page, memory: Memory, args) -> dict:
    status = fetch(base, page)
    if args.warmup:
        wrk(binary, base, page, args.warmup, args)
    begin = time.monotonic()
    result = wrk(binary, base, page, args.duration, args)
    end = time.monotonic()
    during = memory.between(begin, end) or [(end, *memory.now())]
    print(
        f"  {page.name:<18} {result['rps']:>9.1f} req/s  p50 {result['p50_ms']:.1f} ms"
        f"  p99 {result['p99_ms']:.1f} ms  errors {result['errors']}  (first: {status})"
    )
    return {
        "page": page.name,
        "path": page.path,
        "method": page.method,
        "note": page.note,
        "first_status": status,
        **result,
        "rss_start_kb": during[0][1],
        "rss_end_kb": during[-1][1],
        "rss_peak_kb": max(s[1] for s in during),
        "pss_start_kb": during[0][2],
        "pss_end_kb": during[-1][2],
    }


def measure_spike(binary: str, database: Path, found: dict, args) -> dict:
    """The news spike through nginx, page cache on: quiet, then with a publisher at work."""
    log = WORK / "gunicorn-spike.log"
    cache_dir = WORK / "cache-spike"
    shutil.rmtree(cache_dir, ignore_errors=True)
    rows = spike.mix(found["newest"], found["document"])
    runs = []
    more = BEHIND_NGINX
    with gunicorn(database, "true", log, cache_dir, **more) as (process, base):
        baseline = wrk(binary, base, Page(BASELINE, "/__bench/minimal"), args.duration, args)
        with spike.nginx(
            [base.removeprefix("http://")], MEDIA, DOWNLOAD_LOG, WORK / "nginx.log"
        ) as front:
            for path in spike.shuffle_check(rows):
                fetch(front, Page("check", path))
            for publishing in (False, True):
                label = f"publishing every {args.publish_every:g} s" if publishing else "quiet"
                print(f"  spike, {label}: {args.spike_connections} connections, "
                      f"{args.spike_duration} s")  # fmt: skip
                memory = Memory(process.pid).start()
                with contextlib.ExitStack() as stack:
                    stop = None
                    if publishing:
                        env = environment(database, **production_settings("true", cache_dir))
                        env["BENCH_PYTHON"] = PYTHON
                        stop = stack.enter_context(spike.publishing(env, args.publish_every))
                    result = spike.run_wrk(
                        binary, front, rows, args.spike_duration, args.spike_connections,
                        args.threads,
                    )  # fmt: skip
                    published = stop() if stop else 0
                memory.stop()
                samples = memory.samples or [(0, *memory.now())]
                run_row = {
                    "label": label,
                    "published": published,
                    **result,
                    "ratio": result["rps"] / (baseline["rps"] or 1),
                    "rss_start_kb": samples[0][1],
                    "rss_end_kb": samples[-1][1],
                    "rss_peak_kb": max(s[1] for s in samples),
                }
                growth = run_row["rss_end_kb"] / (run_row["rss_start_kb"] or 1) - 1
                run_row["targets"] = {
                    "errors": result["errors"] == 0,
                    "p99": result["p99_ms"] < SPIKE_P99_MS,
                    "memory": growth <= SPIKE_MEMORY_GROWTH,
                }
                runs.append(run_row)
                print(
                    f"    {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, p99 "
                    f"{result['p99_ms']:.1f} ms, errors {result['errors']} (timeouts "
                    f"{result['timeouts']}, connect {result['connect_errors']}, read "
                    f"{result['read_errors']}), statuses "
                    f"{result['statuses']}, RSS {samples[0][1] / 1024:.0f}→"
                    f"{samples[-1][1] / 1024:.0f} MB, published {published}"
                )
    return {"baseline_rps": baseline["rps"], "mix": rows, "runs": runs}


def targets(row: dict, page_cache: str) -> dict[str, bool]:
    checks = {
        "tail": row["p99_ms"] <= max(TAIL_FACTOR * row["p50_ms"], TAIL_FLOOR_MS),
        "errors": row["errors"] == 0,
        # wrk counts no timeout for a request still running when the time is up.
        "answered": row["requests"] > 0,
    }
    wanted = ratio_target(row["page"], row["front"], page_cache)
    if wanted is not None:
        checks["ratio"] = row["ratio"] >= wanted
    row["ratio_target"] = wanted
    if row["front"] == "direct" and page_cache == "true" and row["page"] in CACHED_PAGES:
        # Issue 9's target for stored pages is a share of /healthz, which goes through all the
        # middleware a stored page skips most of.
        checks["cached"] = (row["ratio_healthz"] or 0) >= CACHED_TARGET
    return checks


def ratio_target(page: str, front: str, page_cache: str) -> float | None:
    """The share of the baseline a page must reach, if it has a target."""
    if front != "direct":
        return NGINX_TARGETS.get(page)
    if page_cache == "true" and page not in ALWAYS_UNCACHED:
        return None  # stored pages: see "cached" in targets()
    return PAGE_TARGETS.get(page)


def machine(args) -> dict:
    def version(module: str) -> str:
        code = f"import {module}; print({module}.__version__)"
        return subprocess.run(
            [PYTHON, "-c", code], text=True, capture_output=True, check=False
        ).stdout.strip()

    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, text=True, capture_output=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=False,
    ).stdout.strip()
    wrk_version = subprocess.run(
        [shutil.which("wrk") or "wrk", "-v"], text=True, capture_output=True, check=False
    )
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "load_average": os.getloadavg(),
        "memory_total_kb": int(Path("/proc/meminfo").read_text().split()[1]),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": version("django"),
        "gunicorn": version("gunicorn"),
        "wrk": " ".join((wrk_version.stdout + wrk_version.stderr).split()[:2]),
        "git_commit": commit + ("+changes" if dirty else ""),
        "releases": args.releases,
        "seed": args.seed,
        "wrk_threads": args.threads,
        "wrk_connections": args.connections,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
    }


def mark(row: dict, name: str) -> str:
    if name not in row["targets"]:
        return ""
    return " ✓" if row["targets"][name] else " ✗"


def markdown(report: dict) -> str:
    facts = report["machine"]
    lines = [
        f"# Load benchmark, {report['started']}",
        "",
        f"{facts['cpu']}, {facts['cores']} cores, load average at start "
        f"{' '.join(f'{x:.2f}' for x in facts['load_average'])}; Python {facts['python']}, "
        f"Django {facts['django']}, gunicorn {facts['gunicorn']}, {facts['wrk']}; "
        f"commit {facts['git_commit'][:12]}.",
        f"{facts['releases']} demo releases (seed {facts['seed']}); wrk {facts['wrk_threads']} "
        f"threads, {facts['wrk_connections']} connections, {facts['duration_s']} s per page "
        f"after {facts['warmup_s']} s of warm-up.",
        "",
    ]
    if facts["load_average"][0] > facts["cores"] / 2:
        lines += [
            f"**The machine was busy** (load average {facts['load_average'][0]:.1f} on "
            f"{facts['cores']} cores): these numbers are noisy; compare ratios, not req/s.",
            "",
        ]
    for mode in report["modes"]:
        cached = mode["page_cache"] == "true"
        lines += [
            f"## Page cache {'on' if cached else 'off'} (NEWSROOM_PAGE_CACHE={mode['page_cache']})",
            "",
            f"{mode['workers']} gunicorn workers. Memory (RSS of master and workers): "
            f"{mode['rss_first_kb'] / 1024:.0f} MB at the start, "
            f"{mode['rss_last_kb'] / 1024:.0f} MB at the end, peak "
            f"{mode['rss_peak_kb'] / 1024:.0f} MB (PSS peak {mode['pss_peak_kb'] / 1024:.0f} MB).",
            "",
            "| page | front | req/s | ratio | target | p50 ms | p95 ms | p99 ms | errors "
            "| peak RSS MB | RSS start→end MB | targets |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in mode["pages"]:
            failed = [name for name, ok in row["targets"].items() if not ok]
            verdict = "pass" if not failed else "FAIL: " + ", ".join(failed)
            lines.append(
                f"| {row['page']} | {row['front']} | {row['rps']:.0f} "
                f"| {row['ratio']:.2f}{mark(row, 'ratio')} "
                f"| {target_text(row)} "
                f"| {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
                f"| {row['p99_ms']:.1f}{mark(row, 'tail')} | {row['errors']}{mark(row, 'errors')} "
                f"| {row['rss_peak_kb'] / 1024:.0f} "
                f"| {row['rss_start_kb'] / 1024:.0f}→{row['rss_end_kb'] / 1024:.0f} | {verdict} |"
            )
        lines += ["", "Pages:", ""]
        lines += [
            f"- {row['page']}: `{row['method']} {row['path']}`"
            + (f" ({row['note']})" if row["note"] else "")
            + f", first answer {row['first_status']}"
            for row in mode["pages"]
            if row["front"] == "direct"
        ]
        lines.append("")
    if "spike" in report:
        lines += spike_markdown(report["spike"])
    lines += [
        f"Ratios are shares of `{BASELINE}` (a Django view with no middleware) served straight by "
        "the same gunicorn in the same mode. Targets: the `target` column; p99 ≤ "
        f"{TAIL_FACTOR}× p50 (or under {TAIL_FLOOR_MS} ms); no errors (socket errors and answers "
        "outside 2xx/3xx).",
        "",
    ]
    return "\n".join(lines)


def target_text(row: dict) -> str:
    if row.get("ratio_target") is not None:
        return f"≥ {row['ratio_target']:g}"
    if "cached" in row["targets"]:
        return f"≥ {CACHED_TARGET:g} of healthz ({row['ratio_healthz']:.2f}){mark(row, 'cached')}"
    return ""


def spike_markdown(result: dict) -> list[str]:
    lines = [
        "## The news spike, through nginx (page cache on)",
        "",
        "Each request drawn from: "
        + "; ".join(
            f"{weight:g}% {method} {path}" + (" with a cookie" if cookie else "")
            for weight, method, path, _, cookie in result["mix"][:6]
        )
        + f"; 2% search over {len(spike.SEARCH_TERMS)} terms; 1% feeds. "
        f"Baseline (`{BASELINE}` direct) {result['baseline_rps']:.0f} req/s.",
        "",
        "| run | published | req/s | ratio | p50 ms | p99 ms | errors | statuses "
        "| RSS start→end (peak) MB | targets |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for run_row in result["runs"]:
        failed = [name for name, ok in run_row["targets"].items() if not ok]
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(run_row["statuses"].items()))
        lines.append(
            f"| {run_row['label']} | {run_row['published']} | {run_row['rps']:.0f} "
            f"| {run_row['ratio']:.2f} | {run_row['p50_ms']:.1f} "
            f"| {run_row['p99_ms']:.1f}{mark(run_row, 'p99')} "
            f"| {run_row['errors']}{mark(run_row, 'errors')} | {statuses} "
            f"| {run_row['rss_start_kb'] / 1024:.0f}→{run_row['rss_end_kb'] / 1024:.0f} "
            f"({run_row['rss_peak_kb'] / 1024:.0f}){mark(run_row, 'memory')} "
            f"| {'pass' if not failed else 'FAIL: ' + ', '.join(failed)} |"
        )
    lines += [
        "",
        f"Targets: no errors, p99 under {SPIKE_P99_MS} ms, memory flat (RSS of gunicorn's master "
        f"and workers grows by at most {SPIKE_MEMORY_GROWTH:.0%} over the run).",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each page")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--modes", default="false,true", help="NEWSROOM_PAGE_CACHE values")
    parser.add_argument("--pages", default="", help="only these pages (comma-separated)")
    parser.add_argument("--query", default="carbon markets", help="the search page's query")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument(
        "--nginx-modes", default="true", help="page cache modes also measured through nginx"
    )
    parser.add_argument(
        "--app-servers", type=int, default=2, help="gunicorns behind nginx in the last front"
    )
    parser.add_argument("--spike-duration", type=int, default=60, help="seconds (0: skip)")
    parser.add_argument("--spike-connections", type=int, default=512)
    parser.add_argument("--publish-every", type=float, default=10.0, help="seconds")
    parser.add_argument(
        "--alerts", type=int, default=10_000, help="subscribers one alert goes to (0: skip)"
    )
    parser.add_argument(
        "--growth", action="store_true", help="each page at two archive sizes (bench/growth.py)"
    )
    parser.add_argument("--growth-sizes", default="2000,20000", help="the two sizes (releases)")
    parser.add_argument("--growth-query", default="market", help="a common word, for search")
    parser.add_argument("--growth-cold", type=int, default=15, help="cold requests per page")
    parser.add_argument(
        "--growth-crawl-limit", type=int, default=3000, help="distinct addresses per crawl"
    )
    args = parser.parse_args()
    if args.growth:
        import growth  # bench/growth.py

        growth.main(args)
        return

    started = dt.datetime.now(dt.UTC)
    binary = ensure_wrk()
    database = build_database(args.releases, args.seed, args.rebuild)
    found, pages = pick_pages(database, args.query)
    if args.pages:
        wanted = set(args.pages.split(","))
        pages = [p for p in pages if p.name in wanted or p.name == BASELINE]
    report = {"started": started.strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(args)}
    report["modes"] = []
    for page_cache in args.modes.split(","):
        print(f"Page cache {'on' if page_cache == 'true' else 'off'}:")
        report["modes"].append(measure(binary, database, pages, page_cache, args))
    if args.spike_duration:
        print("The news spike, through nginx:")
        report["spike"] = measure_spike(binary, database, found, args)
    if args.alerts:
        print(f"Email alerts: one worker sending an alert to {args.alerts} subscribers")
        report["alerts"] = alerts.measure(args.alerts)
    report["seconds"] = round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1)

    RESULTS.mkdir(exist_ok=True)
    stem = started.strftime("%Y%m%dT%H%M%SZ")
    text = markdown(report)
    if "alerts" in report:
        text += "\n" + alerts.markdown(report["alerts"])
    (RESULTS / f"{stem}.md").write_text(text)
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2))
    shutil.copyfile(RESULTS / f"{stem}.md", RESULTS / "latest.md")
    shutil.copyfile(RESULTS / f"{stem}.json", RESULTS / "latest.json")
    print()
    print(text)
    print(
        f"Written bench/results/{stem}.md and .json (also latest.md, latest.json), "
        f"in {report['seconds']:.0f} s."
    )


if __name__ == "__main__":
    main()
