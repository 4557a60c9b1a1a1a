"""Several app servers: two gunicorns behind nginx, sharing PostgreSQL, Redis and S3 (moto).

`make test-cluster` runs this folder inside bin/with-postgres, bin/with-redis, bin/with-moto and
bin/with-nginx (upstreams: the two ports in CLUSTER_PORTS); `make test` leaves it out with
`-m "not cluster"`, and run any other way it is skipped. The session starts, with production
settings (DJANGO_DEBUG=false, the page cache on, one secret key), two gunicorn instances on
those ports, each with its own empty MEDIA_ROOT so that a file can only pass between them
through object storage, and two workers (`manage.py worker`) sending mail to a real SMTP
server in this process (tests/smtp.py). Everything collected here is marked `cluster`.

The tests set up rows through the ORM in this process, on the same database the servers use
(not pytest-django's throwaway copy: the servers could not see that), and act through HTTP
only: `Visitor` is a small browser that keeps its cookies (Secure ones too: the servers
speak plain HTTP on 127.0.0.1, as behind a front server that ends TLS).
"""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from core.manifests import keys

from ..smtp import SMTPServer

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
NEEDED = ("CLUSTER_PORTS", "NGINX_URL", "DATABASE_URL", "CACHE_URL", "MEDIA_CENTRE_S3_BUCKET")
PASSWORD = "a long enough cluster passphrase"


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(item.path).is_relative_to(HERE):
            item.add_marker(pytest.mark.cluster)


def pytest_runtest_setup(item):
    missing = [name for name in NEEDED if not os.environ.get(name)]
    if Path(item.path).is_relative_to(HERE) and missing:
        pytest.skip(f"run by `make test-cluster` (missing {', '.join(missing)})")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass
class Visitor:
    """A browser on one base address: cookies kept by hand (urllib's jar keeps Secure cookies
    off plain HTTP), redirects not followed."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def on(self, base: str) -> "Visitor":
        """The same browser (its cookies) at another address: another app server, or nginx."""
        return Visitor(base, self.cookies)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Answer:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, body, headers, method=method)
        try:
            with _opener.open(request, timeout=30) as response:
                answer = Answer(response.status, dict(response.headers), response.read())
                raw = response.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, dict(error.headers), error.read())
            raw = error.headers.get_all("Set-Cookie") or []
        for line in raw:
            name, _, value = line.split(";", 1)[0].partition("=")
            if value in ("", '""'):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return answer

    def get(self, path: str, **headers) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict, files: dict | None = None) -> Answer:
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in data.items():
                for one in value if isinstance(value, list) else [value]:
                    parts.append(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                        f"{one}\r\n".encode()
                    )
            for name, (file_name, content, media_type) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{file_name}"\r\nContent-Type: {media_type}\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            pairs = [
                (name, one)
                for name, value in data.items()
                for one in (value if isinstance(value, list) else [value])
            ]
            body = urllib.parse.urlencode(pairs).encode()
            kind = "application/x-www-form-urlencoded"
        return self.request("POST", path, body, {"Content-Type": kind})

    def sign_in(self, username: str) -> None:
        page = self.get("/admin/login/")
        answer = self.post(
            "/admin/login/?next=/admin/",
            {**form_data(page.body, "#login-form"), "username": username, "password": PASSWORD},
        )
        assert answer.status == 302, answer.text[:2000]
        assert "sessionid" in self.cookies

    def submit(self, path: str, changes: dict, files: dict | None = None, form="form") -> Answer:
        """GET the admin page at `path`, and post its form as a browser would, with `changes`."""
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.text[:2000])
        return self.post(path, {**form_data(page.body, form), **changes}, files)


def form_data(html: bytes, selector: str = "form") -> dict:
    """What a browser would submit from the form `selector` finds on the page."""
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    assert form is not None, html[:2000]
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or "__prefix__" in name:
            continue
        if element.name == "input":
            kind = element.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                continue
            if kind in {"checkbox", "radio"} and not element.has_attr("checked"):
                continue
            default = "on" if kind in {"checkbox", "radio"} else ""
            data.setdefault(name, []).append(element.get("value", default))
        elif element.name == "select":
            options = element.find_all("option")
            chosen = [o.get("value", o.text) for o in options if o.has_attr("selected")]
            if not chosen and options and not element.has_attr("multiple"):
                chosen = [options[0].get("value", options[0].text)]
            data.setdefault(name, []).extend(chosen)
        else:
            data.setdefault(name, []).append(element.text.removeprefix("\n"))
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


@dataclass
class Cluster:
    a: str  # http://127.0.0.1:PORT of each gunicorn
    b: str
    nginx: str
    media_roots: list[Path]
    logs: list[Path]
    smtp: SMTPServer
    publisher: str  # a publisher's username (password PASSWORD)

    @property
    def servers(self) -> list[str]:
        return [self.a, self.b]

    def errors(self, expected: str = "") -> list[str]:
        """Lines of the servers' and workers' logs that report an error or a traceback, less
        those that contain `expected` (e.g. the cache's own report of an outage)."""
        found = []
        for log in self.logs:
            for line in log.read_text(errors="replace").splitlines():
                if expected and expected in line:
                    continue
                if '"level": "ERROR"' in line or "Traceback" in line or '"status": 5' in line:
                    found.append(f"{log.name}: {line}")
        return found


def _environment(tmp: Path, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "NEWSROOM_ENV_FILE": "",  # nothing from a developer's .env
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "cluster-" + secrets.token_urlsafe(40),  # one for every server
        "NEWSROOM_SIGNING_KEY": keys.new_private_key().export_private(),  # and one signing key
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        # Plain HTTP on 127.0.0.1 stands for the front server that ends TLS.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "NEWSROOM_SITE_URL": "https://newsroom.example.org",
        "NEWSROOM_SECOND_FACTOR_REQUIRED_FOR": "none",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "2",
        "PYTHONUNBUFFERED": "1",
    }


def _run(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} stopped at start:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer /healthz in 60 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def cluster(tmp_path_factory, django_db_blocker):
    missing = [name for name in NEEDED if not os.environ.get(name)]
    if missing:
        pytest.skip(f"run by `make test-cluster` (missing {', '.join(missing)})")
    tmp = tmp_path_factory.mktemp("cluster")
    smtp = SMTPServer()
    smtp.start()
    env = _environment(tmp, smtp.port)
    python = sys.executable

    # The schema and the static files, at the same time (collectstatic compresses: the longest).
    steps = [
        _run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env),
        _run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], env),
    ]
    for step in steps:
        out, _ = step.communicate(timeout=600)
        assert step.returncode == 0, out[-3000:]

    with django_db_blocker.unblock():
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group, User

        username = f"publisher-{uuid.uuid4().hex[:8]}"
        user = User.objects.create(
            username=username,
            # The servers' own hasher (this process's tests use a fast one).
            password=make_password(PASSWORD, hasher="pbkdf2_sha256"),
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name="Publisher"))

    ports = os.environ["CLUSTER_PORTS"].split(",")
    processes, logs, media_roots, bases = [], [], [], []
    try:
        for n, port in enumerate(ports):
            media = tmp / f"media-{n}"
            media.mkdir()
            media_roots.append(media)
            log = tmp / f"gunicorn-{n}.log"
            logs.append(log)
            server_env = {
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "DJANGO_MEDIA_ROOT": str(media),
            }
            with log.open("w") as out:
                processes.append(
                    subprocess.Popen(
                        [python, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
                        cwd=ROOT,
                        env=server_env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
            bases.append(f"http://127.0.0.1:{port}")
        for n in range(2):
            log = tmp / f"worker-{n}.log"
            logs.append(log)
            with log.open("w") as out:
                processes.append(
                    subprocess.Popen(
                        [python, "manage.py", "worker", "--no-reload"],
                        cwd=ROOT,
                        env={**env, "DJANGO_MEDIA_ROOT": str(tmp / f"worker-media-{n}")},
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
        for base, process, log in zip(bases, processes, logs, strict=False):
            _wait_for(base, process, log)
        yield Cluster(
            a=bases[0],
            b=bases[1],
            nginx=os.environ["NGINX_URL"],
            media_roots=media_roots,
            logs=logs,
            smtp=smtp,
            publisher=username,
        )
    finally:
        # gunicorn's quick stop: its workers exit at once, but its master then lingers for
        # seconds, so it gets two. A worker finishes its task first.
        for process in processes:
            process.send_signal(signal.SIGINT if "gunicorn" in process.args else signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=2 if "gunicorn" in process.args else 20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        smtp.stop()


@pytest.fixture
def orm(django_db_blocker):
    """This process's ORM on the servers' database (autocommit: the servers see each write)."""
    with django_db_blocker.unblock():
        yield


def wait_until(check, seconds: float, every: float = 0.1):
    """Calls `check` until it returns something true, for at most `seconds`; returns that."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"
