"""Every public version of an item is signed, chained and checkable by anyone (issue 20)."""

import base64
import datetime as dt
import hashlib
import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from joserfc import jws as other_jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from core.manifests import record
from core.manifests.models import AppendOnly, Manifest
from media_centre import verification
from media_centre.models import PressRelease, Status
from media_centre.views.verify import CHECKS_PER_MINUTE

from .browser.test_csp import desk_groups  # noqa: F401 (a fixture)
from .conftest import MINIMAL_PDF, make_document, make_event, make_mou, make_release, make_study
from .test_drafts import edit, publish

pytestmark = pytest.mark.django_db

HEADLINE = "FSDC and the SRCFSD Organised a Seminar"


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def signed(release) -> Manifest:
    verification.sign(release)
    return Manifest.objects.of(release).order_by("-version").first()


def links(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {a.get_text(strip=True): a["href"] for a in soup.find_all("a", href=True)}


def verify_with_other_library(token: str, jwks: dict) -> dict:
    """What a journalist's tool does: joserfc, not the project's JOSE library."""
    decoded = other_jws.deserialize_compact(
        token, KeySet.import_key_set(jwks), algorithms=["EdDSA"]
    )
    return json.loads(decoded.payload)


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seed", stdout=io.StringIO())
    return PressRelease.objects.get(headline__startswith=HEADLINE)


def test_the_seed_release_is_signed_and_verifies_offline_with_another_jose_library(client, seeded):
    assert Manifest.objects.of(seeded).count() == 1
    page = client.get(seeded.get_absolute_url())
    verify_url = links(page)["Verify this page"]
    verify = client.get(verify_url)
    assert verify.status_code == 200
    found = links(verify)
    token = client.get(found["Download (JWS)"]).content.decode()
    jwks = client.get(found["This site's signing keys (JWKS)"]).json()

    manifest = verify_with_other_library(token, jwks)

    assert manifest["version"] == 1 and manifest["previous"] is None
    assert manifest["sub"].endswith(seeded.get_absolute_url())
    assert manifest["published_at"] == "2025-06-19T02:00:00Z"
    english = client.get(found["English"]).content
    assert "“Hong Kong will continue to leverage" in english.decode()
    assert hashlib.sha256(english).hexdigest() == manifest["languages"]["en"]["sha256"]
    (document,) = manifest["documents"]
    pdf = b"".join(client.get(document["url"].removeprefix("http://testserver")).streaming_content)
    assert hashlib.sha256(pdf).hexdigest() == document["sha256"]

    # One byte changed, in the text or the PDF, no longer matches what was signed.
    assert hashlib.sha256(english[:-1] + b"!").hexdigest() != manifest["languages"]["en"]["sha256"]
    assert hashlib.sha256(pdf[:-1] + b"\x00").hexdigest() != document["sha256"]
    # And one byte changed in the manifest breaks its signature.
    header, payload, signature = token.split(".")
    forged = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    with pytest.raises(BadSignatureError):
        verify_with_other_library(f"{header}.{forged}.{signature}", jwks)


def test_loading_the_seed_again_signs_nothing_new(seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seed", stdout=io.StringIO())
    assert Manifest.objects.of(seeded).count() == 1


@pytest.mark.usefixtures("desk_groups")
def test_a_published_correction_is_a_new_version_chained_to_the_last(
    client, editor, publisher, django_capture_on_commit_callbacks
):
    release = make_release(body="<p>The first body.</p>")
    first = signed(release)
    client.force_login(editor)
    edit(client, release, body_en="<p>The corrected body.</p>")
    assert Manifest.objects.of(release).count() == 1  # a draft is not public: not signed
    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        publish(client, release, kind="correction", note_en="The body was corrected.")

    second = Manifest.objects.of(release).order_by("-version").first()
    assert second.version == 2 and second.change == "correction"
    payload = json.loads(client.get(f"/manifests/{second.sha256}.json").content)
    assert payload["previous"] == first.sha256 == hashlib.sha256(first.token.encode()).hexdigest()
    assert payload["note"] == {"en": "The body was corrected."}
    history = text(Client().get(release.get_verify_url()))
    assert "Correction" in history and "The body was corrected." in history
    assert "First published" in history


def test_saving_a_public_item_without_a_change_signs_nothing(django_capture_on_commit_callbacks):
    release = make_release()
    signed(release)
    with django_capture_on_commit_callbacks(execute=True):
        release.save()
    assert Manifest.objects.of(release).count() == 1


def check_text(client, release, pasted: str):
    return client.get(release.get_verify_url(), {"text": pasted})


def test_a_pasted_quote_is_found_even_with_other_quotation_marks_and_line_breaks(client):
    release = make_release(body="<p>Hong Kong will “continue to leverage” its market.</p>")
    signed(release)
    response = check_text(client, release, 'will "continue\nto leverage"  its')
    assert response.status_code == 200
    assert "Found, and current." in text(response)
    assert "no-store" in response["Cache-Control"]


def test_a_quote_removed_by_a_later_version_is_not_current(client):
    release = make_release(body="<p>The old words of the first version.</p>")
    signed(release)
    PressRelease.objects.filter(pk=release.pk).update(body="<p>Entirely new words.</p>")
    release.refresh_from_db()
    verification.sign(release)

    page = text(check_text(client, release, "old words of the first"))
    assert "Published, but no longer current." in page
    assert "changed or removed in version 2" in page
    assert "Found, and current." in text(check_text(client, release, "Entirely new words"))


def test_a_made_up_quote_is_not_found(client):
    release = make_release()
    signed(release)
    assert "Not found." in text(check_text(client, release, "We will raise rates tomorrow."))


def test_a_too_short_or_empty_paste_is_a_form_error(client):
    release = make_release()
    signed(release)
    short = check_text(client, release, "the")
    assert short.status_code == 400 and "Paste a little more" in text(short)
    assert check_text(client, release, "").status_code == 400


def test_an_uploaded_copy_of_the_pdf_matches_and_a_changed_copy_does_not(client):
    release = make_release(pdf=make_document(content=MINIMAL_PDF))
    signed(release)
    url = release.get_verify_url()

    same = client.post(url, {"file": SimpleUploadedFile("copy.pdf", MINIMAL_PDF)})
    changed = client.post(url, {"file": SimpleUploadedFile("copy.pdf", MINIMAL_PDF + b"\n")})

    assert same.status_code == 200 and "This file matches, and it is current." in text(same)
    assert "This file does not match." in text(changed)
    assert "no-store" in same["Cache-Control"]


def test_a_replaced_document_is_a_new_version_and_the_old_file_is_no_longer_current(
    client, django_capture_on_commit_callbacks
):
    document = make_document(content=MINIMAL_PDF)
    release = make_release(pdf=document)
    signed(release)
    with django_capture_on_commit_callbacks(execute=True):
        document.file = ContentFile(MINIMAL_PDF + b"%new\n", name="new.pdf")
        document.save()

    latest = Manifest.objects.of(release).order_by("-version").first()
    assert latest.version == 2 and latest.change == "file"
    old = client.post(release.get_verify_url(), {"file": SimpleUploadedFile("a.pdf", MINIMAL_PDF)})
    assert "This file matches an earlier version." in text(old)


def test_an_empty_upload_or_a_missing_file_is_a_form_error(client):
    release = make_release()
    signed(release)
    url = release.get_verify_url()
    assert client.post(url, {"file": SimpleUploadedFile("empty.pdf", b"")}).status_code == 400
    assert client.post(url, {}).status_code == 400


def test_uploads_are_limited_per_visitor(client):
    release = make_release()
    signed(release)
    answers = [
        client.post(release.get_verify_url(), {"file": SimpleUploadedFile("a.pdf", b"x")})
        for _ in range(CHECKS_PER_MINUTE + 1)
    ]
    assert answers[-1].status_code == 429


def test_a_scheduled_release_is_signed_only_once_it_is_public(client):
    release = make_release(publish_at=timezone.now() + dt.timedelta(hours=1))
    assert verification.sign(release) is None
    assert client.get(f"{release.get_absolute_url()}verify/").status_code == 404

    PressRelease.objects.filter(pk=release.pk).update(
        publish_at=timezone.now() - dt.timedelta(minutes=1)
    )
    verification.sign_new_versions.call()

    (manifest,) = Manifest.objects.of(release)
    assert manifest.published_at == PressRelease.objects.get(pk=release.pk).publish_at


def test_a_withdrawn_item_answers_410_and_its_manifests_are_gone(client):
    release = make_release()
    manifest = signed(release)
    PressRelease.objects.filter(pk=release.pk).update(
        status=Status.WITHDRAWN, withdrawn_reason="Issued in error."
    )
    assert client.get(release.get_verify_url()).status_code == 410
    assert client.get(f"/manifests/{manifest.sha256}.jws").status_code == 404
    assert client.get(f"/manifests/{manifest.sha256}/en.txt").status_code == 404


@pytest.mark.parametrize("address", ["/manifests/nothex.jws", f"/manifests/{'0' * 64}.json"])
def test_unknown_manifests_are_404(client, address):
    assert client.get(address).status_code == 404


@pytest.mark.parametrize("factory", [make_event, make_mou, make_study])
def test_events_mous_and_studies_have_verify_pages(client, factory):
    item = factory()
    signed(item)
    page = client.get(item.get_absolute_url())
    response = client.get(links(page)["Verify this page"])
    assert response.status_code == 200
    assert "The current version" in text(response)


def test_each_language_with_its_own_text_is_fingerprinted(client):
    release = make_release(headline_zh_hant="研討會", body_zh_hant="<p>繁體正文。</p>")
    manifest = signed(release)
    payload = json.loads(client.get(f"/manifests/{manifest.sha256}.json").content)
    assert set(payload["languages"]) == {"en", "zh-hant", "zh-hans"}  # Simplified converted
    simplified = client.get(f"/manifests/{manifest.sha256}/zh-hans.txt").content.decode()
    assert "繁体正文" in simplified
    with translation.override("zh-hant"):
        assert payload["languages"]["zh-hant"]["url"].endswith(release.get_absolute_url())


def test_the_signed_record_is_append_only():
    manifest = signed(make_release())
    with pytest.raises(AppendOnly):
        Manifest.objects.update(change="minor")
    with pytest.raises(AppendOnly):
        manifest.delete()
    with pytest.raises(AppendOnly):
        manifest.save()


def test_the_verify_page_makes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    release = make_release()
    signed(release)
    for n in range(5):
        PressRelease.objects.filter(pk=release.pk).update(body=f"<p>Version {n}.</p>")
        release.refresh_from_db()
        verification.sign(release)
    with django_assert_max_num_queries(7):  # as with one version: the page chrome included
        response = client.get(release.get_verify_url())
    assert response.status_code == 200
    assert len(re.findall(r"/manifests/[0-9a-f]{64}\.jws", response.content.decode())) == 7


# The signed record, exported by a publisher


def test_a_publisher_exports_every_manifest_with_the_public_keys(client, publisher, editor):
    first, second = signed(make_release()), signed(make_event())
    client.force_login(publisher)
    listing = client.get("/admin/manifests/manifest/")
    assert listing.status_code == 200
    export_url = links(listing)["Export the signed record with its public keys"]

    response = client.get(export_url)

    assert response["Content-Disposition"].startswith('attachment; filename="signed-record-')
    record = json.loads(b"".join(response.streaming_content))
    assert [m["sha256"] for m in record["manifests"]] == [first.sha256, second.sha256]
    for entry in record["manifests"]:
        payload = verify_with_other_library(entry["jws"], record["keys"])
        assert payload["version"] == 1
    assert all("d" not in key for key in record["keys"]["keys"])

    client.force_login(editor)
    assert client.get(export_url).status_code == 403


def test_the_export_command_writes_the_same_record(tmp_path):
    manifest = signed(make_release())
    out = tmp_path / "record.json"
    call_command("export_signed_record", str(out))
    record = json.loads(out.read_text())
    assert record["manifests"] == [{"sha256": manifest.sha256, "jws": manifest.token}]


def readme_commands() -> str:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    block = readme.split("<!-- verify-offline -->", 1)[1].split("<!-- /verify-offline -->")[0]
    return block.split("```sh\n", 1)[1].split("```", 1)[0]


def test_the_readmes_offline_commands_verify_a_real_manifest_and_refuse_a_changed_one(
    client, tmp_path
):
    release = make_release(body="<p>What the site said.</p>")
    manifest = signed(release)
    (tmp_path / "manifest.jws").write_text(client.get(f"/manifests/{manifest.sha256}.jws").text)
    (tmp_path / "jwks.json").write_bytes(client.get("/.well-known/jwks.json").content)
    english = client.get(f"/manifests/{manifest.sha256}/en.txt").content
    (tmp_path / "en.txt").write_bytes(english)

    run = subprocess.run(
        ["bash", "-c", readme_commands()], cwd=tmp_path, capture_output=True, text=True
    )

    assert "Signature Verified Successfully" in run.stdout, run.stderr
    payload = json.loads((tmp_path / "manifest.json").read_text())
    digest = subprocess.run(["sha256sum", "en.txt"], cwd=tmp_path, capture_output=True, text=True)
    assert digest.stdout.split()[0] == payload["languages"]["en"]["sha256"]

    header, body, signature = manifest.token.split(".")
    changed = record.encode({**record.payload_of(manifest), "version": 9})
    forged_body = base64.urlsafe_b64encode(changed).rstrip(b"=").decode()
    (tmp_path / "manifest.jws").write_text(f"{header}.{forged_body}.{signature}")
    run = subprocess.run(
        ["bash", "-c", readme_commands()], cwd=tmp_path, capture_output=True, text=True
    )
    assert "Signature Verified Successfully" not in run.stdout


def test_the_desk_form_of_a_public_item_links_its_signed_version(client, publisher):
    release = make_release()
    client.force_login(publisher)
    form = f"/admin/media_centre/pressrelease/{release.pk}/change/"
    assert "its signed version is being prepared" in text(client.get(form))
    signed(release)
    assert links(client.get(form))["signed version 1: its Verify page"] == release.get_verify_url()


def test_odd_posts_to_the_verify_page_are_answered_not_crashed_on(client):
    release = make_release()
    signed(release)
    url = release.get_verify_url()
    assert client.post(url, {"file": "not a file"}).status_code == 400
    assert client.post(url, "x=1", content_type="application/json").status_code == 400
    broken = client.post(url, b"--b\r\nnonsense", content_type="multipart/form-data; boundary=b")
    assert broken.status_code < 500
    assert client.put(url).status_code == 405


# Withdrawals end a version's time in public, signed


def test_a_withdrawal_is_signed_once_with_its_reason_and_publishing_again_is_a_new_version(
    client, publisher, django_capture_on_commit_callbacks
):
    release = make_release()
    signed(release)
    client.force_login(publisher)
    withdraw = f"/admin/media_centre/pressrelease/{release.pk}/withdraw/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            withdraw,
            {"confirm": "1", "reason": "Issued in error."},
        )
    release.refresh_from_db()
    assert release.is_gone()
    with django_capture_on_commit_callbacks(execute=True):
        release.save()  # another save of the withdrawn item signs nothing more

    versions = list(Manifest.objects.of(release).order_by("version"))
    assert [v.change for v in versions] == ["first", "withdrawn"]
    withdrawal = record.payload_of(versions[1])
    assert withdrawal["withdrawn"] == {"reason": "Issued in error."}
    assert withdrawal["languages"] == {} and withdrawal["previous"] == versions[0].sha256

    with django_capture_on_commit_callbacks(execute=True):
        publish(client, release)
    assert Manifest.objects.of(release).order_by("-version").first().change == "again"
    history = text(Client().get(release.get_verify_url()))
    assert "Withdrawn" in history and "Issued in error." in history and "Published again" in history


def test_a_withdrawal_time_passing_with_nobody_saving_is_signed_by_the_worker():
    release = make_release()
    signed(release)
    gone_at = timezone.now() - dt.timedelta(minutes=1)
    PressRelease.objects.filter(pk=release.pk).update(unpublish_at=gone_at)

    verification.sign_new_versions.call()
    verification.sign_new_versions.call()

    last = Manifest.objects.of(release).order_by("-version").first()
    assert (last.version, last.change, last.published_at) == (2, "withdrawn", gone_at)
