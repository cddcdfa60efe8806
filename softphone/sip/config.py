"""``UAConfig``: who the user agent is and how it talks (re-exported by ``ua.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from softphone.sip.session_timer import SessionTimerConfig


@dataclass(frozen=True, slots=True)
class UAConfig:
    """Who we are and how we talk. ``user`` and ``domain`` form the AOR."""

    user: str
    domain: str
    password: str = field(default="", repr=False)
    auth_username: str | None = None  # defaults to ``user``
    realm: str | None = None  # None: answer any realm's challenge
    display_name: str | None = None
    registrar: str | None = None  # Request-URI of REGISTER; default sip:<domain>
    contact_host: str | None = None  # default: a random "<token>.invalid" (RFC 7118)
    transport: str = "WS"  # "WS" or "WSS": Via transport and Contact transport param
    instance_id: str | None = None  # "urn:uuid:..." for +sip.instance; default random
    reg_id: int = 1
    register_expires: int = 300
    user_agent: str = "softphone"
    session_timer: SessionTimerConfig = field(default_factory=SessionTimerConfig)
    reliable: bool = True  # WebSocket: reliable-transport timer values
    t1: float = 0.5
    t2: float = 4.0
    t4: float = 5.0
    register_retry_base: float = 2.0
    register_retry_max: float = 60.0
