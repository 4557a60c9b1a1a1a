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
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core import throttle
from core.middleware import language_neutral
from core.page_cache import remember

from .. import download_counts, images
from ..downloads import StoredFile, serve
from ..forms import AccessibleVersionForm
from ..models import Document, DocumentVersion, Rendition
from ..notifications import notify_accessibility_request
from ..permissions import can_preview

# What serving a document's file needs, read once per generation of the site (core.page_cache):
# any write to a document, its versions or an item linking it starts a new one, as does an
# item's publish or withdrawal time passing, so a file stops being served the moment its item
# is withdrawn, as its pages do.
_DOCUMENT_FIELDS = ("file", "file_name", "media_type", "size", "sha256", "file_updated_at")
_VERSION_FIELDS = ("file", "file_name", "media_type", "size", "sha256", "created_at")


def _found(fields: dict | None) -> bool:
    # Addresses of nothing public (a probe, a withdrawn file) are not remembered: a crawler's
    # made-up numbers fill no cache, and cost the one query they always did.
    return fields is not None


def _public_document(pk: int) -> dict | None:
    """The public document `pk`'s fields for serving, None when the public may not see it."""
    return remember(
        f"media_centre:download:{pk}",
        lambda: (
            Document.objects.public()
            .filter(pk=pk)
            .values("pk", *_DOCUMENT_FIELDS, "created_at")
            .first()
        ),
        keep=_found,
    )


def _public_version(pk: int, number: int) -> dict | None:
    return remember(
        f"media_centre:download:{pk}:{number}",
        lambda: (
            DocumentVersion.objects.filter(
                document__in=Document.objects.public().filter(pk=pk), number=number
            )
            .values("document_id", "number", *_VERSION_FIELDS)
            .first()
        ),
        keep=_found,
    )


def _previewed(request: HttpRequest, found):
    """For staff who may preview: `found()` (a dict of fields, or None); 404 for the rest."""
    if can_preview(request, Document):
        fields = found()
        if fields is not None:
            return fields
    raise Http404


def _count_download(pk: int) -> Callable[[], None]:
    # Counted in the process's memory, then the shared cache: serving a file writes nothing.
    return lambda: download_counts.count(pk)


@language_neutral
@require_safe
def download(request: HttpRequest, pk: int, file_name: str) -> HttpResponse:
    """A document at its stable address: the newest file, public only through a public item."""
    fields = _public_document(pk)
    public = fields is not None
    if not public:
        fields = _previewed(
            request,
            lambda: (
                Document.objects.filter(pk=pk).values("pk", *_DOCUMENT_FIELDS, "created_at").first()
            ),
        )
    if file_name != fields["file_name"]:
        return redirect(
            reverse("download", kwargs={"pk": pk, "file_name": fields["file_name"]}), permanent=True
        )
    stored = StoredFile(
        name=fields["file"],
        download_name=fields["file_name"],
        media_type=fields["media_type"],
        size=fields["size"],
        sha256=fields["sha256"],
        last_modified=fields["file_updated_at"] or fields["created_at"],
        public=public,
    )
    return serve(request, stored, count=_count_download(pk))


@language_neutral
@require_safe
def download_version(request: HttpRequest, pk: int, number: int, file_name: str) -> HttpResponse:
    """One version of a document, at an address whose content never changes."""
    fields = _public_version(pk, number)
    public = fields is not None
    if not public:
        fields = _previewed(
            request,
            lambda: (
                DocumentVersion.objects.filter(document_id=pk, number=number)
                .values("document_id", "number", *_VERSION_FIELDS)
                .first()
            ),
        )
    if file_name != fields["file_name"]:
        address = reverse(
            "download-version",
            kwargs={"pk": pk, "number": number, "file_name": fields["file_name"]},
        )
        return redirect(address, permanent=True)
    stored = StoredFile(
        name=fields["file"],
        download_name=fields["file_name"],
        media_type=fields["media_type"],
        size=fields["size"],
        sha256=fields["sha256"],
        last_modified=fields["created_at"],
        immutable=True,
        public=public,
    )
    return serve(request, stored, count=_count_download(pk))


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
