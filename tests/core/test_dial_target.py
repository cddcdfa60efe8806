"""Numbers and links ``softphone dial`` accepts, and the ones it turns down."""

from __future__ import annotations

import pytest

from softphone.core.dial_target import dial_number, is_dial_link


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0661234567", "0661234567"),
        (" +380 (44) 123-45-67 ", "+380441234567"),
        ("tel:+380-44-123-45-67", "+380441234567"),
        ("TEL:+380441234567;phone-context=example.com", "+380441234567"),
        ("tel:%2B380441234567", "+380441234567"),
        ("sip:0661234567@pbx.example.com", "0661234567"),
        ("sips:+380441234567@pbx.example.com;transport=tls", "+380441234567"),
        ("sip:3444;user=phone@webrtc.example", "3444"),
        ("callto://0661234567", "0661234567"),
        ("*21#", "*21#"),
    ],
)
def test_numbers_and_links(text: str, number: str) -> None:
    assert dial_number(text) == number


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("sip:pbx.example.com", "names no number"),
        ("sip:alice@example.com", "not a phone number"),
        ("tel:", "not a phone number"),
        ("javascript:alert(1)", "not a phone number"),
        ("1" * 33, "not a phone number"),
        ("12+34", "not a phone number"),
        ("", "not a phone number"),
    ],
)
def test_what_is_not_a_number_says_so(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        dial_number(text)


def test_links_are_recognised_by_scheme() -> None:
    assert is_dial_link("tel:+380") and is_dial_link("SIP:1@x") and is_dial_link("callto:1")
    assert not is_dial_link("dial") and not is_dial_link("0661234567")
