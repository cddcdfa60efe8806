"""Where Mediatel is and who logs in: plain data, without python-socketio.

Kept apart from the client so that settings, diagnostics and the UI can
build and read them without importing the socket stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from softphone.net.vouch import VouchConfig


@dataclass(frozen=True)
class MediatelConfig:
    """How to reach Mediatel. ``url`` may be a bare host (then https is assumed)."""

    url: str
    vouch: VouchConfig | None = None
    verify_tls: bool = True
    ca_bundle: Path | None = None
    #: Where a chosen-but-unconfirmed call code is kept; None keeps it in memory only.
    data_dir: Path | None = None
    reconnection_delay: float = 1.0
    reconnection_delay_max: float = 30.0
    connect_timeout: float = 10.0

    @property
    def server_url(self) -> str:
        url = self.url.strip().rstrip("/")
        return url if "://" in url else f"https://{url}"


@dataclass(frozen=True)
class Credentials:
    """The agent's Mediatel login, held in memory only (repr hides the password)."""

    user: str
    password: str = field(repr=False)
    extension: str
