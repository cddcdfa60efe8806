"""The agent session: one Mediatel connection and one phone, run by the contact center's rules.

``AgentSession`` implements ``AgentApi`` (agent_api.py). It owns a Mediatel
client and a phone through the ports of agent_ports.py, merges what both
say into one ``AgentSnapshot`` (published on every change) and CTI events,
and applies the policies, each in its own module: auto_answer,
call_refusal, watchdog, registrar_switch, next_pause, clerical_reminder,
screen_pop; the call itself is followed by call_tracker.

Build one from configuration (the app, the headless agent, the demo)::

    from softphone.core.agent_factory import build_session
    from softphone.core.config import load_config
    from softphone.core.secrets import load_secrets

    config = load_config(profile_path, flags, os.environ)   # flags: {"auto_answer_ms": "0", ...}
    secrets = load_secrets(config.login, os.environ).with_values(flags)
    session = build_session(config, secrets, profile_path=profile_path, overrides=flags)
    await session.sign_in(SignInRequest(login, password, extension, sip_password=...))
    ...                                      # session.snapshot, subscribe(), subscribe_cti()
    await session.aclose()                   # signs out (log out, unregister, disconnect)

or by hand, with any ports (tests put fakes or the simulator behind them)::

    AgentSession(mediatel=lambda: MediatelClient(...), phone=lambda login: Phone(...),
                 sip_urls=("wss://pbx/ws",), policy=SessionPolicy(), history=CallHistory(path))

Sign-in runs connect Mediatel -> register the extension -> log in, so the
platform never offers a call to an extension that cannot ring; sign-out runs
the reverse. Any failure on the way closes what was opened and raises
``SignInError`` with its own sentence and form field.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from softphone.core import sentences as S
from softphone.core.agent_api import AgentApi, SignInRequest, Unsubscribe
from softphone.core.agent_commands import (
    AgentCommand,
    CommandFailed,
    CommandRefused,
    SignInError,
    SignInField,
)
from softphone.core.agent_ports import (
    Clock,
    LoopClock,
    MediatelFactory,
    MediatelPort,
    PhoneFactory,
    PhonePort,
    SipLogin,
)
from softphone.core.agent_session_commands import SessionCommands
from softphone.core.agent_session_mediatel import MediatelSide
from softphone.core.agent_session_phone import PhoneSide
from softphone.core.agent_session_settings import SessionSettings
from softphone.core.agent_snapshot import (
    AgentSnapshot,
    CallPhase,
    ClericalView,
    LinkHealth,
    LinkState,
    SignIn,
)
from softphone.core.agent_view import Facts, command_availability, pause_view
from softphone.core.answer_first import AnswerFirst
from softphone.core.auto_answer import AutoAnswer, AutoAnswerRules
from softphone.core.call_end import CallEnd
from softphone.core.call_records import CallRecord, HistoryQuery
from softphone.core.call_tracker import CallTracker
from softphone.core.clerical_reminder import ClericalReminder
from softphone.core.cti_events import CtiEvent
from softphone.core.gateway_refresh import GatewayRefresh
from softphone.core.history import CallHistory
from softphone.core.next_pause import NextPause
from softphone.core.phone import PhoneCommandError
from softphone.core.registrar_switch import RegistrarSwitch, poll_registrars
from softphone.core.screen_pop import ScreenPop, open_in_browser
from softphone.core.sentences import Sentence, said
from softphone.core.session_bus import SnapshotBus
from softphone.core.sign_in_errors import login_error, mediatel_connect_error
from softphone.core.sign_out import Leaving, leave_mediatel
from softphone.core.watchdog import RegistrationWatchdog
from softphone.net.mediatel import (
    AgentState,
    CallCode,
    CommandNotAvailable,
    InvalidArgument,
    MediatelConfig,
    MediatelConnectionError,
    MediatelError,
    State,
    Status,
)
from softphone.tasks import cancel_and_wait

log = logging.getLogger(__name__)
C = AgentCommand
_LOST = {"_mediatel_link": CallEnd.MEDIATEL_LOST, "_sip_link": CallEnd.SIP_LOST}
"""What a link going down mid-call means for the call, if the call does not survive it."""


@dataclass(frozen=True)
class SessionPolicy:
    """The contact center's rules, as the profile (and per-agent settings) set them."""

    auto_answer: AutoAnswerRules = field(default_factory=AutoAnswerRules)
    invite_grace_s: float = 2.0
    watchdog_s: float = 15.0
    watchdog_pause: str | None = None
    clerical_reminder_s: float | None = None
    screen_pop: bool = False
    registrar_poll_s: float = 15.0
    sign_in_timeout_s: float = 10.0
    sign_out_timeout_s: float = 8.0
    """Hang-up, after-call work and logout together; the CLI allows 20 s for all of sign-out."""
    quality_interval_s: float = 2.0


@dataclass(frozen=True)
class Prepared:
    """What a sign-in's preparation (provisioning, per-agent settings) decided."""

    policy: SessionPolicy
    sip_urls: tuple[str, ...]
    request: SignInRequest | None = None
    """The sign-in request with provisioned credentials filled in, if any."""


class AgentSession(SessionCommands, SessionSettings, MediatelSide, PhoneSide):
    """See the module docstring. All methods run on one asyncio loop."""

    def __init__(
        self,
        *,
        mediatel: MediatelFactory,
        phone: PhoneFactory,
        sip_urls: tuple[str, ...],
        policy: SessionPolicy | None = None,
        clock: Clock | None = None,
        history: CallHistory | None = None,
        recording_base: str | None = None,
        opener: Callable[[str], object] = open_in_browser,
        registrar_list: Callable[[], Awaitable[Any]] | None = None,
        prepare: Callable[[SignInRequest], Awaitable[Prepared | None]] | None = None,
        reprovision: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """``registrar_list`` fetches the published SIP WebSocket URLs (polled when given);
        ``prepare`` runs first at every sign-in (per-agent settings) and may return a new policy;
        ``reprovision`` fetches the provisioned profile again when the gateway refuses a
        reconnect while signed in (see gateway_refresh.py); True if the token changed.
        """
        self.policy = policy or SessionPolicy()
        self.clock = clock or LoopClock()
        self._history = history
        self._mediatel_factory = mediatel
        self._phone_factory = phone
        self._sip_urls = sip_urls
        self._registrar_list = registrar_list
        self._prepare = prepare
        self._reprovision = reprovision
        self._bus = SnapshotBus(AgentSnapshot())
        self._cti: list[Callable[[CtiEvent], None]] = []
        self._opener = opener
        self._recording_base = recording_base
        self._tasks: set[asyncio.Task[Any]] = set()
        self._mediatel: MediatelPort | None = None
        self._phone: PhonePort | None = None
        self._sip_login: SipLogin | None = None
        self._pumps: list[asyncio.Task[None]] = []
        self._reset()

    def _reset(self) -> None:
        """Fresh per-sign-in state."""
        p = self.policy
        self._agent: AgentState | None = None
        self._sign_in = SignIn.SIGNED_OUT
        self._login: str | None = None
        self._extension: str | None = None
        self._mediatel_link = LinkHealth()
        self._sip_link = LinkHealth()
        self._state_since: float | None = None
        self._forced_reason: str | None = None
        self._chosen: CallCode | None = None
        self._notice: str | None = None
        self._missed = 0
        self._quality_task: asyncio.Task[None] | None = None
        old = getattr(self, "answer_first", None)
        if old is not None:
            old.close()
        self.answer_first = AnswerFirst(self.clock, self._publish)
        self._invite_hold: Callable[[], None] | None = None
        self.tracker = CallTracker(
            self.clock,
            self._emit_cti,
            history=self._history,
            recording_base=self._recording_base,
            defer=self.answer_first.later,
            tell=self._note,
        )
        self.auto_answer = AutoAnswer(
            self.clock,
            p.auto_answer,
            answer=self._auto_answer,
            scheduled=lambda _h, _t, at: self._update(self.tracker.auto_answer_at, at),
            unannounced=self._unannounced,
            armed=self._arm_phone,
            grace_s=p.invite_grace_s,
        )
        self.watchdog = RegistrationWatchdog(
            self.clock,
            pause=lambda pause: self._spawn(self._watchdog_pause(pause.id)),
            resume=lambda: self._spawn(self._guard(self._port().resume())),
            grace_s=p.watchdog_s,
            wanted=p.watchdog_pause,
        )
        self.next_pause = NextPause()
        self.reminder = ClericalReminder(self.clock, p.clerical_reminder_s, self._publish)
        self.screen_pop = ScreenPop(self._opener, enabled=p.screen_pop)
        self.registrars = RegistrarSwitch(self._sip_urls, lambda u: self._spawn(self._switch(u)))
        self.gateway = GatewayRefresh(self._reprovision, self._note)
        self._gateway_watch: asyncio.Task[None] | None = None

    # -- observing (AgentApi) ------------------------------------------------------

    @property
    def snapshot(self) -> AgentSnapshot:
        return self._bus.current

    def subscribe(self, callback: Callable[[AgentSnapshot], None]) -> Unsubscribe:
        return self._bus.subscribe(callback)

    def snapshots(self) -> AsyncIterator[AgentSnapshot]:
        return self._bus.stream()

    def subscribe_cti(self, callback: Callable[[CtiEvent], None]) -> Unsubscribe:
        self._cti.append(callback)
        return lambda: self._cti.remove(callback) if callback in self._cti else None

    def _emit_cti(self, event: CtiEvent) -> None:
        self.answer_first.later(lambda: self._deliver_cti(event))

    def _deliver_cti(self, event: CtiEvent) -> None:
        for callback in list(self._cti):
            try:
                callback(event)
            except Exception:
                log.exception("a CTI observer failed on %s", event.name)

    def _publish(self) -> None:
        if self.answer_first.holding:
            self.answer_first.dirty = True  # published once the answer is out
            return
        a = self._agent
        call = self.tracker.call
        facts = Facts(
            signed_in=self._sign_in is SignIn.SIGNED_IN,
            agent=a,
            mediatel_up=self._mediatel_link.up,
            sip_registered=self._sip_link.up,
            call=call,
            call_live=self.tracker.live,
            ringing_handle=self.tracker.handle
            if call is not None and call.phase is CallPhase.RINGING
            else None,
            next_pause=self.next_pause.queued,
        )
        clerical = None
        if a is not None and a.state is State.CLERICAL:
            clerical = ClericalView(
                a.call_codes,
                self._chosen,
                chosen_held=self._chosen is not None and not self._mediatel_link.up,
                reminder_at=self.reminder.reminder_at,
                reminder_due=self.reminder.due,
            )
        self._bus.publish(
            AgentSnapshot(
                sign_in=self._sign_in,
                login=self._login,
                agent_name=a.agent_name if a else None,
                extension=self._extension,
                state=a.state if a else State.LOGOUT,
                status=a.status if a else Status.OFFLINE,
                status_name=a.status_name if a else "offline",
                state_since=self._state_since,
                mediatel=self._mediatel_link,
                sip=self._sip_link,
                call=call,
                pause=pause_view(
                    a,
                    forced_reason=self._forced_reason,
                    watchdog_pause=self.watchdog.paused,
                    watchdog_cause=self.watchdog.cause,
                ),
                next_pause=self.next_pause.queued,
                clerical=clerical,
                pauses=a.pause_list if a else (),
                queues=a.queues if a else (),
                predictive=a.predictive if a else False,
                auto_answer=self.auto_answer.rules.view(),
                commands=command_availability(facts),
                notice=self._notice,
                missed_calls=self._missed,
            )
        )

    def _update(self, fn: Callable[..., None], *args: Any) -> None:
        fn(*args)
        self._publish()

    def _note(self, text: str) -> None:
        self._notice = text
        self._publish()

    def _link(
        self, which: str, state: LinkState, reason: str | None = None, retry: float | None = None
    ) -> None:
        now = self.clock.time()
        old: LinkHealth = getattr(self, which)
        since = old.since if old.state is state else now
        setattr(
            self, which, LinkHealth(state, since, reason, None if retry is None else now + retry)
        )
        if state in (LinkState.RECONNECTING, LinkState.FAILED):
            self.tracker.link_lost(_LOST[which])

    # -- tasks ---------------------------------------------------------------------

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("agent session task failed", exc_info=task.exception())

    async def _guard(self, coro: Awaitable[Any]) -> None:
        """Run a command the session decided on; a failure becomes a notice."""
        try:
            await coro
        except (MediatelError, PhoneCommandError, CommandRefused, CommandFailed) as exc:
            self._note(said(exc))

    def _port(self) -> MediatelPort:
        if self._mediatel is None:
            raise CommandRefused(C.LOGOUT, Sentence(S.NOT_SIGNED_IN))
        return self._mediatel

    # -- sign-in / sign-out ----------------------------------------------------------

    async def sign_in(self, request: SignInRequest) -> None:
        if self._sign_in is not SignIn.SIGNED_OUT:
            raise SignInError(SignInField.LOGIN, "Already signed in (or signing in).")
        # A gateway 403/401 may mean the provisioned token expired: fetch it once more.
        attempts = 2 if self._prepare is not None else 1
        for attempt in range(attempts):
            try:
                await self._try_sign_in(request)
                break
            except SignInError as exc:
                if exc.field is not SignInField.GATEWAY or attempt + 1 == attempts:
                    raise
        self._sign_in = SignIn.SIGNED_IN
        self._publish()
        self.watchdog.on_registration(True)
        if self._registrar_list is not None:
            fetch = self._registrar_list
            self._spawn(
                poll_registrars(
                    fetch, self.registrars.offer, interval_s=self.policy.registrar_poll_s
                )
            )

    async def _try_sign_in(self, request: SignInRequest) -> None:
        self._reset()
        self._sign_in, self._login = SignIn.SIGNING_IN, request.login
        self._extension = request.extension
        self._publish()
        try:
            await self._sign_in_steps(request)
        except BaseException as exc:
            await self._close_all()
            self._sign_in = SignIn.SIGNED_OUT
            error = said(exc) if isinstance(exc, SignInError) else None
            self._bus.publish(replace(AgentSnapshot(), sign_in_error=error))
            raise

    async def _sign_in_steps(self, request: SignInRequest) -> None:
        timeout = self.policy.sign_in_timeout_s
        if self._prepare is not None:
            prepared = await self._prepare(request)
            if prepared is not None:
                self.policy = self._with_agent_rules(prepared.policy)
                self._sip_urls = prepared.sip_urls
                request = prepared.request or request
                self._reset()
                self._sign_in, self._login = SignIn.SIGNING_IN, request.login
                self._extension = request.extension
        # 1. Mediatel
        self._link("_mediatel_link", LinkState.CONNECTING)
        self._publish()
        client = self._mediatel = self._mediatel_factory()
        stream = client.events()
        self._pumps.append(asyncio.ensure_future(self._pump_mediatel(stream)))
        try:
            await client.connect()
        except MediatelConnectionError as exc:
            # Imported at the first failed connection: a working one never needs the diagnosis.
            from softphone.net.mediatel.diagnose import diagnose_connect

            config = getattr(client, "config", None)
            cause = await diagnose_connect(config) if isinstance(config, MediatelConfig) else ""
            raise mediatel_connect_error(self._url(), f"{cause} {exc}") from None
        self._link("_mediatel_link", LinkState.UP)
        # 2. the extension
        self._link("_sip_link", LinkState.CONNECTING)
        self._publish()
        sip_user = request.sip_user or request.extension
        sip_password = request.sip_password if request.sip_password is not None else ""
        self._sip_login = SipLogin(self.registrars.current, sip_user, sip_password)
        self._phone = await self._start_phone(self._sip_login, timeout)
        # 3. log in (unless the platform kept this agent's session: a restart mid-call)
        if client.state is not None and client.state.logged_in:
            return
        try:
            await client.login(request.login, request.password, request.extension)
        except (CommandNotAvailable, InvalidArgument) as exc:
            raise SignInError(
                SignInField.LOGIN, f"Mediatel did not accept the login: {exc}"
            ) from None
        try:
            state = await client.wait_for(
                lambda s: s.logged_in or s.login_error is not None, timeout
            )
        except TimeoutError:
            raise SignInError(
                SignInField.SERVER, "Mediatel did not answer the login in time."
            ) from None
        if not state.logged_in:
            raise login_error(state.login_error or "wrong login or password")

    def _url(self) -> str:
        config = getattr(self._mediatel, "config", None)
        return str(getattr(config, "server_url", "Mediatel"))

    async def sign_out(self) -> None:
        """Log out (from any state: see sign_out.py), unregister, disconnect.

        Raises ``CommandFailed`` -- after closing everything here -- when Mediatel
        could not be left logged out; the sentence names the state it was left in
        and stays in the snapshot's notice.
        """
        if self._sign_in is SignIn.SIGNED_OUT:
            return
        self._sign_in = SignIn.SIGNING_OUT
        self._publish()
        phone, handle = self._phone, self.tracker.handle
        hang_up = None
        if self.tracker.live and phone is not None and phone.active_call:
            hang_up = lambda: phone.hangup(handle or phone.active_call)  # noqa: E731
        left = Leaving()
        try:
            left = await leave_mediatel(
                self._mediatel,
                hang_up=hang_up,
                code_chosen=self._chosen is not None,
                timeout=self.policy.sign_out_timeout_s,
            )
        finally:
            await self._close_all()
            self._reset()
            self._notice = left.failure or left.notice
            self._publish()
        if left.failure is not None:
            log.warning("sign-out: %s", left.failure)
            raise CommandFailed(C.LOGOUT, left.failure)

    async def _close_all(self) -> None:
        """Unregister (closing the phone), then disconnect; stop every task."""
        for policy in (self.auto_answer, self.watchdog, self.reminder, self.answer_first):
            policy.close()
        await cancel_and_wait(self._quality_task, self._gateway_watch)
        for task in list(self._tasks):
            await cancel_and_wait(task)
        phone, self._phone = self._phone, None
        if phone is not None:
            await phone.aclose()
        client, self._mediatel = self._mediatel, None
        if client is not None:
            await client.aclose()
        for pump in self._pumps:
            await cancel_and_wait(pump)
        self._pumps.clear()

    async def aclose(self) -> None:
        """Sign out and end every snapshot stream; a failed logout is logged (see sign_out)."""
        try:
            await self.sign_out()
        except CommandFailed:
            pass  # logged, and the last snapshot's notice says it
        finally:
            self._bus.close()


if TYPE_CHECKING:

    def _implements_agent_api(session: AgentSession) -> AgentApi:
        return session  # mypy checks the session against the contract here


__all__ = ["AgentSession", "CallRecord", "HistoryQuery", "Prepared", "SessionPolicy"]
