"""The HES gateway in front of the simulator: the one ``VouchCookie`` check.

The real gateway guards both the Mediatel Socket.IO endpoint and the SIP
WebSocket endpoint with the same cookie, so the simulator checks it in one
place: :class:`Gateway` is built from the configured shared secret and/or
fixed token, and both the Mediatel side (:mod:`softphone.sim.server`, via
:func:`gateway_middleware`) and the SIP side (:mod:`softphone.sim.sip_telephony`)
ask it. The token logic itself (parsing the cookie, verifying the JWT) is
:mod:`softphone.net.vouch`, shared with the client that mints the cookie.

A path guarded later (an agent-facing REST API, say) is one more prefix in
``gateway_middleware(..., prefixes)``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Middleware

from softphone.net.vouch import token_from_cookie_header, verify_token

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Gateway:
    """Which VouchCookie tokens pass: any HS256 JWT signed with ``secret``, or ``token`` itself.

    With neither configured (None or empty) the gateway is open (the demo default).
    """

    secret: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @property
    def open(self) -> bool:
        return not self.secret and not self.token

    def admits(self, cookie_header: str | None) -> bool:
        """Whether a handshake with this ``Cookie`` header gets through."""
        if self.open:
            return True
        token = token_from_cookie_header(cookie_header)
        if token is None:
            return False
        return (bool(self.token) and token == self.token) or (
            bool(self.secret) and verify_token(token, self.secret or "") is not None
        )

    def claimed_user(self, cookie_header: str | None) -> str | None:
        """The ``username`` claim of a verifiable cookie (a fixed token names nobody)."""
        token = token_from_cookie_header(cookie_header)
        if token is None or not self.secret:
            return None
        claims = verify_token(token, self.secret)
        return str(claims["username"]) if claims else None


def gateway_middleware(
    gateway: Callable[[], Gateway],
    prefixes: Iterable[str],
    on_reject: Callable[[], None] = lambda: None,
) -> Middleware:
    """An aiohttp middleware answering 403 to requests under ``prefixes`` without a pass.

    ``gateway`` is asked on every request, so a settings change takes effect at once.
    """
    guarded = tuple(prefixes)

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(guarded) and not gateway().admits(request.headers.get("Cookie")):
            on_reject()
            return web.Response(status=403, text="Forbidden")
        return await handler(request)

    return check
