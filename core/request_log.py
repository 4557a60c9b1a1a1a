"""Request ids and the request log: one JSON line per request, and the id on the 500 page.

Each request gets an id, sent back as X-Request-ID and shown on the 500 page so that a visitor
can quote it; every log record written while the request runs carries it. The request log
holds no personal data: no address, user agent, cookie, user, nor query string (which may hold
a visitor's search terms).
"""

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("newsroom.requests")

HEADER = "X-Request-ID"
# An id from a proxy or load balancer is kept only when it is a plain token: anything else
# (spaces, quotes, newlines, markup, very long values) could forge log lines or fill the page.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_request_id", default=None
)


def request_id_for(request: HttpRequest) -> str:
    incoming = request.headers.get(HEADER, "")
    if SAFE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _response_bytes(response: HttpResponse) -> int | None:
    if response.streaming:
        length = response.headers.get("Content-Length")
        return int(length) if length and length.isascii() and length.isdigit() else None
    return len(response.content)


class RequestIdMiddleware:
    """Gives each request an id and logs one line when it has been answered. First in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_for(request)
        token = current_request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            match = getattr(request, "resolver_match", None)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "route": match.view_name if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "bytes": _response_bytes(response),
                },
            )
            return response
        finally:
            current_request_id.reset(token)


# The attributes every LogRecord has; anything else on a record came from `extra`.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request id, plain extras.

    Extras that are not plain values are left out: django.request passes the request itself,
    whose text would carry the query string.
    """

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(getattr(record, "request", None), "request_id", None)
        line["request_id"] = request_id or current_request_id.get()
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in line:
                if value is None or isinstance(value, str | int | float | bool):
                    line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line)


PLAIN_500 = "Server error. Please try again in a moment. Reference: {}\n"


@requires_csrf_token
def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """The 500 page with the request's id; plain text if even the template fails."""
    request_id = getattr(request, "request_id", "") or ""
    try:
        # Rendered without the request, as Django's own handler does: no context processor
        # (and no database query) can fail a second time here.
        body = loader.get_template(template_name).render({"request_id": request_id})
        return HttpResponseServerError(body)
    except Exception:
        logging.getLogger("django.request").exception("The 500 page could not be rendered")
        return HttpResponseServerError(
            PLAIN_500.format(request_id), content_type="text/plain; charset=utf-8"
        )
