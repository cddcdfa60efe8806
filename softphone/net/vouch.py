"""The HES gateway's ``VouchCookie``: one token logic for Mediatel and SIP.

The gateway in front of both the Mediatel Socket.IO endpoint and the WebRTC
(SIP over WSS) endpoint answers 403 unless the WebSocket handshake carries
cookie ``VouchCookie`` = a JWT signed with HS256 whose claims are
``username`` and ``userID``. Both transports build their handshake headers
from the same :class:`VouchConfig`, so a token that works for one works for
the other.

The token should come from the CRM back end (``token=``); minting it from a
shared secret (``secret=``) is the development fallback the seeds describe.
Neither value may reach a log: ``repr`` hides them and errors never quote them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any

COOKIE_NAME = "VouchCookie"
ALGORITHM = "HS256"


class VouchError(ValueError):
    """The VouchCookie configuration cannot produce a token."""


@dataclass(frozen=True)
class VouchConfig:
    """Where the VouchCookie token comes from.

    Exactly one of ``token`` (issued by the CRM back end) or ``secret`` (the
    shared HS256 secret, development only; then ``username`` and ``user_id``
    are the claims) must be given.
    """

    token: str | None = field(default=None, repr=False)
    secret: str | None = field(default=None, repr=False)
    username: str = ""
    user_id: str = ""
    cookie_name: str = COOKIE_NAME

    def __post_init__(self) -> None:
        if (self.token is None) == (self.secret is None):
            raise VouchError("VouchCookie: give either a token or a shared secret, not both")
        if self.token is not None and not _is_cookie_safe(self.token):
            raise VouchError("VouchCookie: the token contains characters a cookie cannot carry")
        if self.secret is not None and not (self.username and self.user_id):
            raise VouchError("VouchCookie: minting a token needs both username and user_id")

    @property
    def has_token(self) -> bool:
        return self.token is not None

    def jwt(self) -> str:
        """The JWT itself (given, or minted now from the secret)."""
        if self.token is not None:
            return self.token
        assert self.secret is not None
        return mint_token(self.secret, username=self.username, user_id=self.user_id)

    def cookie_value(self) -> str:
        """The ``Cookie`` header value: ``VouchCookie=<jwt>``."""
        return f"{self.cookie_name}={self.jwt()}"

    def headers(self) -> dict[str, str]:
        """A fresh handshake header dict (callers may mutate it freely)."""
        return {"Cookie": self.cookie_value()}


def mint_token(secret: str, *, username: str, user_id: str) -> str:
    """Sign the two documented claims with HS256."""
    if not secret:
        raise VouchError("VouchCookie: the shared secret is empty")
    import jwt  # here: PyJWT's modules stay out of an app whose profile has no vouch secret

    return jwt.encode({"username": username, "userID": user_id}, secret, algorithm=ALGORITHM)


def token_from_cookie_header(header: str | None, cookie_name: str = COOKIE_NAME) -> str | None:
    """Pull the VouchCookie value out of a ``Cookie`` header, if present."""
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(cookie_name)
    return morsel.value if morsel is not None else None


def verify_token(token: str, secret: str) -> Mapping[str, Any] | None:
    """The token's claims if it is a valid HS256 JWT with both claims, else None.

    Used by the simulator's gateway check (and any test peer) so that the
    rule "valid signature and both claims present" lives in one place.
    """
    import jwt

    try:
        claims: dict[str, Any] = jwt.decode(token, secret, algorithms=[ALGORITHM])
    except jwt.PyJWTError:
        return None
    if not isinstance(claims.get("username"), str) or "userID" not in claims:
        return None
    return claims


def _is_cookie_safe(value: str) -> bool:
    # RFC 6265 cookie-octet; a JWT (base64url and dots) always passes.
    return bool(value) and all(
        c == "!" or "#" <= c <= "+" or "-" <= c <= ":" or "<" <= c <= "[" or "]" <= c <= "~"
        for c in value
    )
