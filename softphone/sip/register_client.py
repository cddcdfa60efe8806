"""Registration through the user agent's plumbing.

``registration.Registration`` is the state machine (what to send, how to
read the answer, when to refresh or retry); this module sends what it builds
through a client transaction — so 401/407 are answered like for any other
request — and feeds it the answers, the timeouts and the connection's ups
and downs.
"""

from __future__ import annotations

from softphone.sip.events import RegistrationState
from softphone.sip.message import Response
from softphone.sip.plumbing import Plumbing
from softphone.sip.registration import Registration, RegistrationSettings, RegState
from softphone.sip.transaction import Failure, Transaction
from softphone.sip.uri import NameAddr

_PUBLIC_STATE = {
    RegState.UNREGISTERED: RegistrationState.UNREGISTERED,
    RegState.REGISTERING: RegistrationState.REGISTERING,
    RegState.REGISTERED: RegistrationState.REGISTERED,
    RegState.UNREGISTERING: RegistrationState.UNREGISTERING,
    RegState.WAITING: RegistrationState.FAILED,
    RegState.FAILED: RegistrationState.FAILED,
}


class RegisterClient:
    def __init__(self, core: Plumbing) -> None:
        self._core = core
        config = core.config
        self.reg = Registration(
            RegistrationSettings(
                aor=core.aor,
                registrar=core.registrar,
                contact=NameAddr(
                    uri=core.contact_uri,
                    params=(
                        ("+sip.instance", f'"<{core.instance_id}>"'),
                        ("reg-id", str(config.reg_id)),
                    ),
                ),
                expires=config.register_expires,
                retry_base=config.register_retry_base,
                retry_max=config.register_retry_max,
            ),
            core.rng,
        )
        self._tx: Transaction | None = None

    @property
    def state(self) -> RegistrationState:
        return _PUBLIC_STATE[self.reg.state]

    def earliest(self) -> float | None:
        return self.reg.deadlines.earliest()

    def register(self, now: float) -> None:
        self.reg.wanted = True
        if self.reg.busy or not self._core.connected:
            return  # the answer to the REGISTER in flight / connection_made will do
        self._send(now)

    def unregister(self, now: float) -> None:
        self.reg.wanted = False
        self.reg.deadlines.stop("retry")
        self.reg.deadlines.stop("refresh")
        if self.reg.state in (RegState.REGISTERED, RegState.REGISTERING) and self._core.connected:
            self._abandon()
            self._send(now, unregister=True)
        elif self.reg.state is RegState.WAITING:
            self.reg.state = RegState.UNREGISTERED

    def handle_timer(self, now: float) -> None:
        events, send = self.reg.fire(now)
        self._core.emit_all(events)
        if send and self._core.connected and not self.reg.busy:
            self._send(now)

    def connection_lost(self) -> None:
        self._tx = None
        self._core.emit_all(self.reg.on_connection_lost())

    def connection_made(self, now: float) -> None:
        if self.reg.wanted:
            self._abandon()
            self._send(now)

    def _abandon(self) -> None:
        """Forget the REGISTER in flight: a new one replaces it."""
        if self._tx is not None:
            self._tx.terminate()
            self._core.tx.reap()

    def _send(self, now: float, *, unregister: bool = False) -> None:
        def on_retry(_request: object, tx: Transaction) -> None:
            self._tx = tx

        self._tx = self._core.send_client(
            self.reg.build(unregister=unregister),
            now,
            on_response=self._on_response,
            on_failure=self._on_failure,
            renumber=lambda: self.reg.build(unregister=unregister).cseq.seq,
            on_retry=on_retry,
        )

    def _on_response(self, tx: Transaction, response: Response, now: float) -> None:
        if response.status_code < 200 or tx is not self._tx:
            return
        self._tx = None
        events, again = self.reg.on_final(tx.request, response, now)
        self._core.emit_all(events)
        if again and self._core.connected:
            self._send(now)

    def _on_failure(self, tx: Transaction, failure: Failure, now: float) -> None:
        if tx is not self._tx:
            return
        self._tx = None
        self._core.emit_all(self.reg.on_timeout(now, transport=failure is Failure.TRANSPORT))
