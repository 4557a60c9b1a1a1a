"""TEMPORARY stand-in for the signing keys (replaced by the keys helper's module)."""

import json
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwcrypto import jwk, jws


class SigningKeyMissing(ImproperlyConfigured):
    pass


class BadSignature(Exception):
    pass


@cache
def _key() -> jwk.JWK:
    path = getattr(settings, "NEWSROOM_SIGNING_KEY_FILE", "") or "/tmp/newsroom-dev-key.pem"
    try:
        with open(path, "rb") as f:
            return jwk.JWK.from_pem(f.read())
    except FileNotFoundError:
        key = jwk.JWK.generate(kty="OKP", crv="Ed25519")
        with open(path, "wb") as f:
            f.write(key.export_to_pem(private_key=True, password=None))
        return key


def current_kid() -> str:
    return _key().thumbprint()


def sign(payload: bytes) -> str:
    token = jws.JWS(payload)
    token.add_signature(
        _key(), None, json.dumps({"alg": "EdDSA", "kid": current_kid(), "typ": "JOSE"})
    )
    return token.serialize(compact=True)


def public_jwks() -> dict:
    public = json.loads(_key().export_public())
    return {"keys": [{**public, "kid": current_kid(), "alg": "EdDSA", "use": "sig"}]}


def verify(token: str) -> bytes:
    parsed = jws.JWS()
    try:
        parsed.deserialize(token)
        parsed.verify(jwk.JWK(**public_jwks()["keys"][0]))
    except Exception as error:
        raise BadSignature(str(error)) from error
    return parsed.payload
