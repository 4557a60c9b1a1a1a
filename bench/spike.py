"""The front server and the news spike, for bench/run.py.

nginx() serves the benchmark's gunicorn through Debian's nginx with deploy/'s configuration
(bin/with-nginx); spike() sends journalists' traffic through it for a minute at hundreds of
connections, optionally while a publisher publishes a release every few seconds (publisher.py).
"""

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK = ROOT / "bench" / "wrk"

# How journalists arrive when a release is news: shares of requests (the mix).
SEARCH_TERMS = [
    "carbon markets",
    "green finance",
    "fintech",
    "insurance",
    "wealth management",
    "bond",
    "Greater Bay Area",
    "RMB",
    "asset management",
    "family office",
    "sustainable",
    "talent",
    "stock connect",
    "tokenisation",
    "pension",
    "commodities",
    "data",
    "policy",
    "forum",
    "xyzzy",
]
FEEDS = [
    "/en/media-centre/press-releases/feed.rss",
    "/en/media-centre/press-releases/feed.atom",
]
CONSENT_BODY = "action=accept-all&method=banner&next=%2Fen%2F&page=%2Fen%2F"
# What journalists' browsers carry: a returning visitor's consent cookie, and an analytics
# cookie set on another of the institution's sites. (A session cookie makes nginx ask Django,
# which then checks it: bench/stampede.py measures a made-up one.)
COOKIES = {
    "consent": "newsroom_consent=v1.necessary.analytics",
    "analytics": "_ga=GA1.1.1234567890.1764800000",
}


def mix(newest: str, document: str) -> list[tuple[float, str, str, str, str]]:
    """(weight, method, path, body, cookie): 85% the newest release (of which 8 points carry the
    consent cookie and 5 an analytics cookie), 5% home, 4% its PDF, 3% consent choices,
    2% search with varied terms, 1% feeds; 13% of requests carry a cookie."""
    rows = [
        (72.0, "GET", newest, "", ""),
        (8.0, "GET", newest, "", COOKIES["consent"]),
        (5.0, "GET", newest, "", COOKIES["analytics"]),
        (5.0, "GET", "/en/", "", ""),
        (4.0, "GET", document, "", ""),
        (3.0, "POST", "/consent/", CONSENT_BODY, ""),
    ]
    rows += [
        (2.0 / len(SEARCH_TERMS), "GET", f"/en/search/?q={term.replace(' ', '+')}", "", "")
        for term in SEARCH_TERMS
    ]
    rows += [(1.0 / len(FEEDS), "GET", feed, "", "") for feed in FEEDS]
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def nginx(upstreams: list[str], media_root: Path, download_log: Path, log: Path):
    """deploy/nginx's locations in front of `upstreams`; yields nginx's base URL."""
    port = free_port()
    env = {
        **os.environ,
        "NGINX_PORT": str(port),
        "DJANGO_MEDIA_ROOT": str(media_root),
        "NGINX_DOWNLOAD_LOG": str(download_log),
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(ROOT / "bin" / "with-nginx"), ",".join(upstreams), "sleep", "infinity"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so that stopping it stops `sleep` and runs its clean-up
        )
    try:
        deadline = time.monotonic() + 120  # the first run may install nginx
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"nginx did not start (bin/with-nginx); see {log}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def publishing(env: dict[str, str], every: float):
    """A publisher publishing a new release every `every` seconds; yields a function that
    stops it and returns how many it published."""
    process = subprocess.Popen(
        [env.get("BENCH_PYTHON", "python"), str(ROOT / "bench" / "publisher.py"), str(every)],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    published: list[int] = []

    def stop() -> int:
        if not published:
            process.send_signal(signal.SIGINT)
            out, _ = process.communicate(timeout=60)
            lines = [line for line in out.splitlines() if line.startswith("PUBLISHED ")]
            published.append(int(lines[-1].split()[1]) if lines else 0)
            if process.returncode not in (0, -signal.SIGINT):
                raise SystemExit(f"bench/publisher.py failed:\n{out}")
        return published[0]

    try:
        yield stop
    finally:
        if process.poll() is None:
            stop()


def run_wrk(binary: str, url: str, rows, seconds: int, connections: int, threads: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as out:
        for weight, method, path, body, cookie in rows:
            out.write(f"{weight}\t{method}\t{path}\t{body}\t{cookie}\n")
    env = {
        **os.environ,
        "BENCH_SPIKE_MIX": out.name,
        "BENCH_REPORT_LUA": str(WRK / "report.lua"),
    }
    cmd = [
        binary, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(WRK / "spike.lua"), url,
    ]  # fmt: skip
    try:
        result = subprocess.run(cmd, env=env, text=True, capture_output=True, check=False)
    finally:
        os.unlink(out.name)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line.removeprefix("BENCH-JSON "))
    raise SystemExit(f"wrk printed no result for the spike:\n{result.stdout}{result.stderr}")


def shuffle_check(rows) -> list[str]:
    """A few distinct addresses of the mix, to ask once before the run (warming nothing more
    than a journalist's first visit would)."""
    paths = sorted({(method, path) for _, method, path, _, _ in rows if method == "GET"})
    random.Random(1).shuffle(paths)
    return [path for _, path in paths]
