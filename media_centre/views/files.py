"""Files: documents at their stable and versioned addresses, uploaded images, and requests
for a document in an accessible format."""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
)
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core import throttle
from core.middleware import language_neutral

from .. import download_counts, images
from ..downloads import StoredFile, serve
from ..forms import AccessibleVersionForm
from ..models import Document, Rendition
from ..notifications import notify_accessibility_request
from ..permissions import can_preview


def _visible_document(request: HttpRequest, pk: int) -> tuple[Document, bool]:
    """The document and whether the public may see it; staff may fetch any (a preview)."""
    public = Document.objects.public().filter(pk=pk).first()
    if public is not None:
        return public, True
    if can_preview(request, Document):
        document = Document.objects.filter(pk=pk).first()
        if document is not None:
            return document, False
    raise Http404


def _count_download(document: Document) -> Callable[[], None]:
    # Counted in the shared cache, not the database: serving a file writes nothing.
    return lambda: download_counts.count(document.pk)


@language_neutral
@require_safe
def download(request: HttpRequest, pk: int, file_name: str) -> HttpResponse:
    """A document at its stable address: the newest file, public only through a public item."""
    document, public = _visible_document(request, pk)
    if file_name != document.file_name:
        return redirect(document, permanent=True)
    stored = StoredFile(
        name=document.file.name,
        download_name=document.file_name,
        media_type=document.media_type,
        size=document.size,
        sha256=document.sha256,
        last_modified=document.file_updated_at or document.created_at,
        public=public,
    )
    return serve(request, stored, count=_count_download(document))


@language_neutral
@require_safe
def download_version(request: HttpRequest, pk: int, number: int, file_name: str) -> HttpResponse:
    """One version of a document, at an address whose content never changes."""
    document, public = _visible_document(request, pk)
    version = document.versions.filter(number=number).first()
    if version is None:
        raise Http404
    if file_name != version.file_name:
        return redirect(version, permanent=True)
    stored = StoredFile(
        name=version.file.name,
        download_name=version.file_name,
        media_type=version.media_type,
        size=version.size,
        sha256=version.sha256,
        last_modified=version.created_at,
        immutable=True,
        public=public,
    )
    return serve(request, stored, count=_count_download(document))


@language_neutral
@require_safe
def image(request: HttpRequest, name: str) -> HttpResponse:
    """An original or a rendition, to anyone when something public shows it, else to staff."""
    source, media_type = image_source(name)
    if images.shown(source, public=True):
        public = True
    elif _may_preview(request) and images.shown(source, public=False):
        public = False
    else:
        raise Http404
    return serve_image(request, name, media_type, public=public)


def image_source(name: str) -> tuple[str, str]:
    """The uploaded original that the stored image `name` is (or is a rendition of), and the
    image's media type; 404 for a name that is neither."""
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or "\x00" in name or {"", ".", ".."} & set(parts):
        raise Http404
    extension = name.rpartition(".")[2].lower()
    if name.startswith("renditions/"):
        rendition = Rendition.objects.filter(file=name).values_list("source", "format").first()
        if rendition is None:
            raise Http404
        source, format = rendition
        return source, images.MEDIA_TYPES[images.EXTENSIONS[format]]
    if extension in images.MEDIA_TYPES:
        return name, images.MEDIA_TYPES[extension]
    raise Http404


def serve_image(request: HttpRequest, name: str, media_type: str, *, public: bool) -> HttpResponse:
    """The stored image `name`, cached for a year when `public` (its name holds its hash)."""
    storage = default_storage
    try:
        size = storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    hashed = images.HASHED_NAME.fullmatch(name)
    etag = '"{}"'.format(
        hashed["digest"] if hashed else hashlib.sha256(f"{name}:{size}".encode()).hexdigest()[:20]
    )
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    elif request.method == "HEAD":
        response = HttpResponse(content_type=media_type)
    else:
        try:
            handle = storage.open(name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, content_type=media_type)
    if not isinstance(response, HttpResponseNotModified):
        response["Content-Length"] = str(size)
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    if not public:
        add_never_cache_headers(response)
    elif hashed:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        # Uploaded before names were content-hashed: such a name could be reused one day.
        response["Cache-Control"] = "public, max-age=86400"
    return response


def _may_preview(request: HttpRequest) -> bool:
    return any(can_preview(request, model) for model, _field, _public in images.SHOWN_BY)


@require_http_methods(["GET", "HEAD", "POST"])
def accessible_version_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a document in an accessible format; the request is stored, then the desk told."""
    document = Document.objects.public().filter(pk=pk).first()
    if document is None:
        raise Http404
    form = AccessibleVersionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid() and not _request_allowed(request, document):
        # Each request mails the desk with words the sender chose: bounded per sender and
        # per document.
        form.add_error(None, _("Too many requests have been sent. Please try again later."))
        status = 429
    if request.method == "POST" and form.is_valid():
        accessibility_request = form.save(commit=False)
        accessibility_request.document = document
        accessibility_request.language = get_language()
        accessibility_request.save()
        notify_accessibility_request(accessibility_request)
        return redirect(request.path + "?sent=1")
    return render(
        request,
        "media_centre/accessible_version.html",
        {"document": document, "form": form, "sent": request.GET.get("sent") == "1"},
        status=status,
    )


def _request_allowed(request: HttpRequest, document: Document) -> bool:
    per_hour = settings.MEDIA_CENTRE_ACCESSIBLE_REQUESTS_PER_HOUR
    return throttle.allow(
        "accessible-version-sender", throttle.client_key(request), per_hour, 60 * 60
    ) and throttle.allow(
        "accessible-version-document", str(document.pk), 4 * per_hour, 24 * 60 * 60
    )
