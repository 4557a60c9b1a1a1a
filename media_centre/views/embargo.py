"""A journalist's embargoed copy of a scheduled release or study at their personal link, and its
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
from ..models import Document, EmbargoAccess, EmbargoGrant, PressRelease, State, Study
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


# What a link to each kind of item shows: the name its page's template knows it by, the
# template (the item's own page under the embargo banner) and the picture field.
KINDS = {
    PressRelease: ("release", "media_centre/embargo/release.html", "hero_image"),
    Study: ("study", "media_centre/embargo/study.html", "cover_image"),
}


def _model(grant: EmbargoGrant) -> type[PressRelease] | type[Study]:
    return PressRelease if grant.release_id is not None else Study


def _item(
    request: HttpRequest, grant: EmbargoGrant, queryset
) -> PressRelease | Study | HttpResponse:
    """The scheduled item the link may show, or the answer instead: 429 for a flood, the
    public page once the embargo has lifted (revoked or not: it is public), 410 for a revoked
    link or an item no longer scheduled."""
    if _throttled(request, grant):
        return keep_private(render(request, "media_centre/embargo/busy.html", status=429))
    item = queryset.filter(pk=grant.release_id or grant.study_id).first()
    state = item.state if item is not None else State.DRAFT
    if state == State.PUBLISHED:
        return keep_private(redirect(item))
    if grant.is_revoked():
        return keep_private(
            render(request, "media_centre/embargo/revoked.html", {"grant": grant}, status=410)
        )
    if state != State.SCHEDULED:
        return keep_private(
            render(request, "media_centre/embargo/unavailable.html", {"grant": grant}, status=410)
        )
    return item


@require_safe
def embargoed_copy(request: HttpRequest, token: str) -> HttpResponse:
    """The item as it will be published, under a banner naming the recipient and the time."""
    grant = _grant(token)
    model = _model(grant)
    item = _item(request, grant, model.objects.for_detail())
    if isinstance(item, HttpResponse):
        return item
    _log(request, grant)
    page_cache.mark_preview(request)  # nothing of this page is remembered for others
    name, template, _picture = KINDS[model]
    context = {
        name: item,
        "item": item,
        "preview": False,  # links only what is public, as the page will when published
        "embargo": {
            "grant": grant,
            "journalist": grant.journalist,
            "times": embargo.embargo_times(item.publish_at),
            "token": token,
        },
    }
    return keep_private(render(request, template, context))


def _documents(item: PressRelease | Study) -> dict[int, Document]:
    if isinstance(item, Study):
        return {d.pk: d for d in item.files.all()}
    documents = {d.pk: d for d in item.attachments.all()}
    if item.pdf is not None:
        documents[item.pdf.pk] = item.pdf
    return documents


@require_safe
def embargoed_document(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """One of the item's documents: a PDF stamped on every page, any other file as it is."""
    grant = _grant(token)
    item = _item(request, grant, _model(grant)._base_manager.all())
    if isinstance(item, HttpResponse):
        return item
    document = _documents(item).get(pk)
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
            data = embargo.stamp_pdf(data, embargo.stamp_text(grant, item))
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
    """The item's picture (the original or a rendition), which the public image address does
    not show before the item is public."""
    grant = _grant(token)
    source, media_type = image_source(name)
    model = _model(grant)
    field = KINDS[model][2]
    item = _item(request, grant, model._base_manager.only(field))
    if isinstance(item, HttpResponse):
        return item
    picture = getattr(item, field)
    if not picture or picture.name != source:
        raise Http404
    return keep_private(serve_image(request, name, media_type, public=False))
