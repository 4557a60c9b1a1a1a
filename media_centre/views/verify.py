"""Each item's Verify page, and its signed manifests and texts at language-free addresses."""

import datetime as dt
import json
import re
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from core import throttle
from core.languages import BY_CODE, CODES
from core.manifests.canonical import loose
from core.manifests.models import Manifest
from core.manifests.record import payload_of
from core.models import fallbacks

from .. import verification
from ..models import Event, MoU, PressRelease, Publishable, Study
from .publishing import Withdrawn, gone, public_object

HEX64 = re.compile(r"[0-9a-f]{64}")
# Uploads checked per visitor a minute: hashing a file costs a read of all of it.
CHECKS_PER_MINUTE = 20


class TextCheckForm(forms.Form):
    text = forms.CharField(
        label=_("Paste a quote or a paragraph"),
        max_length=verification.LONGEST_QUOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Paste the text you want to check.")},
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if len(loose(text)) < verification.SHORTEST_QUOTE:
            raise forms.ValidationError(
                _("Paste a little more: at least %(count)s characters, so that a match means "
                  "something.") % {"count": verification.SHORTEST_QUOTE}
            )  # fmt: skip
        return text


class FileCheckForm(forms.Form):
    file = forms.FileField(
        label=_("Or choose a file (a PDF, say)"),
        error_messages={
            "required": _("Choose the file you want to check."),
            "empty": _("The file is empty."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MEDIA_CENTRE_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than any this site publishes: it cannot match.")
            )
        return upload


def _verify(request: HttpRequest, item: Publishable) -> HttpResponse:
    versions = list(Manifest.objects.of(item).public().order_by("version"))
    text_form, file_form, finding = TextCheckForm(), FileCheckForm(), None
    checked = file_name = ""
    if request.method == "POST":
        if not throttle.allow("verify", throttle.client_key(request), CHECKS_PER_MINUTE, 60):
            response = render(request, "media_centre/verify.html", _context(item, versions),
                              status=429)  # fmt: skip
            response["Retry-After"] = "60"
            return response
        file_form = FileCheckForm(request.POST, request.FILES)
        if file_form.is_valid():
            upload = file_form.cleaned_data["file"]
            finding = verification.find_file(versions, verification.file_sha256(upload))
            checked, file_name = "file", upload.name
    elif "text" in request.GET:
        text_form = TextCheckForm(request.GET)
        if text_form.is_valid():
            finding = verification.find_text(versions, text_form.cleaned_data["text"])
            checked = "text"
    response = render(
        request,
        "media_centre/verify.html",
        {
            **_context(item, versions),
            "text_form": text_form,
            "file_form": file_form,
            "finding": finding,
            "checked": checked,
            "file_name": file_name,
        },
        status=400 if (text_form.errors or file_form.errors) else 200,
    )
    if request.method == "POST" or "text" in request.GET:
        add_never_cache_headers(response)  # one reader's question: kept by nobody
    return response


def _context(item: Publishable, versions: list[Manifest]) -> dict:
    current = get_language()
    rows = []
    for version in reversed(versions):
        payload = payload_of(version)
        notes = payload.get("note") or {}
        rows.append(
            {
                "version": version,
                "note": next(
                    (notes[code] for code in fallbacks(current) if notes.get(code)),
                    (payload.get("withdrawn") or {}).get("reason", ""),
                ),
                "jws": reverse("manifest-jws", args=[version.sha256]),
                "json": reverse("manifest-json", args=[version.sha256]),
                "texts": [
                    (BY_CODE[code], reverse("manifest-text", args=[version.sha256, code]))
                    for code in CODES
                    if code in version.texts
                ],
                "documents": payload.get("documents", []),
            }
        )
    return {
        "item": item,
        "item_title": str(item),
        "kind": item._meta.verbose_name,
        "rows": rows,
        "current": rows[0] if rows else None,
        "jwks": reverse("jwks"),
    }


def verify_page(view):
    """A check changes nothing and shows only what is public: no CSRF token, so that the page
    stays the same for everyone and can be stored; a withdrawn item's page answers 410."""

    @csrf_exempt
    @require_http_methods(["GET", "HEAD", "POST"])
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Withdrawn as withdrawn:
            return gone(request, withdrawn.item)

    return wrapper


@verify_page
def release_verify(request, year: int, month: int, day: int, slug: str) -> HttpResponse:
    try:
        release_date = dt.date(year, month, day)
    except ValueError:
        raise Http404 from None
    return _verify(request, public_object(PressRelease, release_date=release_date, slug=slug))


@verify_page
def event_verify(request, slug: str) -> HttpResponse:
    return _verify(request, public_object(Event, slug=slug))


@verify_page
def mou_verify(request, slug: str) -> HttpResponse:
    return _verify(request, public_object(MoU, slug=slug))


@verify_page
def study_verify(request, slug: str) -> HttpResponse:
    return _verify(request, public_object(Study, slug=slug))


def _manifest(sha256: str) -> Manifest:
    """A public version of an item that is public now: a withdrawn item's record stays in the
    desk's export, not on the site."""
    if not HEX64.fullmatch(sha256):
        raise Http404
    manifest = get_object_or_404(Manifest.objects.public(), sha256=sha256)
    model = ContentType.objects.get_for_id(manifest.content_type_id).model_class()
    if (
        model not in verification.SIGNED
        or not model.objects.published().filter(pk=manifest.object_id).exists()
    ):
        raise Http404
    return manifest


def _kept(response: HttpResponse) -> HttpResponse:
    # A manifest never changes: its address is its hash.
    patch_cache_control(response, public=True, max_age=86400, immutable=True)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def manifest_jws(request: HttpRequest, sha256: str) -> HttpResponse:
    manifest = _manifest(sha256)
    response = HttpResponse(manifest.token, content_type="application/jose")
    response["Content-Disposition"] = f'attachment; filename="manifest-{manifest.sha256[:16]}.jws"'
    return _kept(response)


@require_safe
def manifest_json(request: HttpRequest, sha256: str) -> HttpResponse:
    manifest = _manifest(sha256)
    return _kept(
        JsonResponse(payload_of(manifest), json_dumps_params={"indent": 2, "ensure_ascii": False})
    )


@require_safe
def manifest_text(request: HttpRequest, sha256: str, language: str) -> HttpResponse:
    manifest = _manifest(sha256)
    if language not in manifest.texts:
        raise Http404
    response = HttpResponse(
        manifest.texts[language].encode(), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'inline; filename="{json.dumps(language)[1:-1]}-{manifest.sha256[:16]}.txt"'
    )
    return _kept(response)
