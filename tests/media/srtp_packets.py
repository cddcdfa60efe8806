"""RTP and RTCP packets for the SRTP tests, and libsrtp itself (pylibsrtp) as their reference."""

from __future__ import annotations

import importlib
import random
import sys
from types import ModuleType


def libsrtp() -> ModuleType:
    """The installed pylibsrtp with its binding, even where ``import pylibsrtp`` binds ours.

    ``softphone.media`` makes ``pylibsrtp`` name our ``media/srtp.py`` for aiortc; the
    reference is imported beside it and the name given back.
    """
    ours = sys.modules.pop("pylibsrtp", None)
    try:
        real = importlib.import_module("pylibsrtp")
    finally:
        if ours is not None:
            sys.modules["pylibsrtp"] = ours
    assert hasattr(real, "_binding"), real
    return real


def rtp(rnd: random.Random, seq: int, ssrc: int, size: int | None = None) -> bytes:
    """An RTP packet with random CSRCs, header extension and padding, as a peer may send."""
    cc = rnd.choice((0, 0, 0, 1, 2, 15))
    extension_words = rnd.choice((None, None, 0, 1, 3))
    padding = rnd.choice((0, 0, 1, 4))
    first = 0x80 | cc | (0x10 if extension_words is not None else 0) | (0x20 if padding else 0)
    header = bytes((first, rnd.choice((0, 8, 111, 0x80 | 111))))
    header += seq.to_bytes(2, "big") + rnd.randbytes(4) + ssrc.to_bytes(4, "big")
    header += rnd.randbytes(4 * cc)
    if extension_words is not None:
        header += (
            b"\xbe\xde" + extension_words.to_bytes(2, "big") + rnd.randbytes(4 * extension_words)
        )
    body = rnd.randbytes(rnd.randint(0, 400) if size is None else size)
    if padding:
        body += bytes(padding - 1) + bytes((padding,))
    return header + body


def rtcp(rnd: random.Random, ssrc: int) -> bytes:
    """An RTCP packet (a receiver report and some more) from ``ssrc``."""
    return bytes((0x81, 201, 0, 7)) + ssrc.to_bytes(4, "big") + rnd.randbytes(rnd.randint(0, 120))
