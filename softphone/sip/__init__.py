"""Sans-IO SIP user agent core (standard library only).

Bytes and time go in, events and bytes come out; nothing here touches a
socket, a thread or a clock (see ARCHITECTURE.md, in the style of h11).
"""

from softphone.sip.errors import LocalProtocolError, RemoteProtocolError, SipError, SipParseError
from softphone.sip.headers import ContentType, CSeq, Headers, Via
from softphone.sip.message import Message, Request, Response, StreamFramer, parse_message
from softphone.sip.ua import UAConfig, UserAgent
from softphone.sip.uri import AbsoluteUri, NameAddr, SipUri, TelUri, Uri, parse_name_addr, parse_uri

__all__ = [
    "AbsoluteUri",
    "CSeq",
    "ContentType",
    "Headers",
    "LocalProtocolError",
    "Message",
    "NameAddr",
    "RemoteProtocolError",
    "Request",
    "Response",
    "SipError",
    "SipParseError",
    "SipUri",
    "StreamFramer",
    "TelUri",
    "UAConfig",
    "Uri",
    "UserAgent",
    "Via",
    "parse_message",
    "parse_name_addr",
    "parse_uri",
]
