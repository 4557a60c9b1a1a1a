"""The Ed25519 keys that sign manifests: the private key from the environment or a file (never
the database), the public halves published as a JSON Web Key Set, retired ones kept."""

import json
import os
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from jwcrypto import jwk, jws
from jwcrypto.common import JWException

ALGORITHM = "EdDSA"  # RFC 8037: Ed25519 for JWS
HEADER_TYPE = "newsroom-manifest+jws"


class SigningKeyMissing(ImproperlyConfigured):
    """No usable signing key is configured."""


class BadSignature(Exception):
    """The token is not a manifest signed by one of the published keys."""


def new_private_key() -> jwk.JWK:
    return jwk.JWK.generate(kty="OKP", crv="Ed25519")


def as_pem(key: jwk.JWK) -> bytes:
    return key.export_to_pem(private_key=True, password=None)


def parse_private(text: str, where: str) -> jwk.JWK:
    """A private Ed25519 key given as PEM or as a JWK (JSON)."""
    text = text.strip()
    try:
        key = jwk.JWK.from_json(text) if text.startswith("{") else jwk.JWK.from_pem(text.encode())
    except (ValueError, TypeError, JWException) as error:
        raise SigningKeyMissing(
            f"{where} is not a private key in PEM or JWK form ({error}). Make one with "
            "`manage.py signing_key new --out FILE`."
        ) from None
    if key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
        raise SigningKeyMissing(
            f"{where} is a {key.get('kty')} key; manifests are signed with Ed25519 (EdDSA). "
            "Make one with `manage.py signing_key new --out FILE`."
        )
    if not key.has_private:
        raise SigningKeyMissing(f"{where} holds only a public key: signing needs the private one.")
    return key


def dev_key_file() -> Path:
    return Path(settings.BASE_DIR) / "signing-key.pem"


def create_key_file(path: Path) -> jwk.JWK:
    """A new private key in a file only its owner can read; never over an existing file."""
    key = new_private_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(as_pem(key))
    return key


@cache
def _private() -> jwk.JWK:
    if text := settings.NEWSROOM_SIGNING_KEY:
        return parse_private(text, "NEWSROOM_SIGNING_KEY")
    path = settings.NEWSROOM_SIGNING_KEY_FILE
    if not path and settings.DEBUG:
        # Development only: a key of its own beside the database (`make run` makes it first).
        path = dev_key_file()
        if not path.exists():
            try:
                return create_key_file(path)
            except FileExistsError:
                pass  # another process made it just now
    if not path:
        raise SigningKeyMissing(
            "No signing key: set NEWSROOM_SIGNING_KEY or NEWSROOM_SIGNING_KEY_FILE "
            "(README: Signing keys)."
        )
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise SigningKeyMissing(
            f"NEWSROOM_SIGNING_KEY_FILE ({path}) cannot be read: {error}"
        ) from None
    return parse_private(text, f"NEWSROOM_SIGNING_KEY_FILE ({path})")


def public_jwk(key: jwk.JWK) -> dict:
    public = json.loads(key.export_public())
    return {
        "kty": public["kty"],
        "crv": public["crv"],
        "x": public["x"],
        "kid": key.thumbprint(),
        "alg": ALGORITHM,
        "use": "sig",
    }


def retired_keys(path: str | os.PathLike | None = None) -> list[dict]:
    """The retired public keys (a JWKS file), each checked: public, Ed25519."""
    path = path or settings.NEWSROOM_SIGNING_RETIRED_KEYS_FILE
    if not path:
        return []
    try:
        document = json.loads(Path(path).read_text())
        keys = document["keys"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ImproperlyConfigured(
            f"NEWSROOM_SIGNING_RETIRED_KEYS_FILE ({path}) is not a readable JSON Web Key Set: "
            f"{error}"
        ) from None
    found = []
    for entry in keys:
        try:
            key = jwk.JWK(**entry)
        except (ValueError, TypeError, JWException) as error:
            raise ImproperlyConfigured(f"A retired key in {path} is not a key: {error}") from None
        if key.has_private:
            raise ImproperlyConfigured(
                f"{path} holds a private key: keep only the public halves of retired keys."
            )
        if key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
            raise ImproperlyConfigured(f"A retired key in {path} is not an Ed25519 key.")
        found.append(public_jwk(key))
    return found


@cache
def _jwks() -> dict:
    current = public_jwk(_private())
    retired = [key for key in retired_keys() if key["kid"] != current["kid"]]
    return {"keys": [current, *retired]}


def current_kid() -> str:
    return _private().thumbprint()


def public_jwks() -> dict:
    """The public halves: the current key first, then the retired ones."""
    return _jwks()


def sign(payload: bytes) -> str:
    """`payload` as a compact JWS signed with the current key."""
    token = jws.JWS(payload)
    header = {"alg": ALGORITHM, "kid": current_kid(), "typ": HEADER_TYPE, "cty": "json"}
    token.add_signature(_private(), None, json.dumps(header))
    return token.serialize(compact=True)


def verify(token: str) -> bytes:
    """The payload of a manifest signed by one of the published keys."""
    parsed = jws.JWS()
    try:
        parsed.deserialize(token)
        kid = parsed.jose_header.get("kid")
        entry = next((key for key in public_jwks()["keys"] if key["kid"] == kid), None)
        if entry is None:
            raise BadSignature(f"No published key has the id {kid!r}.")
        parsed.verify(jwk.JWK(**entry), alg=ALGORITHM)
    except (JWException, ValueError) as error:
        raise BadSignature(str(error)) from None
    return parsed.payload


def _forget(setting, **kwargs) -> None:
    if setting.startswith("NEWSROOM_SIGNING") or setting in ("DEBUG", "BASE_DIR"):
        _private.cache_clear()
        _jwks.cache_clear()


setting_changed.connect(_forget, dispatch_uid="core.manifests.keys.forget")
