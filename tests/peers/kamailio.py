"""A real Kamailio registrar/proxy on free loopback ports, for tests.

Kamailio is the SIP server our softphone meets in production-like setups;
tests run it for real rather than faking the far side. One `Kamailio` owns a
temp dir holding the rendered config (from ``kamailio.cfg.tmpl``), the run
dir and the log; it picks a UDP port and a WebSocket port once and keeps them
across `restart()`, so a client can reconnect to the same URL.

Traps handled here (see /work/shared/design/test-peers.md):

- Kamailio forks workers; PID 1 on the test machines reaps nothing, so the
  server runs under ``reaper.py`` (a subreaper) and no zombie outlives `stop()`.
- "Started" means the UDP socket answers an OPTIONS ping and the WebSocket
  port accepts TCP, not "the process exists".
- A WebSocket that closed without un-REGISTER leaves a stale binding; the
  config sets ``handle_lost_tcp`` so lookups skip it.
- In-dialog requests must reach a client over *its* WebSocket connection:
  ``add_contact_alias`` / ``handle_ruri_alias`` in the config.
"""

from __future__ import annotations

import asyncio
import glob
import hashlib
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from tests.peers.daemon import log_tail, spawn_logged, terminate
from tests.peers.errors import PeerError, PeerUnavailable, require_binary
from tests.peers.ports import LOOPBACK, free_port, port_is_free, tcp_accepts, wait_until

DEFAULT_USERS: Mapping[str, str] = {
    "1001": "pass1001",
    "1002": "pass1002",
    "1003": "pass1003",
    "agent": "secret",
}

TEMPLATE = Path(__file__).with_name("kamailio.cfg.tmpl")
REAPER = Path(__file__).with_name("reaper.py")
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0


def _find_module_dir() -> Path:
    """Debian puts modules under a multiarch dir; find it rather than assume x86_64."""
    candidates = [*sorted(glob.glob("/usr/lib/*/kamailio/modules")), "/usr/lib/kamailio/modules"]
    for candidate in candidates:
        if Path(candidate, "tm.so").exists():
            if not Path(candidate, "websocket.so").exists():
                raise PeerUnavailable(
                    "Kamailio's websocket module is missing; install the Debian package "
                    "'kamailio-websocket-modules'"
                )
            return Path(candidate)
    raise PeerUnavailable("Kamailio modules not found; install the Debian package 'kamailio'")


def _kamailio_string(value: str) -> str:
    if any(c in value for c in '"\\\n\r$'):
        raise ValueError(f"unsupported character in Kamailio user/password: {value!r}")
    return value


class Kamailio:
    """Kamailio as registrar + proxy on 127.0.0.1, SIP over UDP and WebSocket.

    Use as ``with Kamailio() as k:`` or call `start()` / `stop()`. Accounts
    are `users` (name -> password), default `DEFAULT_USERS`. With
    ``auth=False`` anyone may register. With ``qop=True`` challenges carry
    ``qop="auth"``. `min_expires` is the shortest registration accepted
    (shorter ones get 423 Interval Too Brief).
    """

    host = LOOPBACK
    #: the SIP domain and digest realm: AORs are ``sip:USER@127.0.0.1``
    realm = LOOPBACK
    domain = LOOPBACK

    def __init__(
        self,
        users: Mapping[str, str] | None = None,
        *,
        auth: bool = True,
        qop: bool = False,
        min_expires: int = 1,
        debug: int = 2,
        workdir: Path | None = None,
        rtpengine: str | None = None,
    ) -> None:
        self.users: dict[str, str] = dict(DEFAULT_USERS if users is None else users)
        self.auth = auth
        self.qop = qop
        self.min_expires = min_expires
        self.debug = debug
        #: an rtpengine NG socket (``udp:HOST:PORT``): calls' SDP goes through it
        self.rtpengine = rtpengine
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="kamailio-"))
        self.config_path = self.workdir / "kamailio.cfg"
        self.log_path = self.workdir / "kamailio.log"
        self.run_dir = self.workdir / "run"
        self.udp_port: int | None = None
        self.ws_port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: object | None = None
        #: seconds the last `start()` took until the server answered
        self.last_start_s: float | None = None

    # ----------------------------------------------------------------- facts
    @property
    def ws_url(self) -> str:
        """``ws://127.0.0.1:PORT`` -- the SIP-over-WebSocket URL (subprotocol ``sip``)."""
        return f"ws://{self.host}:{self._port('ws')}"

    @property
    def udp_address(self) -> tuple[str, int]:
        return (self.host, self._port("udp"))

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def aor(self, user: str) -> str:
        """The address of record of `user`, e.g. ``sip:1001@127.0.0.1``."""
        return f"sip:{user}@{self.domain}"

    def password(self, user: str) -> str:
        return self.users[user]

    def log_text(self) -> str:
        """Everything Kamailio logged (all starts of this instance)."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 80) -> str:
        return log_tail(self.log_path, lines)

    # ------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Start on the ports chosen at the first start; return once it answers."""
        if self.running:
            raise PeerError("Kamailio is already running")
        binary = require_binary("kamailio", "kamailio")
        mpath = _find_module_dir()
        if self.udp_port is None:
            self.udp_port = free_port(tcp=False, udp=True)
        if self.ws_port is None:
            self.ws_port = free_port(tcp=True, udp=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(self._render(mpath))
        self._check_config(binary)

        cmd = [
            sys.executable, str(REAPER),
            binary, "-f", str(self.config_path), "-DD", "-E",
            "-Y", str(self.run_dir), "-P", str(self.run_dir / "kamailio.pid"),
            "-m", "64", "-M", "8",
        ]  # fmt: skip
        cmd += self._defines()
        began = time.monotonic()
        with self.log_path.open("ab") as log:
            log.write(f"==== start {time.strftime('%H:%M:%S')} {' '.join(cmd)}\n".encode())
        self._proc = spawn_logged(cmd, self.log_path)
        if not wait_until(self._answers, START_TIMEOUT_S, interval=0.05):
            tail = self.log_tail()
            self.stop()
            raise PeerError(f"Kamailio did not come up within {START_TIMEOUT_S} s:\n{tail}")
        self.last_start_s = time.monotonic() - began

    def stop(self) -> None:
        """Stop the server and every worker; return once its ports are free again."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        terminate(proc, STOP_TIMEOUT_S)  # the reaper forwards SIGTERM to Kamailio
        if self.udp_port is not None and self.ws_port is not None:
            udp, ws = self.udp_port, self.ws_port
            wait_until(
                lambda: (
                    port_is_free(udp, tcp=False, udp=True) and port_is_free(ws, tcp=True, udp=False)
                ),
                STOP_TIMEOUT_S,
            )

    def restart(self) -> None:
        """Stop, then start again on the SAME ports (registrations are lost)."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop and remove the temp dir (if this instance created it)."""
        self.stop()
        if self._own_workdir:
            import shutil

            shutil.rmtree(self.workdir, ignore_errors=True)

    async def astart(self) -> None:
        await asyncio.to_thread(self.start)

    async def astop(self) -> None:
        await asyncio.to_thread(self.stop)

    async def arestart(self) -> None:
        """`restart()` without blocking the event loop (peers keep being served)."""
        await asyncio.to_thread(self.restart)

    def __enter__(self) -> Kamailio:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Kamailio {state} udp={self.udp_port} ws={self.ws_port} dir={self.workdir}>"

    # ------------------------------------------------------------- internals
    def _port(self, which: str) -> int:
        port = self.ws_port if which == "ws" else self.udp_port
        if port is None:
            raise PeerError("Kamailio has not been started yet: no port chosen")
        return port

    def _render(self, mpath: Path) -> str:
        users = "\n".join(
            f'    $sht(users=>{_kamailio_string(u)}) = "{_kamailio_string(p)}";'
            for u, p in self.users.items()
        )
        values = {
            "HOST": self.host,
            "UDP_PORT": str(self.udp_port),
            "WS_PORT": str(self.ws_port),
            "MPATH": str(mpath) + "/",
            "DEBUG": str(self.debug),
            "MIN_EXPIRES": str(self.min_expires),
            "AUTH_FLAGS": "1" if self.qop else "0",
            "USERS": users,
            "RTPENGINE_SOCK": self.rtpengine or "",
        }
        text = TEMPLATE.read_text()
        for key, value in values.items():
            text = text.replace(f"@@{key}@@", value)
        if "@@" in text:
            raise PeerError("kamailio.cfg.tmpl has a placeholder the renderer does not know")
        return text

    def _defines(self) -> list[str]:
        defines = ["-A", "WITH_AUTH"] if self.auth else []
        return defines + (["-A", "WITH_RTPENGINE"] if self.rtpengine else [])

    def _check_config(self, binary: str) -> None:
        """`kamailio -c` first: a config error reads far better than a start timeout."""
        cmd = [binary, "-c", "-f", str(self.config_path), *self._defines()]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
        if result.returncode != 0:
            raise PeerError(f"Kamailio rejects its config {self.config_path}:\n{result.stderr}")

    def _answers(self) -> bool:
        if self._proc is None or self._proc.poll() is not None:
            raise PeerError(f"Kamailio exited at start:\n{self.log_tail()}")
        return tcp_accepts(self._port("ws")) and self._answers_options()

    def _answers_options(self) -> bool:
        """The config answers an OPTIONS to the server itself with 200 Keepalive."""
        try:
            uri = f"sip:{self.host}:{self._port('udp')}"
            reply = self.udp_request(self._request("OPTIONS", uri, "probe"), 0.2)
        except (OSError, PeerError):
            return False
        return reply.startswith("SIP/2.0 200")

    # ------------------------------------------------------ raw SIP probes
    def udp_request(self, request: str, timeout: float = 2.0) -> str:
        """Send one SIP request over UDP from a fresh port; return the final reply.

        For checks from the outside that need no user agent, e.g. that the
        registrar challenges, or which contacts a user has registered.
        """
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((self.host, 0))
            s.settimeout(timeout)
            local = s.getsockname()[1]
            s.sendto(request.replace("LOCALPORT", str(local)).encode(), self.udp_address)
            deadline = time.monotonic() + timeout
            while True:
                s.settimeout(max(deadline - time.monotonic(), 0.001))
                try:
                    data = s.recv(65535).decode(errors="replace")
                except TimeoutError:
                    raise PeerError(f"no reply from Kamailio to:\n{request}") from None
                if not data.startswith("SIP/2.0 1"):
                    return data

    def bindings(self, user: str) -> list[str]:
        """The Contact URIs registered for `user` right now (REGISTER query with auth)."""
        call_id = secrets.token_hex(8)
        first = self.udp_request(self._request("REGISTER", f"sip:{self.domain}", user, call_id))
        if first.startswith("SIP/2.0 401"):
            challenge = _header(first, "WWW-Authenticate")
            auth = _digest("REGISTER", f"sip:{self.domain}", user, self.users[user], challenge)
            first = self.udp_request(
                self._request("REGISTER", f"sip:{self.domain}", user, call_id, 2, auth)
            )
        if not first.startswith("SIP/2.0 200"):
            raise PeerError(f"registration query for {user} failed:\n{first}")
        contacts = []
        for line in first.split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() in ("contact", "m"):
                contacts += [c.strip() for c in value.split(",") if c.strip()]
        return [c[c.index("<") + 1 : c.index(">")] if "<" in c else c for c in contacts]

    def _request(
        self,
        method: str,
        uri: str,
        user: str,
        call_id: str | None = None,
        cseq: int = 1,
        authorization: str | None = None,
    ) -> str:
        lines = [
            f"{method} {uri} SIP/2.0",
            f"Via: SIP/2.0/UDP {self.host}:LOCALPORT;branch=z9hG4bK{secrets.token_hex(8)};rport",
            "Max-Forwards: 70",
            f"From: <sip:{user}@{self.domain}>;tag={secrets.token_hex(4)}",
            f"To: <sip:{user}@{self.domain}>" if method == "REGISTER" else f"To: <{uri}>",
            f"Call-ID: {call_id or secrets.token_hex(8)}@probe",
            f"CSeq: {cseq} {method}",
        ]
        if authorization:
            lines.append(f"Authorization: {authorization}")
        return "\r\n".join([*lines, "Content-Length: 0", "", ""])


def _header(message: str, name: str) -> str:
    for line in message.split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    raise PeerError(f"no {name} header in:\n{message}")


def _digest(method: str, uri: str, user: str, password: str, challenge: str) -> str:
    """RFC 2617 MD5 digest (with qop=auth when offered) for the probes above."""
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    realm, nonce = params["realm"], params["nonce"]

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    ha1 = md5(f"{user}:{realm}:{password}")
    ha2 = md5(f"{method}:{uri}")
    fields = f'username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", algorithm=MD5'
    if "auth" in params.get("qop", "").split(","):
        cnonce, nc = secrets.token_hex(8), "00000001"
        response = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        return f'Digest {fields}, response="{response}", qop=auth, nc={nc}, cnonce="{cnonce}"'
    return f'Digest {fields}, response="{md5(f"{ha1}:{nonce}:{ha2}")}"'
