"""WebSocket framing values the socket tests cannot reach: what the server puts
in its own frames (``tests/core/test_cti_protocol.py`` covers what it accepts)."""

from __future__ import annotations

import pytest

from softphone.core.ws_frames import (
    CloseCode,
    Opcode,
    ProtocolError,
    accept_key,
    close_frame,
    encode,
    parse_close,
)


def test_the_accept_key_of_rfc_6455s_example() -> None:
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


@pytest.mark.parametrize(("size", "head"), [(125, [0x81, 125]), (126, [0x81, 126, 0, 126])])
def test_a_server_frame_is_unmasked_with_the_shortest_length(size: int, head: list[int]) -> None:
    frame = encode(Opcode.TEXT, b"x" * size)
    assert list(frame[: len(head)]) == head and len(frame) == len(head) + size
    assert list(encode(Opcode.BINARY, b"x" * 70000)[:2]) == [0x82, 127]


def test_a_long_close_reason_is_cut_at_a_character_to_fit_a_control_frame() -> None:
    frame = close_frame(CloseCode.SERVICE_RESTART, "é" * 100)  # 200 bytes of UTF-8
    payload = frame[2:]
    assert frame[1] == len(payload) <= 125
    assert parse_close(payload) == (1012, "é" * 61)


def test_a_close_without_a_code_is_answered_without_one() -> None:
    assert close_frame(CloseCode.NO_STATUS) == bytes([0x88, 0])
    assert parse_close(b"") == (CloseCode.NO_STATUS, "")


@pytest.mark.parametrize("code", [999, 1004, 1005, 1006, 1015, 2999, 5000])
def test_codes_a_peer_may_not_send_are_a_protocol_error(code: int) -> None:
    with pytest.raises(ProtocolError) as error:
        parse_close(code.to_bytes(2, "big"))
    assert error.value.code is CloseCode.PROTOCOL_ERROR
