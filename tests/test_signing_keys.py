"""The key that signs manifests: from the environment or a file, published, rotated (issue 20)."""

import io
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from joserfc import jws as other_jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from core.manifests import keys


def verify_elsewhere(token: str, jwks: dict) -> bytes:
    keyset = KeySet.import_key_set(jwks)
    return other_jws.deserialize_compact(token, keyset, algorithms=["EdDSA"]).payload


@pytest.mark.django_db
def test_the_published_keys_verify_a_signature_and_refuse_a_changed_payload(client):
    token = keys.sign(b'{"version":1}')
    response = client.get("/.well-known/jwks.json")
    jwks = response.json()

    assert verify_elsewhere(token, jwks) == b'{"version":1}'
    header, payload, signature = token.split(".")
    forged = "eyJ2ZXJzaW9uIjoyfQ"  # {"version":2}
    with pytest.raises(BadSignatureError):
        verify_elsewhere(f"{header}.{forged}.{signature}", jwks)
    assert other_jws.extract_compact(token.encode()).headers()["kid"] == jwks["keys"][0]["kid"]


@pytest.mark.django_db
def test_the_key_set_holds_only_public_halves_and_is_cacheable_by_anyone(
    client, django_assert_num_queries
):
    client.get("/.well-known/jwks.json")  # the page cache reads the time of its next change
    with django_assert_num_queries(0):
        response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=3600" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert not response.cookies
    (key,) = response.json()["keys"]
    assert set(key) == {"kty", "crv", "x", "kid", "alg", "use"}
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert client.post("/.well-known/jwks.json").status_code == 405


def test_a_rotated_key_keeps_old_manifests_verifiable(settings, tmp_path):
    key_file, retired_file = tmp_path / "signing-key.pem", tmp_path / "retired.json"
    call_command("signing_key", "new", "--out", str(key_file), stdout=io.StringIO())
    settings.NEWSROOM_SIGNING_KEY_FILE = str(key_file)
    old_kid, old_token = keys.current_kid(), keys.sign(b"{}")

    out = io.StringIO()
    call_command(
        "signing_key", "rotate", "--key-file", str(key_file), "--retired-file", str(retired_file),
        stdout=out,
    )  # fmt: skip
    settings.NEWSROOM_SIGNING_KEY_FILE = str(key_file)  # the servers restarted
    settings.NEWSROOM_SIGNING_RETIRED_KEYS_FILE = str(retired_file)

    jwks = keys.public_jwks()
    assert keys.current_kid() != old_kid
    assert [key["kid"] for key in jwks["keys"]] == [keys.current_kid(), old_kid]
    assert verify_elsewhere(old_token, jwks) == b"{}"
    new_token = keys.sign(b"{}")
    assert verify_elsewhere(new_token, jwks) == b"{}"
    assert '"d"' not in retired_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert old_kid in out.getvalue()


def test_a_key_is_never_overwritten(tmp_path):
    key_file = tmp_path / "signing-key.pem"
    key_file.write_text("precious")
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("signing_key", "new", "--out", str(key_file), stdout=io.StringIO())
    assert key_file.read_text() == "precious"


def rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (rsa_pem, "is a RSA key; manifests are signed with Ed25519"),
        (lambda: "not a key at all", "is not a private key in PEM or JWK form"),
        (
            lambda: json.dumps(keys.public_jwk(keys.new_private_key())),
            "holds only a public key",
        ),
    ],
)
def test_a_wrong_key_is_refused_in_plain_words(settings, value, message):
    settings.NEWSROOM_SIGNING_KEY = value()
    with pytest.raises(keys.SigningKeyMissing, match=message):
        keys.sign(b"{}")


def test_a_private_key_among_the_retired_ones_is_refused(settings, tmp_path):
    retired = tmp_path / "retired.json"
    retired.write_text(json.dumps({"keys": [json.loads(keys.new_private_key().export_private())]}))
    settings.NEWSROOM_SIGNING_RETIRED_KEYS_FILE = str(retired)
    with pytest.raises(ImproperlyConfigured, match="holds a private key"):
        keys.public_jwks()


def test_the_key_may_come_from_the_environment_as_a_jwk(settings):
    key = keys.new_private_key()
    settings.NEWSROOM_SIGNING_KEY = key.export_private()
    assert keys.current_kid() == key.thumbprint()
    assert keys.verify(keys.sign(b"{}")) == b"{}"


def test_verify_refuses_a_token_from_an_unknown_key(settings):
    settings.NEWSROOM_SIGNING_KEY = keys.new_private_key().export_private()
    stranger = keys.sign(b"{}")
    settings.NEWSROOM_SIGNING_KEY = keys.new_private_key().export_private()
    with pytest.raises(keys.BadSignature, match="No published key"):
        keys.verify(stranger)


def test_manage_py_check_names_an_unreadable_retired_keys_file(settings, tmp_path):
    settings.NEWSROOM_SIGNING_RETIRED_KEYS_FILE = str(tmp_path / "missing.json")
    with pytest.raises(SystemCheckError, match="manifests.E001"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())
