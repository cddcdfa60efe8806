"""What a user agent answers to a well-formed request it cannot accept.

``parse_message`` decides whether bytes are SIP at all; this module decides,
for a request that parsed, whether a UAS may process it or must refuse it,
and with which status (RFC 3261 §8.2, in its order: method, Request-URI,
Require, content). It is pure — the UA builds the response from the
returned ``Rejection`` — so every rule is testable with the RFC 4475
messages alone.

Public API
==========

``check_request(request, *, methods=None, supported=(), accept=DEFAULT_ACCEPT,
answer_types=("application/sdp",), schemes=("sip", "sips"), proxy=False)
-> Rejection | None``
    ``None``: go ahead. Otherwise answer ``rejection.status_code`` /
    ``rejection.reason`` and add ``rejection.headers`` (Allow, Unsupported,
    Accept) to the response. ACK is never rejected (it has no response).

``check_response(response) -> str | None``
    A reason to silently discard a response that reached us as a UAC (more
    than one Via, RFC 3261 §8.1.3.3; RFC 4475 §3.3.10), else ``None``.

``Rejection(status_code, reason, headers=())``
    Frozen; ``headers`` is a tuple of ``(name, value)``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from softphone.sip.message import KNOWN_METHODS, Request, Response
from softphone.sip.uri import SipUri

DEFAULT_ACCEPT = ("application/sdp", "multipart/mixed", "multipart/alternative")

MAGIC_COOKIE = "z9hG4bK"


@dataclass(frozen=True, slots=True)
class Rejection:
    status_code: int
    reason: str
    headers: tuple[tuple[str, str], ...] = ()


def check_request(
    request: Request,
    *,
    methods: Collection[str] | None = None,
    supported: Collection[str] = (),
    accept: Collection[str] = DEFAULT_ACCEPT,
    answer_types: Collection[str] = ("application/sdp",),
    schemes: Collection[str] = ("sip", "sips"),
    proxy: bool = False,
) -> Rejection | None:
    """See the module docstring.

    ``methods`` are the methods we implement (``None``: do not check);
    ``supported`` the option tags we understand (Require → 420);
    ``accept`` the body types we can read (→ 415); ``answer_types`` the
    body types our answer to an INVITE would carry, checked against the
    request's Accept (→ 406); ``schemes`` the Request-URI schemes we serve
    (→ 416). ``proxy=True`` applies the proxy-only rule Max-Forwards: 0 →
    483; an endpoint processes such a request normally (RFC 4475 §3.3.11).
    """
    method = request.method
    if method == "ACK":
        return None
    branch = request.top_via.branch
    if branch is not None and branch == MAGIC_COOKIE:
        # RFC 4475 §3.2.1: the RFC 3261 cookie with no identifier after it
        # would make every such request the same transaction.
        return Rejection(400, "Bad Request (missing transaction identifier)")
    if methods is not None and method not in methods:
        allow = (("Allow", ", ".join(sorted(methods))),)
        # An unsupported method RFC 3261 knows is 405, anything else 501 (§8.2.1).
        if method in KNOWN_METHODS:
            return Rejection(405, "Method Not Allowed", allow)
        return Rejection(501, "Not Implemented", allow)
    if proxy:
        max_forwards = request.max_forwards
        if max_forwards is not None and max_forwards == 0:
            return Rejection(483, "Too Many Hops")
    if request.uri.scheme.lower() not in {s.lower() for s in schemes}:
        return Rejection(416, "Unsupported URI Scheme")
    if method == "REGISTER" and not isinstance(request.to.uri, SipUri):
        # RFC 3261 §10.3: the address-of-record must be a SIP or SIPS URI.
        return Rejection(400, "Bad Request (To is not a SIP or SIPS URI)")
    if method != "CANCEL":
        known = {tag.lower() for tag in supported}
        unsupported = [
            tag for tag in request.headers.get_all("Require") if tag.lower() not in known
        ]
        if unsupported:
            return Rejection(420, "Bad Extension", (("Unsupported", ", ".join(unsupported)),))
    rejection = _check_body(request, accept)
    if rejection is not None:
        return rejection
    if method == "INVITE":
        return _check_accept(request, answer_types)
    return None


def _accept_header(accept: Collection[str]) -> tuple[tuple[str, str], ...]:
    return (("Accept", ", ".join(accept)),)


def _check_body(request: Request, accept: Collection[str]) -> Rejection | None:
    if not request.body:
        return None
    encodings = [e.lower() for e in request.headers.get_all("Content-Encoding")]
    if any(e != "identity" for e in encodings):
        return Rejection(
            415,
            "Unsupported Media Type",
            (*_accept_header(accept), ("Accept-Encoding", "identity")),
        )
    ctype = request.content_type
    # RFC 3261 §20.15: a body without Content-Type is taken as SDP.
    mime = ctype.mime if ctype is not None else "application/sdp"
    if mime not in {a.lower() for a in accept}:
        return Rejection(415, "Unsupported Media Type", _accept_header(accept))
    return None


def _check_accept(request: Request, answer_types: Collection[str]) -> Rejection | None:
    values = request.headers.get_all("Accept")
    if not request.headers.get_lines("Accept"):
        return None  # absent: application/sdp is assumed (RFC 3261 §20.1)
    offered = {v.split(";", 1)[0].strip().lower() for v in values}
    for answer in answer_types:
        kind = answer.lower().split("/", 1)[0]
        if answer.lower() in offered or f"{kind}/*" in offered or "*/*" in offered:
            return None
    return Rejection(406, "Not Acceptable", _accept_header(answer_types))


def check_response(response: Response) -> str | None:
    """A UAC drops a response carrying more than one Via (RFC 3261 §8.1.3.3):
    it was not meant for us, and following the extra hop could make us
    send to a broadcast address (RFC 4475 §3.3.10)."""
    if len(response.headers.get_all("Via")) > 1:
        return "more than one Via in a response"
    return None
