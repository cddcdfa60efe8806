"""Session timers (RFC 4028): negotiation rules, kept apart from the call logic.

Why: a call whose far end vanished without a BYE (a crashed browser, a PBX
restart) would otherwise stay "in call" forever and block the agent. The
Mediatel example client (JsSIP, ``session_timers_refresh_method: invite``)
refreshes by re-INVITE, so that is the only refresh method used here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from softphone.sip.errors import RemoteProtocolError
from softphone.sip.grammar import WS, parse_params
from softphone.sip.message import Request, Response

MIN_SE_FLOOR = 90  # RFC 4028 §4: no interval below 90 s


class Refresher(enum.Enum):
    UAC = "uac"
    UAS = "uas"


@dataclass(frozen=True, slots=True)
class SessionTimerConfig:
    enabled: bool = True
    session_expires: int = 1800  # what we ask for (RFC 4028 recommends 1800)
    min_se: int = MIN_SE_FLOOR  # the shortest interval we accept


@dataclass(frozen=True, slots=True)
class SessionTimer:
    """The negotiated timer of one dialog after a successful (re-)INVITE."""

    interval: int
    we_refresh: bool

    @property
    def refresh_after(self) -> float:
        """The refresher sends its re-INVITE at half the interval (§10)."""
        return self.interval / 2

    @property
    def expire_after(self) -> float:
        """The other side gives up at interval - min(32, interval/3) (§10)."""
        return self.interval - min(32.0, self.interval / 3)


def parse_session_expires(value: str) -> tuple[int, Refresher | None]:
    delta, semi, rest = value.strip(WS).partition(";")
    delta = delta.strip(WS)
    if not delta.isdigit() or len(delta) > 10:
        raise RemoteProtocolError(f"bad Session-Expires {value[:30]!r}")
    refresher: Refresher | None = None
    if semi:
        for name, param in parse_params(rest, what="Session-Expires parameter"):
            if name.lower() == "refresher":
                try:
                    refresher = Refresher((param or "").lower())
                except ValueError as exc:
                    raise RemoteProtocolError("bad Session-Expires refresher") from exc
    return int(delta), refresher


def parse_min_se(value: str | None) -> int | None:
    if value is None:
        return None
    delta = value.strip(WS).partition(";")[0].strip(WS)
    if not delta.isdigit() or len(delta) > 10:
        raise RemoteProtocolError(f"bad Min-SE {value[:30]!r}")
    return int(delta)


def supports_timer(message: Request | Response) -> bool:
    options = [o.lower() for o in message.headers.get_all("Supported")]
    options += [o.lower() for o in message.headers.get_all("Require")]
    return "timer" in options


def request_headers(
    config: SessionTimerConfig, current: SessionTimer | None, *, interval: int | None = None
) -> list[tuple[str, str]]:
    """Session-Expires / Min-SE for an INVITE we send (§7.1).

    In a refresh we keep the current interval and name ourselves refresher
    ("uac" of this transaction) if we are the refresher, so it stays with us.
    """
    if not config.enabled:
        return []
    se = interval or (current.interval if current else config.session_expires)
    value = str(se)
    if current is not None:
        value += ";refresher=" + ("uac" if current.we_refresh else "uas")
    return [("Session-Expires", value), ("Min-SE", str(config.min_se))]


@dataclass(frozen=True, slots=True)
class UasDecision:
    """What to do with an incoming (re-)INVITE: 422, or these headers on the 2xx."""

    too_small: int | None  # answer 422 with this Min-SE
    timer: SessionTimer | None
    headers: tuple[tuple[str, str], ...]


def negotiate_as_uas(request: Request, config: SessionTimerConfig) -> UasDecision:
    """§9: choose the interval and the refresher for our 2xx.

    We leave refreshing to a caller that supports timers (it has the
    re-INVITE machinery, JsSIP does) unless it named a refresher; a caller
    without timer support gets us as refresher.
    """
    if not config.enabled:
        return UasDecision(None, None, ())
    value = request.headers.get("Session-Expires")
    uac_supports = supports_timer(request)
    their_min = parse_min_se(request.headers.get("Min-SE")) or MIN_SE_FLOOR
    if value is None:
        if not uac_supports:
            return UasDecision(None, None, ())
        interval, refresher = max(config.session_expires, their_min), None
    else:
        interval, refresher = parse_session_expires(value)
        if interval < config.min_se:
            return UasDecision(max(config.min_se, their_min), None, ())
    if refresher is None:
        refresher = Refresher.UAC if uac_supports else Refresher.UAS
    headers = [("Session-Expires", f"{interval};refresher={refresher.value}")]
    if uac_supports:
        headers.append(("Require", "timer"))
    timer = SessionTimer(interval=interval, we_refresh=refresher is Refresher.UAS)
    return UasDecision(None, timer, tuple(headers))


def negotiated_as_uac(response: Response, config: SessionTimerConfig) -> SessionTimer | None:
    """§7.2: the 2xx to our (re-)INVITE fixes the interval and refresher."""
    if not config.enabled:
        return None
    value = response.headers.get("Session-Expires")
    if value is None:
        return None
    interval, refresher = parse_session_expires(value)
    if interval <= 0:
        return None
    return SessionTimer(interval=interval, we_refresh=refresher is not Refresher.UAS)


def retry_interval_after_422(response: Response, asked: int) -> int | None:
    """The interval to retry with after a 422 (§7.4); None if it would not help."""
    min_se = parse_min_se(response.headers.get("Min-SE"))
    if min_se is None or min_se <= asked:
        return None
    return min_se
