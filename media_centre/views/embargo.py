"""A journalist's embargoed copy of a scheduled release at their personal link, and its
documents (PDFs stamped with their name), for nobody's cache and no search engine."""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe
from pypdf.errors import PyPdfError

from core import page_cache, throttle
from core.privacy import keep_private, truncated_ip

from .. import embargo
from ..downloads import content_disposition
from ..models import EmbargoAccess, EmbargoGrant, PressRelease, State
from ..models.embargo import token_digest
from .files import image_source, serve_image

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def _grant(token: str) -> EmbargoGrant:
    if not TOKEN.fullmatch(token):
        raise Http404
    found = (
        EmbargoGrant.objects.select_related("journalist")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if found is None:
        raise Http404
    return found


def _throttled(request: HttpRequest, grant: EmbargoGrant) -> bool:
    return not (
        throttle.allow(
            "embargo-client",
            throttle.client_key(request),
            embargo.REQUESTS_PER_CLIENT_PER_MINUTE,
            60,
        )
        and throttle.allow(
            "embargo-grant", str(grant.pk), embargo.REQUESTS_PER_GRANT_PER_MINUTE, 60
        )
    )


def _log(request: HttpRequest, grant: EmbargoGrant, document_id: int | None = None) -> None:
    """One opening or download (a HEAD request is neither), up to the cap per link."""
    if request.method != "GET":
        return
    if EmbargoAccess.objects.filter(grant=grant).count() >= embargo.ACCESS_LOG_CAP:
        return
    EmbargoAccess.objects.create(
        grant=grant,
        document_id=document_id,
        address=truncated_ip(request.META.get("REMOTE_ADDR", "")),
        user_agent=request.headers.get("User-Agent", "")[:200],
    )


def _release(request: HttpRequest, grant: EmbargoGrant, queryset) -> PressRelease | HttpResponse:
    """The scheduled release the link may show, or the answer instead: 429 for a flood, the
    public page once the embargo has lifted (revoked or not: it is public), 410 for a revoked
    link or an item no longer scheduled."""
    if _throttled(request, grant):
        return keep_private(render(request, "media_centre/embargo/busy.html", status=429))
    release = queryset.filter(pk=grant.release_id).first()
    state = release.state if release is not None else State.DRAFT
    if state == State.PUBLISHED:
        return keep_private(redirect(release))
    if grant.is_revoked():
        return keep_private(
            render(request, "media_centre/embargo/revoked.html", {"grant": grant}, status=410)
        )
    if state != State.SCHEDULED:
        return keep_private(
            render(request, "media_centre/embargo/unavailable.html", {"grant": grant}, status=410)
        )
    return release


@require_safe
def embargoed_copy(request: HttpRequest, token: str) -> HttpResponse:
    """The release as it will be published, under a banner naming the recipient and the time."""
    grant = _grant(token)
    release = _release(request, grant, PressRelease.objects.for_detail())
    if isinstance(release, HttpResponse):
        return release
    _log(request, grant)
    page_cache.mark_preview(request)  # nothing of this page is remembered for others
    context = {
        "release": release,
        "item": release,
        "preview": False,  # links only what is public, as the page will when published
        "embargo": {
            "grant": grant,
            "journalist": grant.journalist,
            "times": embargo.embargo_times(release.publish_at),
            "token": token,
        },
    }
    return keep_private(render(request, "media_centre/embargo/release.html", context))


@require_safe
def embargoed_document(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """One of the release's documents: a PDF stamped on every page, any other file as it is."""
    grant = _grant(token)
    release = _release(
        request,
        grant,
        PressRelease._base_manager.select_related("pdf").prefetch_related("attachments"),
    )
    if isinstance(release, HttpResponse):
        return release
    documents = {d.pk: d for d in release.attachments.all()}
    if release.pdf is not None:
        documents[release.pdf.pk] = release.pdf
    document = documents.get(pk)
    if document is None:
        raise Http404
    try:
        handle = default_storage.open(document.file.name, "rb")
    except OSError:
        raise Http404 from None
    if document.media_type == "application/pdf":
        with handle:
            data = handle.read()
        try:
            data = embargo.stamp_pdf(data, embargo.stamp_text(grant, release))
        except (PyPdfError, ValueError, KeyError, TypeError):
            # Never served unstamped: the desk must replace a file that cannot be stamped.
            return keep_private(
                render(
                    request,
                    "media_centre/embargo/unavailable.html",
                    {"grant": grant, "unstampable": True},
                    status=503,
                )
            )
        response = HttpResponse(data, content_type="application/pdf")
    else:
        response = FileResponse(handle, content_type=document.media_type)
    _log(request, grant, document.pk)
    response["Content-Disposition"] = content_disposition(document.file_name, document.media_type)
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return keep_private(response)


@require_safe
def embargoed_image(request: HttpRequest, token: str, name: str) -> HttpResponse:
    """The release's picture (the original or a rendition), which the public image address
    does not show before the release is public."""
    grant = _grant(token)
    source, media_type = image_source(name)
    release = _release(request, grant, PressRelease._base_manager.only("hero_image"))
    if isinstance(release, HttpResponse):
        return release
    if not release.hero_image or release.hero_image.name != source:
        raise Http404
    return keep_private(serve_image(request, name, media_type, public=False))
