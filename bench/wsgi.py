"""What gunicorn serves in the load benchmark: Newsroom exactly as in production, plus the
baseline the issue's ratios are shares of, a minimal Django view with no middleware, at
`/__bench/minimal` (never in production: only bench/run.py serves this module)."""

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse

from newsroom.wsgi import application as newsroom

MINIMAL_PATH = "/__bench/minimal"


def minimal_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


class MinimalHandler(WSGIHandler):
    """Django's WSGI handler (request object, response, signals) with no middleware at all."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(minimal_view)


minimal = MinimalHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == MINIMAL_PATH:
        return minimal(environ, start_response)
    return newsroom(environ, start_response)
