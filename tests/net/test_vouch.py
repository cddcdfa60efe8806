"""The VouchCookie token: given or minted, and never shown."""

from __future__ import annotations

import jwt
import pytest

from softphone.net.vouch import (
    VouchConfig,
    VouchError,
    mint_token,
    token_from_cookie_header,
    verify_token,
)

KEY = "a-shared-secret-at-least-32-bytes-long"


def test_minted_token_carries_the_documented_claims() -> None:
    config = VouchConfig(
        secret="s3cret-of-the-gateway-32-bytes-long",
        username="test.user@creditkasa.com",
        user_id="12341",
    )
    name, _, token = config.cookie_value().partition("=")
    assert name == "VouchCookie"
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"
    claims = jwt.decode(token, "s3cret-of-the-gateway-32-bytes-long", algorithms=["HS256"])
    assert claims == {"username": "test.user@creditkasa.com", "userID": "12341"}
    assert config.headers() == {"Cookie": f"VouchCookie={token}"}


def test_given_token_is_used_verbatim() -> None:
    token = mint_token(KEY, username="u", user_id="1")
    assert VouchConfig(token=token).cookie_value() == f"VouchCookie={token}"


def test_headers_are_a_fresh_dict_each_time() -> None:
    config = VouchConfig(token=mint_token(KEY, username="u", user_id="1"))
    first = config.headers()
    first.pop("Cookie")
    assert "Cookie" in config.headers()


def test_repr_hides_secret_and_token() -> None:
    secret = "topsecret-topsecret-topsecret-topsecret"
    token = mint_token(secret, username="u", user_id="1")
    for config in (VouchConfig(token=token), VouchConfig(secret=secret, username="u", user_id="1")):
        assert secret not in repr(config) and token not in repr(config)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"token": "a", "secret": "b", "username": "u", "user_id": "1"},
        {"secret": "b"},
        {"token": "bad token; with spaces"},
        {"secret": "", "username": "u", "user_id": "1"},
    ],
)
def test_bad_configurations_are_refused(kwargs: dict[str, str]) -> None:
    with pytest.raises(VouchError) as info:
        VouchConfig(**kwargs).cookie_value()
    assert str(info.value) != "b"  # never echoes a secret back


def test_verify_and_extract() -> None:
    token = mint_token(KEY, username="u", user_id="7")
    assert token_from_cookie_header(f"a=1; VouchCookie={token}; b=2") == token
    assert token_from_cookie_header("a=1") is None and token_from_cookie_header(None) is None
    assert verify_token(token, KEY) == {"username": "u", "userID": "7"}
    assert verify_token(token, "other-key-other-key-other-key-other") is None
    assert verify_token(jwt.encode({"username": "u"}, KEY, algorithm="HS256"), KEY) is None
    assert verify_token("garbage", KEY) is None
