"""Faults and floods as a visitor meets them: how many requests, how many 5xx, what was lost.

    .venv/bin/python bench/faults.py [--root PATH] [--out FILE]

Serves the seed with gunicorn (production settings, two workers, the page cache on, Django's
cache in a Redis of its own) on SQLite in a temporary folder, then, one after another: stops
Redis, freezes it, floods the consent endpoint as one visitor and as a scanner, fetches the
consent stylesheet with `Sec-GPC: 1` as a page of another site embedding it would, sends
made-up session cookies, and serves the database from a disk mounted read-only (needs root).
`--root` measures another checkout with this script (the code before a change), so before and
after come from the same measurement. Writes a Markdown table to stdout (and --out).
"""

import argparse
import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

from jwcrypto import jwk

HERE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = [
    "/en/",
    "/zh-hant/",
    "/en/media-centre/press-releases/",
    "/zh-hans/media-centre/press-releases/",
    "/en/media-centre/events/",
    "/en/search/?q=fsdc",
    "/consent/state.css",
    "/sitemap.xml",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    def __init__(self, root: Path, work: Path):
        self.root, self.work = root, work
        self.redis_port, self.port = free_port(), free_port()
        self.database = work / "disk" / "db.sqlite3"
        self.server = None
        self.clients = 0

    @property
    def address(self) -> str:
        return f"198.51.100.{self.clients % 250 + 1}"

    def next_client(self) -> None:
        self.clients += 1

    def env(self, database: Path | None = None) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_"))},
            "PYTHONPATH": str(self.root),
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "faults-" + "x" * 50,
            "NEWSROOM_SIGNING_KEY": jwk.JWK.generate(kty="OKP", crv="Ed25519").export_private(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{database or self.database}",
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
        }

    def build(self) -> None:
        self.database.parent.mkdir(parents=True)
        env = {**self.env(), "DJANGO_DEBUG": "true"}
        for command in (["migrate", "-v", "0"], ["load_seed"], ["collectstatic", "--noinput"]):
            subprocess.run(
                [PYTHON, "manage.py", *command],
                cwd=self.root,
                env={**env, "DJANGO_DEBUG": "false"} if command[0] == "collectstatic" else env,
                check=True,
                capture_output=True,
            )

    def start_redis(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.work),
                "--pidfile",
                str(self.work / "redis.pid"),
                "--logfile",
                str(self.work / "redis.log"),
            ],
            check=True,
        )
        for _ in range(100):
            if (self.work / "redis.pid").exists():
                break
            time.sleep(0.05)
        time.sleep(0.2)

    def redis_pid(self) -> int:
        return int((self.work / "redis.pid").read_text())

    def signal_redis(self, sig: int) -> None:
        os.kill(self.redis_pid(), sig)
        if sig == signal.SIGTERM:
            while (self.work / "redis.pid").exists():
                time.sleep(0.05)

    def serve(self, database: Path | None = None) -> None:
        self.server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", str(self.root / "gunicorn.conf.py")],
            cwd=self.root,
            env=self.env(database),
            stdout=subprocess.DEVNULL,
            stderr=open(self.work / "gunicorn.log", "a"),
            start_new_session=True,
        )
        for _ in range(200):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            time.sleep(0.1)
        raise SystemExit("gunicorn did not start; see gunicorn.log")

    def stop(self) -> None:
        if self.server is not None:
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=30)
            self.server = None

    def records(self) -> int:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as db:
            return db.execute("SELECT COUNT(*) FROM consent_consentrecord").fetchone()[0]


class Visitor:
    """One browser: keeps its cookies (or not), says it is on this site."""

    def __init__(
        self, site: Site, keep_cookies: bool = True, timeout: float = 30, address: str = ""
    ):
        self.site, self.keep, self.timeout = site, keep_cookies, timeout
        self.cookies: dict[str, str] = {}
        # As the front server on 127.0.0.1 says (each scenario its own client's address).
        self.address = address or site.address

    def request(self, method: str, path: str, body: str = "", **headers) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.site.port, timeout=self.timeout)
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            **headers,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Sec-Fetch-Site"] = "same-origin"
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            response.read()
        except (TimeoutError, OSError):
            return 0, {}
        finally:
            connection.close()
        if self.keep:
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
        return response.status, dict(response.headers)

    def choose(self, action: str = "reject-all") -> int:
        body = urllib.parse.urlencode({"action": action, "next": "/en/", "page": "/en/"})
        return self.request("POST", "/consent/", body)[0]


def tally(statuses: list[int]) -> str:
    errors = sum(1 for s in statuses if s >= 500 or s == 0)
    return f"{len(statuses)} requests, {errors} 5xx or dropped"


def browse(site: Site, rounds: int, timeout: float = 15) -> tuple[list[int], float, float]:
    """Every page `rounds` times; a request unanswered after `timeout` s counts as dropped."""
    statuses, slowest, started = [], 0.0, time.monotonic()
    for _ in range(rounds):
        for path in PAGES:
            began = time.monotonic()
            statuses.append(Visitor(site, timeout=timeout).request("GET", path)[0])
            slowest = max(slowest, time.monotonic() - began)
    return statuses, time.monotonic() - started, slowest


def choices(site: Site, visitors: int) -> tuple[list[int], str]:
    """`visitors` new visitors each make a choice: how many are on record afterwards."""
    before = site.records()
    statuses = [Visitor(site, timeout=10).choose() for _ in range(visitors)]
    return statuses, f"{site.records() - before} of {visitors} choices recorded"


def scenario_redis(site: Site, rows: list) -> None:
    site.next_client()
    site.signal_redis(signal.SIGTERM)
    statuses, seconds, slowest = browse(site, 10)
    posts, recorded = choices(site, 20)
    rows.append(("Redis stopped: pages", tally(statuses), f"slowest {slowest:.2f} s"))
    rows.append(("Redis stopped: consent choices", tally(posts), recorded))
    site.start_redis()
    time.sleep(6)
    statuses, _, _ = browse(site, 2)
    rows.append(("Redis started again", tally(statuses), ""))

    site.next_client()
    site.signal_redis(signal.SIGSTOP)
    try:
        statuses, seconds, slowest = browse(site, 2, timeout=10)
        posts, recorded = choices(site, 5)
    finally:
        site.signal_redis(signal.SIGCONT)
    rows.append(
        ("Redis frozen: pages", tally(statuses), f"{seconds:.1f} s in all, slowest {slowest:.2f} s")
    )
    rows.append(("Redis frozen: consent choices", tally(posts), recorded))


def scenario_floods(site: Site, rows: list) -> None:
    site.next_client()
    before = site.records()
    visitor = Visitor(site)
    started = time.monotonic()
    statuses = [visitor.choose("reject-all") for _ in range(1000)]
    minutes = (time.monotonic() - started) / 60
    rows.append(
        (
            "One visitor posts the same choice 1,000 times",
            tally(statuses),
            f"{site.records() - before} records in {minutes * 60:.0f} s; "
            f"{statuses.count(429)} answered 429",
        )
    )
    site.next_client()
    before = site.records()
    started = time.monotonic()
    statuses = [Visitor(site, keep_cookies=False).choose("accept-all") for _ in range(1000)]
    minutes = (time.monotonic() - started) / 60
    added = site.records() - before
    rows.append(
        (
            "A scanner posts 1,000 choices without cookies",
            tally(statuses),
            f"{added} records in {minutes * 60:.0f} s ({added / max(minutes, 1):.0f} a minute "
            f"per client); {statuses.count(429)} answered 429",
        )
    )
    before = site.records()
    statuses = [
        Visitor(site, keep_cookies=False).request(
            "GET", "/consent/state.css", **{"Sec-GPC": "1", "Referer": "https://elsewhere.example/"}
        )[0]
        for _ in range(500)
    ]
    rows.append(
        (
            "Another site embeds /consent/state.css, 500 views with Sec-GPC",
            tally(statuses),
            f"{site.records() - before} records",
        )
    )
    hits = 0
    statuses = []
    for _ in range(300):
        status, headers = Visitor(site, keep_cookies=False).request(
            "GET", "/en/", Cookie=f"sessionid={secrets.token_hex(16)}"
        )
        statuses.append(status)
        hits += headers.get("X-Page-Cache") == "hit"
    rows.append(
        (
            "300 home pages with made-up session cookies",
            tally(statuses),
            f"{hits} from the page cache",
        )
    )


def mount_read_only(source: Path, target: Path) -> bool:
    target.mkdir()
    if os.geteuid() != 0:
        return False
    if subprocess.run(["mount", "--bind", str(source), str(target)]).returncode:
        return False
    if subprocess.run(["mount", "-o", "remount,ro,bind", str(target)]).returncode:
        subprocess.run(["umount", str(target)])
        return False
    return True


def scenario_read_only(site: Site, rows: list) -> None:
    site.stop()
    # As a disk remounted read-only after a clean shutdown finds it: no -wal or -shm file.
    with contextlib.closing(sqlite3.connect(site.database)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for leftover in ("-wal", "-shm"):
        Path(f"{site.database}{leftover}").unlink(missing_ok=True)
    target = site.work / "read-only"
    if not mount_read_only(site.database.parent, target):
        rows.append(("Read-only disk", "not measured (mounting needs root)", ""))
        return
    site.next_client()
    try:
        site.serve(target / "db.sqlite3")
        statuses, _, _ = browse(site, 5)
        posts = [Visitor(site).choose() for _ in range(5)]
        rows.append(("Database on a read-only disk: pages", tally(statuses), ""))
        rows.append(
            (
                "Database on a read-only disk: consent choices",
                tally(posts),
                f"answered {sorted(set(posts))}",
            )
        )
    finally:
        site.stop()
        subprocess.run(["umount", str(target)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        raise SystemExit("needs redis-server (apt-get install redis-server)")
    root = args.root.resolve()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="newsroom-faults-") as folder:
        site = Site(root, Path(folder))
        site.start_redis()
        try:
            site.build()
            site.serve()
            statuses, _, _ = browse(site, 2)
            rows.append(("Everything up", tally(statuses), ""))
            scenario_redis(site, rows)
            scenario_floods(site, rows)
            scenario_read_only(site, rows)
        finally:
            site.stop()
            with contextlib.suppress(Exception):
                site.signal_redis(signal.SIGCONT)
                site.signal_redis(signal.SIGTERM)
    table = [
        f"Faults and floods, code at {commit} ({root})",
        "",
        "| What | Requests | Outcome |",
        "|---|---|---|",
    ]
    table += [f"| {what} | {requests} | {outcome} |" for what, requests, outcome in rows]
    text = "\n".join(table) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
