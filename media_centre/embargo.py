"""Embargoed access: granting and revoking journalists' personal links to a scheduled release,
the email that carries each link, the embargo's time in words, and the stamp on every page of
a PDF fetched through a link.

A link's token is made by the worker when it sends the email, and only its SHA-256 is stored:
the token is in no database row and no queued task, only in the message.
"""

import datetime as dt
import io
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from pypdf import PdfReader, PdfWriter

from core.email_messages import absolute, two_part
from core.time_zones import abbreviation, place

from .models import EmbargoGrant, Journalist, PressRelease, State, Study
from .models.embargo import EMBARGOED_FIELDS

logger = logging.getLogger(__name__)

# Requests one client, and one link, may make a minute before being answered 429.
REQUESTS_PER_CLIENT_PER_MINUTE = 60
REQUESTS_PER_GRANT_PER_MINUTE = 120
# Openings and downloads logged per link; beyond, a flood is served but not written down.
ACCESS_LOG_CAP = 1000


def recipients(journalists, media_lists) -> list[Journalist]:
    """The journalists chosen, and the members of the lists chosen, each once."""
    ids = {j.pk for j in journalists}
    lists = [m.pk for m in media_lists]
    return list(
        Journalist.objects.filter(Q(pk__in=ids) | Q(media_lists__in=lists))
        .distinct()
        .order_by("name", "pk")
    )


@transaction.atomic
def grant(item: PressRelease | Study, journalists: list[Journalist], user) -> list[EmbargoGrant]:
    """Give each journalist embargoed access to the scheduled `item` (a release or a study): the
    grants made (or renewed after a revocation). One who has a working link already is left as
    they are."""
    item = type(item)._base_manager.select_for_update().get(pk=item.pk)
    if item.state != State.SCHEDULED:
        raise ValidationError(
            gettext("Only a scheduled item can be shared under embargo: schedule it first.")
        )
    existing = {g.journalist_id: g for g in EmbargoGrant.objects.of(item)}
    issued = []
    now = timezone.now()
    for journalist in journalists:
        found = existing.get(journalist.pk)
        if found is not None and not found.is_revoked():
            continue
        one = found or EmbargoGrant(**{EMBARGOED_FIELDS[type(item)]: item}, journalist=journalist)
        one.language = journalist.language
        one.granted_by = user
        one.granted_at = now
        one.revoked_at = one.revoked_by = one.link_sent_at = one.token_hash = None
        one.save()
        issued.append(one)
    return issued


def send_links(grants: list[EmbargoGrant]) -> None:
    """Queue one email per grant (call after the grants are committed)."""
    for one in grants:
        try:
            send_embargo_link.enqueue(one.pk)
        except Exception:  # the queue's database: the grant stays, shown as not sent
            logger.exception("Could not queue the embargoed link of grant %s", one.pk)


def revoke(grants, user) -> int:
    """Withdraw the links of `grants` (a queryset) at once; how many were still working."""
    return grants.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=user)


def link_path(grant_: EmbargoGrant, token: str) -> str:
    with translation.override(grant_.language):
        return reverse("media_centre:embargo-copy", kwargs={"token": token})


def embargo_times(moment: dt.datetime) -> dict:
    """The embargo's end in the item's zone (the site's), in UTC, and as ISO 8601 for scripts."""
    local = timezone.localtime(moment)
    utc = moment.astimezone(dt.UTC)
    return {
        "local": f"{date_format(local, 'DATETIME_FORMAT')} {abbreviation(local)}",
        "zone": place(local.tzinfo),
        "utc": f"{date_format(utc, 'DATETIME_FORMAT')} UTC",
        "iso": utc.isoformat(),
    }


@task
def send_embargo_link(grant_pk: int) -> None:
    """Make the grant's link and email it, in the journalist's language, as text and HTML."""
    one = (
        EmbargoGrant.objects.select_related("journalist", "release", "study")
        .filter(pk=grant_pk)
        .first()
    )
    if one is None or one.is_revoked() or one.item.state != State.SCHEDULED:
        return
    token = one.new_token()
    item = one.item
    with translation.override(one.language):
        headline = str(item)
        context = {
            "grant": one,
            "journalist": one.journalist,
            "headline": headline,
            "link": absolute(link_path(one, token)),
            "times": embargo_times(item.publish_at),
            "site_name": settings.MEDIA_CENTRE_SITE_NAME,
            "language": one.language,
        }
        subject = gettext("Embargoed: %(headline)s") % {"headline": headline}
        message = two_part(
            "media_centre/embargo/email",
            context,
            subject=" ".join(subject.split()),
            to=one.journalist.email,
        )
    try:
        message.send()
    except OSError:
        logger.exception("Could not email the embargoed link of grant %s", one.pk)
        return
    EmbargoGrant.objects.filter(pk=one.pk).update(link_sent_at=timezone.now())


def stamp_text(one: EmbargoGrant, item: PressRelease | Study) -> str:
    with translation.override(one.language):
        return gettext(
            "Embargoed copy for %(name)s (%(outlet)s) — not for publication before %(time)s"
        ) % {
            "name": one.journalist.name,
            "outlet": one.journalist.outlet,
            "time": embargo_times(item.publish_at)["local"],
        }


def _pdf_string(text: str) -> tuple[bytes, bytes]:
    """(the font resource, the string operand): Helvetica for Western text, else Adobe's
    predefined Chinese font (no font file embedded; readers supply it)."""
    try:
        encoded = text.encode("cp1252")
    except UnicodeEncodeError:
        font = (
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
            b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
            b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
            b"/CapHeight 880 /StemV 93 >> >>] >>"
        )
        units = text.encode("utf-16-be", "replace")
        return font, b"<" + units.hex().encode() + b">"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    escaped = encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return font, b"(" + escaped + b")"


def overlay_pdf(width: float, height: float, text: str) -> bytes:
    """A one-page PDF of `width` × `height` points with `text` at its foot and head, in grey."""
    font, string = _pdf_string(text)
    size = 8 if width >= 400 else 6
    lines = b"".join(
        b"BT /F1 %d Tf %.2f %.2f Td %s Tj ET " % (size, 24, y, string) for y in (12, height - 18)
    )
    content = b"q 0.45 0.1 0.1 rg " + lines + b"Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>" % (width, height),
        font,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (1 + len(objects), xref)
    )
    return out.getvalue()


def stamp_pdf(data: bytes, text: str) -> bytes:
    """`data` (a PDF) with `text` drawn on every page. Raises pypdf's errors for a file it
    cannot read (e.g. encrypted): the caller must not serve such a file unstamped."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    overlays: dict[tuple[float, float], object] = {}
    for page in writer.pages:
        box = page.mediabox
        key = (float(box.width), float(box.height))
        if key not in overlays:
            overlays[key] = PdfReader(io.BytesIO(overlay_pdf(*key, text))).pages[0]
        page.merge_translated_page(overlays[key], float(box.left), float(box.bottom))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
