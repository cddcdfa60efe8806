"""Two sans-IO user agents wired in memory, with a fake clock.

``Pair`` moves bytes between two endpoints (two ``UserAgent`` objects, or a
user agent and the ``Registrar`` below) until nothing is left to deliver,
then advances the clock to the earliest deadline — time never passes by
itself, nothing sleeps, and a lost message is one the test's ``drop``
filter swallowed. Everything each side sent is kept in ``wire`` so tests can
assert on what went over the network, the way a user would read a trace.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from softphone.sip import Request, Response, parse_message
from softphone.sip.auth import verify_authorization
from softphone.sip.events import Event
from softphone.sip.session_timer import SessionTimerConfig
from softphone.sip.transaction import make_response
from softphone.sip.ua import UAConfig, UserAgent

SDP_A = (
    "v=0\r\no=alice 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
    "m=audio 4000 RTP/AVP 8 0\r\na=sendrecv\r\n"
)
SDP_B = (
    "v=0\r\no=bob 7 7 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\n"
    "m=audio 5000 RTP/AVP 8\r\na=sendrecv\r\n"
)


def sdp(owner: str, version: int, direction: str = "sendrecv") -> str:
    return (
        f"v=0\r\no={owner} 1 {version} IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\n"
        f"t=0 0\r\nm=audio 4000 RTP/AVP 8\r\na={direction}\r\n"
    )


def config(user: str, *, reliable: bool = True, **kw: object) -> UAConfig:
    base: dict[str, object] = {
        "user": user,
        "domain": "example.com",
        "password": f"{user}-secret",
        "reliable": reliable,
        "user_agent": f"test-{user}",
    }
    base.update(kw)
    return UAConfig(**base)  # type: ignore[arg-type]


class Endpoint(Protocol):
    def receive_data(self, data: bytes, now: float) -> None: ...
    def data_to_send(self) -> list[bytes]: ...
    def get_timer(self) -> float | None: ...
    def handle_timer(self, now: float) -> None: ...


@dataclass
class Sent:
    at: float
    sender: str
    data: bytes

    @property
    def message(self) -> Request | Response:
        return parse_message(self.data)

    @property
    def label(self) -> str:
        msg = self.message
        return msg.method if isinstance(msg, Request) else f"{msg.status_code}/{msg.cseq.method}"


Drop = Callable[[Sent], bool]


def holding(store: list[bytes], keep: Callable[[Sent], bool]) -> Drop:
    """A drop filter that keeps what it swallows in ``store`` (to deliver late)."""

    def drop(sent: Sent) -> bool:
        if keep(sent):
            store.append(sent.data)
            return True
        return False

    return drop


@dataclass
class Pair:
    a: Endpoint
    b: Endpoint
    now: float = 0.0
    drop: Drop | None = None
    wire: list[Sent] = field(default_factory=list)
    events: dict[str, list[Event]] = field(default_factory=lambda: {"a": [], "b": []})
    # Optional interceptor on a -> b traffic (e.g. a challenging proxy): it
    # returns the bytes to send back to ``a`` instead of delivering, or None.
    gate: Callable[[bytes], bytes | None] | None = None
    # Optional rewriter of what goes over the wire (e.g. wrap the SDP in a
    # multipart body, the way some PBXs send it); ``wire`` keeps the rewrite.
    rewrite: Callable[[Sent], bytes] | None = None

    def side(self, name: str) -> Endpoint:
        return self.a if name == "a" else self.b

    def collect(self) -> None:
        for name in ("a", "b"):
            ep = self.side(name)
            if isinstance(ep, UserAgent):
                while (event := ep.next_event()) is not None:
                    self.events[name].append(event)

    def pump(self) -> None:
        """Deliver until both sides are quiet (no time passes)."""
        for _ in range(10_000):
            moved = False
            for name, other in (("a", "b"), ("b", "a")):
                for data in self.side(name).data_to_send():
                    moved = True
                    sent = Sent(self.now, name, data)
                    if self.rewrite is not None:
                        data = self.rewrite(sent)
                        sent = Sent(self.now, name, data)
                    self.wire.append(sent)
                    if self.drop is not None and self.drop(sent):
                        continue
                    if name == "a" and self.gate is not None:
                        reply = self.gate(data)
                        if reply is not None:
                            self.wire.append(Sent(self.now, "gate", reply))
                            self.a.receive_data(reply, self.now)
                            continue
                    self.side(other).receive_data(data, self.now)
            self.collect()
            if not moved:
                return
        raise AssertionError("endless message loop between the two sides")

    def next_deadline(self) -> float | None:
        deadlines = [d for d in (self.a.get_timer(), self.b.get_timer()) if d is not None]
        return min(deadlines, default=None)

    def run(self, until: float) -> None:
        """Pump, then jump from deadline to deadline up to ``until``."""
        self.pump()
        for _ in range(100_000):
            deadline = self.next_deadline()
            if deadline is None or deadline > until:
                break
            self.now = max(self.now, deadline)
            self.a.handle_timer(self.now)
            self.b.handle_timer(self.now)
            self.pump()
        self.now = max(self.now, until)

    def advance(self, seconds: float) -> None:
        self.run(self.now + seconds)

    def of(self, name: str, kind: type) -> list[object]:
        return [e for e in self.events[name] if isinstance(e, kind)]

    def take(self, name: str) -> list[Event]:
        out, self.events[name] = self.events[name], []
        return out

    def labels(self, sender: str | None = None) -> list[str]:
        return [s.label for s in self.wire if sender is None or s.sender == sender]


def ua_pair(
    *,
    reliable: bool = True,
    seed: int = 1,
    a: dict[str, object] | None = None,
    b: dict[str, object] | None = None,
) -> tuple[Pair, UserAgent, UserAgent]:
    rng = random.Random(seed)
    ua_a = UserAgent(
        config("alice", reliable=reliable, **(a or {})), now=0.0, rng=random.Random(rng.random())
    )
    ua_b = UserAgent(
        config("bob", reliable=reliable, **(b or {})), now=0.0, rng=random.Random(rng.random())
    )
    return Pair(ua_a, ua_b), ua_a, ua_b


def no_session_timer() -> SessionTimerConfig:
    return SessionTimerConfig(enabled=False)


# ---------------------------------------------------------------- registrar


@dataclass
class Registrar:
    """A minimal registrar: digest auth, Min-Expires, scripted failures."""

    password: str = "alice-secret"
    realm: str = "example.com"
    algorithm: str = "MD5"
    min_expires: int | None = None
    max_expires: int = 3600
    auth: bool = True
    script: list[int] = field(default_factory=list)  # codes answered first, in order
    requests: list[Request] = field(default_factory=list)
    bindings: dict[str, int] = field(default_factory=dict)
    nonce_count: int = 0
    _out: list[bytes] = field(default_factory=list)
    _nonces: set[str] = field(default_factory=set)

    def receive_data(self, data: bytes, now: float) -> None:
        msg = parse_message(data)
        if not isinstance(msg, Request):
            return
        self.requests.append(msg)
        self._out.append(self._answer(msg).to_bytes())

    def _answer(self, req: Request) -> Response:
        if req.method != "REGISTER":
            return make_response(req, 405, to_tag="reg")
        if self.script:
            code = self.script.pop(0)
            resp = make_response(req, code, to_tag="reg")
            if code == 503:
                resp.headers.add("Retry-After", "7")
            return resp
        if self.auth and not self._authorized(req):
            self.nonce_count += 1
            nonce = f"nonce{self.nonce_count}"
            self._nonces.add(nonce)
            resp = make_response(req, 401, to_tag="reg")
            resp.headers.add(
                "WWW-Authenticate",
                f'Digest realm="{self.realm}", nonce="{nonce}", algorithm={self.algorithm}, '
                'qop="auth"',
            )
            return resp
        expires = int((req.headers.get("Expires") or "3600").strip())
        contact = req.contact[0]
        if expires and self.min_expires is not None and expires < self.min_expires:
            resp = make_response(req, 423, to_tag="reg")
            resp.headers.add("Min-Expires", str(self.min_expires))
            return resp
        key = str(contact.uri)
        resp = make_response(req, 200, to_tag="reg")
        if expires == 0:
            self.bindings.pop(key, None)
            return resp
        granted = min(expires, self.max_expires)
        self.bindings[key] = granted
        resp.headers.add("Contact", f"{req.headers.get('Contact')};expires={granted}")
        return resp

    def _authorized(self, req: Request) -> bool:
        value = req.headers.get("Authorization")
        if value is None:
            return False
        if not any(f'nonce="{n}"' in value for n in self._nonces):
            return False
        return verify_authorization(value, password=self.password, method=req.method)

    def data_to_send(self) -> list[bytes]:
        out, self._out = self._out, []
        return out

    def get_timer(self) -> float | None:
        return None

    def handle_timer(self, now: float) -> None:
        return None

    def registers(self) -> list[Request]:
        return [r for r in self.requests if r.method == "REGISTER"]


def registrar_pair(
    registrar: Registrar | None = None, *, seed: int = 3, reliable: bool = True
) -> tuple[Pair, UserAgent, Registrar]:
    reg = registrar or Registrar()
    ua = UserAgent(config("alice", reliable=reliable), now=0.0, rng=random.Random(seed))
    return Pair(ua, reg), ua, reg


# ------------------------------------------------------- a challenging proxy


@dataclass
class ProxyAuthGate:
    """Stands in front of ``b``: answers 407 to a's INVITEs (and re-INVITEs,
    BYEs...) until they carry valid Proxy-Authorization for ``password``."""

    password: str
    realm: str = "proxy.example.com"
    algorithm: str = "MD5"
    methods: tuple[str, ...] = ("INVITE",)
    challenged: int = 0
    _nonce: int = 0

    def __call__(self, data: bytes) -> bytes | None:
        msg = parse_message(data)
        if not isinstance(msg, Request) or msg.method not in self.methods:
            return None
        value = msg.headers.get("Proxy-Authorization")
        if value is not None and verify_authorization(
            value, password=self.password, method=msg.method
        ):
            return None
        self._nonce += 1
        self.challenged += 1
        resp = make_response(msg, 407, to_tag="proxy")
        resp.headers.add(
            "Proxy-Authenticate",
            f'Digest realm="{self.realm}", nonce="pn{self._nonce}", '
            f'algorithm={self.algorithm}, qop="auth"',
        )
        return resp.to_bytes()
