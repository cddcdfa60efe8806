"""The one VouchCookie check both simulator endpoints (Mediatel and SIP) ask."""

from __future__ import annotations

from softphone.net.vouch import mint_token
from softphone.sim.gateway import Gateway

SECRET = "a-gateway-secret-of-at-least-32-bytes"


def cookie(token: str) -> str:
    return f"theme=dark; VouchCookie={token}"


def test_without_configuration_the_gateway_is_open() -> None:
    for gateway in (Gateway(), Gateway(secret="", token="")):
        assert gateway.open and gateway.admits(None) and gateway.admits("x=1")


def test_a_signed_cookie_passes_and_names_its_user() -> None:
    gateway = Gateway(secret=SECRET)
    good = mint_token(SECRET, username="demo", user_id="329")
    assert gateway.admits(cookie(good))
    assert gateway.claimed_user(cookie(good)) == "demo"
    forged = mint_token("another-secret-another-secret-xx", username="demo", user_id="329")
    assert not gateway.admits(cookie(forged)) and gateway.claimed_user(cookie(forged)) is None
    assert not gateway.admits(None) and not gateway.admits("VouchCookie=not-a-jwt")
    assert not gateway.admits(f"Other={good}"), "the token must be in the VouchCookie cookie"


def test_a_fixed_token_passes_as_it_is() -> None:
    gateway = Gateway(token="issued-by-the-crm")
    assert gateway.admits(cookie("issued-by-the-crm"))
    assert not gateway.admits(cookie("issued-by-someone-else"))
    assert gateway.claimed_user(cookie("issued-by-the-crm")) is None
    both = Gateway(secret=SECRET, token="issued-by-the-crm")
    assert both.admits(cookie("issued-by-the-crm"))
    assert both.admits(cookie(mint_token(SECRET, username="a", user_id="1")))
    assert "issued-by-the-crm" not in repr(both) and SECRET not in repr(both)
