"""DTMF INFO bodies: what we send, and both formats PBXs send us."""

from __future__ import annotations

import pytest

from softphone.sip import LocalProtocolError
from softphone.sip.dtmf_info import DTMF_ALPHABET, build_dtmf_info, parse_dtmf_info


@pytest.mark.parametrize("digit", list(DTMF_ALPHABET))
def test_every_digit_round_trips_through_dtmf_relay(digit: str) -> None:
    info = build_dtmf_info(digit, 250)
    assert info.content_type == "application/dtmf-relay"
    assert info.body == f"Signal={digit}\r\nDuration=250\r\n"
    assert parse_dtmf_info(info.content_type, info.body) == digit


def test_lower_case_a_to_d_are_sent_upper_case() -> None:
    assert build_dtmf_info("b").body.startswith("Signal=B\r\n")


@pytest.mark.parametrize(
    ("content_type", "body", "digit"),
    [
        ("application/dtmf", "5", "5"),
        ("application/dtmf", " # \r\n", "#"),
        ("Application/DTMF-Relay; charset=utf-8", "signal= 7\nduration=100", "7"),
        ("application/dtmf-relay", "Duration=100\r\n", None),  # no Signal line
        ("application/dtmf-relay", "Signal=12\r\n", None),  # not one key
        ("application/dtmf", "E", None),
        ("text/plain", "5", None),
    ],
)
def test_parse(content_type: str, body: str, digit: str | None) -> None:
    assert parse_dtmf_info(content_type, body) == digit


@pytest.mark.parametrize(("digit", "duration"), [("E", 160), ("12", 160), ("", 160), ("5", 39)])
def test_bad_digit_or_duration_is_our_error(digit: str, duration: int) -> None:
    with pytest.raises(LocalProtocolError):
        build_dtmf_info(digit, duration)
