"""Userinfo answered as JSON or as a signed JWT (application/jwt), as Pro Santé Connect and
ProConnect do."""

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from tremplin.identity.oidc import _userinfo

KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256"})
OTHER = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256"})


class _Response:
    def __init__(self, body: str, content_type: str) -> None:
        self.text = body
        self.headers = {"Content-Type": content_type}

    def raise_for_status(self) -> None:
        return None

    def json(self) -> object:
        import json

        return json.loads(self.text)


class _Client:
    def __init__(self, response: _Response) -> None:
        self.response = response

    def load_server_metadata(self) -> dict:
        return {"userinfo_endpoint": "https://provider.example/userinfo"}

    def get(self, url: str, token: dict) -> _Response:
        assert url == "https://provider.example/userinfo"
        return self.response

    def fetch_jwk_set(self) -> dict:
        return KeySet([KEY]).as_dict(private=False)


def test_it_reads_json_userinfo():
    client = _Client(_Response('{"sub": "a", "siret": "1"}', "application/json; charset=utf-8"))
    assert _userinfo(client, {}) == {"sub": "a", "siret": "1"}


def test_it_reads_a_signed_jwt_userinfo_with_the_providers_keys():
    body = jwt.encode({"alg": "RS256", "kid": "k1"}, {"sub": "a", "SubjectNameID": "8x"}, KEY)
    client = _Client(_Response(body, "application/jwt"))
    assert _userinfo(client, {}) == {"sub": "a", "SubjectNameID": "8x"}


def test_it_refuses_a_jwt_userinfo_signed_by_another_key():
    body = jwt.encode({"alg": "RS256", "kid": "k1"}, {"sub": "a"}, OTHER)
    client = _Client(_Response(body, "application/jwt"))
    with pytest.raises(JoseError):
        _userinfo(client, {})
