"""A WebRTC-to-RTP media gateway for tests: rtpengine behind a Kamailio that drives it.

Production puts the agent's extension behind a WebRTC gateway in front of a
classic PBX that speaks plain RTP with G.711. `MediaGateway` is that shape
on loopback: `RtpEngine` (rtpengine 10.5 forwarding in user space,
``--table=-1``, no kernel module) and a `Kamailio` whose config calls
``rtpengine_offer``/``answer``/``delete`` (the ``WITH_RTPENGINE`` part of
``kamailio.cfg.tmpl``). Which way an SDP is rewritten follows its profile:
a plain ``RTP/AVP`` body goes out as WebRTC (ICE, DTLS-SRTP, rtcp-mux), a
WebRTC body goes out as plain RTP — so a WebRTC phone and a plain-RTP peer
(`tests/peers/rtp_peer.py`) can call each other in either direction.

Traps handled here (see /work/shared/design/test-peers.md):

- rtpengine starts first and answers an NG ``ping`` before Kamailio starts:
  Kamailio disables an instance that did not answer at its start-up, and
  calls then go out with unrewritten SDP.
- ``--dtls-passive`` rather than ``DTLS=passive`` in the flags (the flag
  breaks outgoing calls from every WebRTC client).
- ``--config-file=none``: the Debian package's config file (kernel table 0,
  its own ports) is not read.
"""

from __future__ import annotations

import random
import secrets
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.peers.daemon import log_tail, spawn_logged, terminate
from tests.peers.errors import PeerError, require_binary
from tests.peers.kamailio import Kamailio
from tests.peers.ports import LOOPBACK, free_port, wait_until

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0
#: media ports per instance; parallel test runs pick disjoint-looking ranges at random
PORT_SPAN = 400


class RtpEngine:
    """rtpengine in user space on 127.0.0.1, its NG control socket on a free UDP port."""

    host = LOOPBACK

    def __init__(self, workdir: Path | None = None, *, log_level: int = 6) -> None:
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="rtpengine-"))
        self.log_path = self.workdir / "rtpengine.log"
        self.log_level = log_level
        self.ng_port: int | None = None
        self.port_min = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def control(self) -> str:
        """The NG socket as Kamailio's ``rtpengine_sock`` wants it."""
        if self.ng_port is None:
            raise PeerError("rtpengine has not been started yet")
        return f"udp:{self.host}:{self.ng_port}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_tail(self, lines: int = 60) -> str:
        return log_tail(self.log_path, lines)

    def start(self) -> None:
        if self.running:
            raise PeerError("rtpengine is already running")
        binary = require_binary("rtpengine", "rtpengine-daemon")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ng_port = free_port(tcp=False, udp=True)
        # rtpengine skips ports it cannot bind, so a range shared by chance
        # with another run only costs it a retry.
        self.port_min = random.randrange(20000, 60000 - PORT_SPAN, 2)
        cmd = [
            binary, "--config-file=none", "--foreground", "--log-stderr",
            f"--log-level={self.log_level}", "--table=-1", f"--interface={self.host}",
            f"--listen-ng={self.host}:{self.ng_port}",
            f"--port-min={self.port_min}", f"--port-max={self.port_min + PORT_SPAN}",
            "--dtls-passive", "--num-threads=2", "--delete-delay=0",
            f"--pidfile={self.workdir / 'rtpengine.pid'}",
        ]  # fmt: skip
        self._proc = spawn_logged(cmd, self.log_path)
        if not wait_until(self._answers, START_TIMEOUT_S, interval=0.05):
            tail = self.log_tail()
            self.stop()
            raise PeerError(f"rtpengine did not answer within {START_TIMEOUT_S} s:\n{tail}")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            terminate(proc, STOP_TIMEOUT_S)

    def ping(self, timeout: float = 0.3) -> bool:
        """One NG ``ping`` (bencoded, behind a cookie); True on ``pong``."""
        cookie = secrets.token_hex(4)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            try:
                s.sendto(f"{cookie} d7:command4:pinge".encode(), (self.host, self.ng_port or 0))
                reply = s.recv(4096).decode(errors="replace")
            except OSError:
                return False
        return reply.startswith(cookie) and "pong" in reply

    def _answers(self) -> bool:
        if self._proc is None or self._proc.poll() is not None:
            raise PeerError(f"rtpengine exited at start:\n{self.log_tail()}")
        return self.ping()

    def close(self) -> None:
        self.stop()
        if self._own_workdir:
            import shutil

            shutil.rmtree(self.workdir, ignore_errors=True)


class MediaGateway:
    """rtpengine, then a Kamailio that sends every call's SDP through it.

    ``kamailio`` is an ordinary `Kamailio` (registrar, proxy, WebSocket and
    UDP), so WebRTC clients and plain-RTP peers register and call as usual.
    """

    def __init__(self, workdir: Path | None = None, **kamailio_options: Any) -> None:
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="gateway-"))
        self.rtpengine = RtpEngine(self.workdir / "rtpengine")
        self._options = kamailio_options
        self.kamailio: Kamailio | None = None

    def start(self) -> MediaGateway:
        self.rtpengine.start()
        try:
            self.kamailio = Kamailio(
                workdir=self.workdir / "kamailio", rtpengine=self.rtpengine.control, **self._options
            )
            self.kamailio.start()
        except BaseException:
            self.rtpengine.stop()
            raise
        return self

    def stop(self) -> None:
        if self.kamailio is not None:
            self.kamailio.stop()
        self.rtpengine.stop()

    def log_tails(self) -> str:
        kamailio = self.kamailio.log_tail(40) if self.kamailio is not None else ""
        return f"--- kamailio\n{kamailio}\n--- rtpengine\n{self.rtpengine.log_tail(40)}"

    def __enter__(self) -> MediaGateway:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
