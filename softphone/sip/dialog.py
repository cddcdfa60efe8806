"""Dialogs (RFC 3261 §12): identity, route set, remote target, CSeq order.

A dialog is the memory two UAs share about a call: who is who (Call-ID and
tags), how to reach the peer (remote target and route set, fixed when the
dialog is created and refreshed only by target-refresh requests), and the
CSeq counters that order requests in each direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from softphone.sip.errors import RemoteProtocolError
from softphone.sip.grammar import replace_param
from softphone.sip.headers import CSeq, Headers
from softphone.sip.message import Request, Response
from softphone.sip.uri import NameAddr, SipUri, Uri

DialogId = tuple[str, str, str]  # (Call-ID, local tag, remote tag)


@dataclass(slots=True)
class Dialog:
    call_id: str
    local_tag: str
    remote_tag: str
    local_uri: NameAddr  # without tag
    remote_uri: NameAddr  # without tag
    remote_target: Uri
    route_set: list[NameAddr] = field(default_factory=list)
    local_seq: int = 0
    remote_seq: int | None = None
    we_are_uac: bool = True  # we sent the dialog-creating INVITE (we own the Call-ID)
    confirmed: bool = False

    @property
    def id(self) -> DialogId:
        return (self.call_id, self.local_tag, self.remote_tag)

    @classmethod
    def as_uac(cls, request: Request, response: Response) -> Dialog:
        """From our INVITE and a 1xx/2xx with a To tag (§12.1.2)."""
        tag = response.to.tag
        if not tag:
            raise RemoteProtocolError("dialog-creating response without a To tag")
        return cls(
            call_id=request.call_id,
            local_tag=request.from_.tag or "",
            remote_tag=tag,
            local_uri=_untagged(request.from_),
            remote_uri=_untagged(response.to),
            remote_target=_target(response, request.uri),
            route_set=list(reversed(response.record_route)),
            local_seq=request.cseq.seq,
            remote_seq=None,
            we_are_uac=True,
            confirmed=response.status_code >= 200,
        )

    @classmethod
    def as_uas(cls, request: Request, local_tag: str) -> Dialog:
        """From an INVITE we answer with a tagged 1xx/2xx (§12.1.1)."""
        return cls(
            call_id=request.call_id,
            local_tag=local_tag,
            remote_tag=request.from_.tag or "",
            local_uri=_untagged(request.to),
            remote_uri=_untagged(request.from_),
            remote_target=_target(request, request.uri),
            route_set=list(request.record_route),
            local_seq=0,
            remote_seq=request.cseq.seq,
            we_are_uac=False,
        )

    def next_cseq(self) -> int:
        self.local_seq += 1
        return self.local_seq

    def accept_remote_cseq(self, request: Request) -> bool:
        """§12.2.2: a lower CSeq than the last one is out of order (500).

        ACK and CANCEL reuse their INVITE's number, so they are not ordered.
        """
        if request.method in ("ACK", "CANCEL"):
            return True
        seq = request.cseq.seq
        if self.remote_seq is not None and seq <= self.remote_seq:
            return False
        self.remote_seq = seq
        return True

    def refresh_target(self, message: Request | Response) -> None:
        """Target refresh (re-INVITE and its 2xx): a new Contact replaces the target."""
        contacts = message.contact
        if contacts:
            self.remote_target = contacts[0].uri

    def create_request(self, method: str, *, cseq: int | None = None) -> Request:
        """An in-dialog request without Via (the UA adds it) per §12.2.1.1."""
        headers = Headers()
        uri: Uri = self.remote_target
        routes = list(self.route_set)
        if routes and isinstance(routes[0].uri, SipUri) and not routes[0].uri.lr:
            # Strict router: it gets the Request-URI; the target goes last.
            uri = _strip_uri(routes[0].uri)
            routes = [*routes[1:], NameAddr(uri=self.remote_target)]
        for route in routes:
            headers.add("Route", str(route))
        headers.add("Max-Forwards", "70")
        local = self.local_uri.with_params(
            replace_param(self.local_uri.params, "tag", self.local_tag)
        )
        remote = self.remote_uri.with_params(
            replace_param(self.remote_uri.params, "tag", self.remote_tag)
        )
        headers.add("From", str(local))
        headers.add("To", str(remote))
        headers.add("Call-ID", self.call_id)
        seq = cseq if cseq is not None else self.next_cseq()
        headers.add("CSeq", str(CSeq(seq, method)))
        return Request(method=method, uri=uri, headers=headers)


def _untagged(addr: NameAddr) -> NameAddr:
    return addr.with_params(tuple((k, v) for k, v in addr.params if k.lower() != "tag"))


def _target(message: Request | Response, fallback: Uri) -> Uri:
    contacts = message.contact
    return contacts[0].uri if contacts else fallback


def _strip_uri(uri: SipUri) -> SipUri:
    # §19.1.1: method and header components are not allowed in a Request-URI.
    return uri.without_headers().with_params(
        tuple((k, v) for k, v in uri.params if k.lower() != "method")
    )
