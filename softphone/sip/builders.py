"""Pure message builders and readers of the user agent.

No state and no sending here: each function turns its arguments into a
request or response (or reads one), so the call logic elsewhere stays about
*when* to send, and these stay easy to test and to read against the RFCs.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from softphone.sip.body import sdp_body
from softphone.sip.dialog import Dialog, DialogId
from softphone.sip.errors import LocalProtocolError, SipParseError
from softphone.sip.headers import CSeq, Headers
from softphone.sip.message import Message, Request, Response
from softphone.sip.session_timer import SessionTimer, SessionTimerConfig, request_headers
from softphone.sip.transaction import in_invite_transaction, make_response
from softphone.sip.uri import NameAddr, Uri, parse_uri

ALLOW = ("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "INFO")
ACCEPT = (
    "application/sdp",
    "multipart/mixed",
    "multipart/alternative",
    "application/dtmf-relay",
    "application/dtmf",
)
SUPPORTED = ("timer", "path", "outbound")
SDP = "application/sdp"


def set_sdp(message: Message, sdp: str) -> None:
    message.headers.set("Content-Type", SDP)
    message.body = sdp.encode("utf-8")


def sdp_of(message: Message) -> str | None:
    """The SDP of a message, also from inside a multipart body (RFC 5621).

    A malformed multipart body raises ``SipParseError`` (a 400 to a request).
    """
    body = sdp_body(message)
    return body.decode("utf-8", errors="replace") if body is not None else None


def new_invite(
    uri: Uri, *, identity: NameAddr, local_tag: str, call_id: str, extra: Sequence[tuple[str, str]]
) -> Request:
    headers = Headers()
    headers.add("Max-Forwards", "70")
    headers.add("From", str(identity.with_params((("tag", local_tag),))))
    headers.add("To", str(NameAddr(uri=uri)))
    headers.add("Call-ID", call_id)
    headers.add("CSeq", str(CSeq(1, "INVITE")))
    for name, value in extra:
        headers.add(name, value)
    return Request(method="INVITE", uri=uri, headers=headers)


def add_invite_headers(
    request: Request,
    *,
    contact: NameAddr,
    timer: SessionTimerConfig,
    session: SessionTimer | None,
    interval: int,
    sdp: str | None,
) -> None:
    """Contact, Allow, the session-timer headers and the offer of an (re-)INVITE."""
    request.headers.set("Contact", str(contact))
    request.headers.set("Allow", ", ".join(ALLOW))
    request.headers.set("Supported", "timer" if timer.enabled else "")
    if not timer.enabled:
        request.headers.remove("Supported")
    request.headers.remove("Session-Expires")
    request.headers.remove("Min-SE")
    for name, value in request_headers(timer, session, interval=interval):
        request.headers.add(name, value)
    if sdp is not None:
        set_sdp(request, sdp)


def dialog_response(
    request: Request,
    code: int,
    *,
    local_tag: str,
    contact: NameAddr,
    timer_enabled: bool,
    sdp: str | None = None,
    reason: str | None = None,
) -> Response:
    """A response in a call's dialog: our tag, Contact and Record-Route on 1xx/2xx.

    ``reason`` replaces the standard reason phrase ("Temporarily Unavailable: the
    agent is on pause"), so the caller's side can tell why.
    """
    response = make_response(request, code, reason, to_tag=local_tag)
    if 100 < code < 300:
        for value in request.headers.get_lines("Record-Route"):
            response.headers.add("Record-Route", value)
        response.headers.add("Contact", str(contact))
    if 200 <= code < 300 and request.method == "INVITE":
        response.headers.add("Allow", ", ".join(ALLOW))
        if timer_enabled:
            response.headers.add("Supported", "timer")
    if sdp is not None:
        set_sdp(response, sdp)
    return response


def build_ack(
    dialog: Dialog,
    seq: int,
    *,
    via: str,
    user_agent: str,
    sdp: str | None,
    credentials_from: Request | None,
) -> Request:
    """The ACK of a 2xx (§13.2.2.4), with the INVITE's credentials (§22.1)."""
    ack = dialog.create_request("ACK", cseq=seq)
    if sdp is not None:
        set_sdp(ack, sdp)
    ack.headers.prepend("Via", via)
    if credentials_from is not None:
        for name in ("Authorization", "Proxy-Authorization"):
            for value in credentials_from.headers.get_lines(name):
                ack.headers.add(name, value)
    ack.headers.add("User-Agent", user_agent)
    return ack


def build_cancel(invite: Request, *, user_agent: str) -> Request:
    """CANCEL of ``invite`` (§9.1): its Via, Route, From, To, Call-ID and CSeq number."""
    cancel = in_invite_transaction(invite, "CANCEL", to=invite.headers.get("To") or "")
    cancel.headers.add("User-Agent", user_agent)
    return cancel


def renumbered(request: Request, seq: int) -> Request:
    """A copy for a new transaction: new CSeq, no Via (it gets a new branch)."""
    headers = request.headers.copy()
    headers.remove("Via")
    headers.set("CSeq", str(CSeq(seq, request.method)))
    return Request(method=request.method, uri=request.uri, headers=headers, body=request.body)


def options_headers() -> tuple[tuple[str, str], ...]:
    return (
        ("Allow", ", ".join(ALLOW)),
        ("Accept", ", ".join(ACCEPT)),
        ("Supported", ", ".join(SUPPORTED)),
        ("Accept-Language", "en"),
    )


def dialog_key(request: Request) -> DialogId:
    """(Call-ID, our tag, their tag) of an incoming request."""
    return (request.call_id, request.to.tag or "", request.from_.tag or "")


def target_uri(target: str | Uri, domain: str) -> Uri:
    """A call target: a URI, or a user/number at our domain."""
    if not isinstance(target, str):
        return target
    text = target.strip()
    if not text:
        raise LocalProtocolError("empty call target")
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if ":" not in text:
        text = f"sip:{text}@{domain}" if "@" not in text else f"sip:{text}"
    try:
        return parse_uri(text)
    except SipParseError as exc:
        raise LocalProtocolError(f"bad call target {target!r}: {exc}") from exc


def _origin(sdp: str | None) -> str | None:
    if sdp is None:
        return None
    for line in sdp.splitlines():
        if line.startswith("o="):
            return line.strip()
    return None


def same_session_version(offer: str | None, previous: str | None) -> bool:
    """RFC 3264 §8: an offer whose o= line (with its version) is unchanged
    changes nothing. No offer at all is not that: the answer in the ACK may
    be a new party altogether (third-party call control, RFC 3725), so the
    phone makes the offer and applies the answer."""
    if offer is None:
        return False
    origin = _origin(offer)
    return origin is not None and origin == _origin(previous)


def auto_answer_hint(request: Request) -> float | None:
    """Auto-answer hints a PBX puts on the INVITE (Call-Info answer-after,
    Alert-Info auto-answer, RFC 5373 Answer-Mode: Auto)."""
    for value in request.headers.get_all("Call-Info"):
        addr_params = value.partition(">")[2]
        for item in addr_params.split(";"):
            name, _, param = item.partition("=")
            if name.strip().lower() == "answer-after":
                text = param.strip().strip('"')
                try:
                    return max(0.0, float(text))
                except ValueError:
                    return 0.0
    for value in request.headers.get_all("Alert-Info"):
        lowered = value.lower()
        if "auto-answer" in lowered or "autoanswer" in lowered:
            for item in lowered.split(";"):
                name, _, param = item.partition("=")
                if name.strip() == "delay" and param.strip().isdigit():
                    return float(param.strip())
            return 0.0
    answer_mode = request.headers.get("Answer-Mode")
    if answer_mode is not None and answer_mode.strip().lower().startswith("auto"):
        return 0.0
    return None


def uuid_urn(rng: random.Random) -> str:
    """A version-4 UUID URN from ``rng`` (reproducible in tests)."""
    bits = rng.getrandbits(128)
    bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    h = f"{bits:032x}"
    return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
