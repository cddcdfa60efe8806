"""Errors the media layer raises, so callers never see aiortc's own exceptions."""

from __future__ import annotations


class MediaError(Exception):
    """Something about the call's media went wrong; the message says what."""


class SdpError(MediaError):
    """The remote SDP cannot be used: malformed, or nothing in it that we can play."""


class MediaStateError(MediaError):
    """The session was asked to do something its state does not allow (local misuse)."""
