"""The desktop application: one asyncio loop on the Qt thread (qasync).

``SoftphoneApp`` owns the bridge, the main window and its controllers. The
window's close button hides it to the tray (or minimises it where there is
no tray); Quit signs out with a bounded wait, so a dead server never freezes
the window, then stops the loop. Errors from slots and stray tasks are
logged and shown as a sentence, never as a traceback.

How to start it::

    return run_app(session_factory)        # from the ``softphone`` command
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from softphone.core.agent_api import AgentApi
from softphone.core.agent_commands import AgentError
from softphone.core.agent_snapshot import SignIn
from softphone.core.cti_host import ApiSettings
from softphone.logs import setup_logging
from softphone.ui import icons
from softphone.ui.aio import guarded, sentence, spawn
from softphone.ui.bridge import AgentBridge
from softphone.ui.controllers.main import MainController
from softphone.ui.controllers.shell import ShellController
from softphone.ui.crash import ExceptHook
from softphone.ui.deferred_session import DeferredSession, SessionUnavailable
from softphone.ui.i18n import install_translators, resolve_language
from softphone.ui.notifications import set_app_user_model_id
from softphone.ui.settings.live import LiveSettings
from softphone.ui.settings.store import UiSettings
from softphone.ui.single_instance import SingleInstance, hand_over, request_from_args
from softphone.ui.views.main_window import MainWindow
from softphone.ui.views.sign_in import SignInDefaults

if TYPE_CHECKING:
    from softphone.core.cti_host import IntegrationApi
    from softphone.core.cti_server import CtiServer

log = logging.getLogger(__name__)

QUIT_TIMEOUT_S = 5.0
"""Longest wait for signing out on quit; then the app quits anyway."""
APP_NAME = "softphone"


class SoftphoneApp(QObject):
    def __init__(
        self,
        session: AgentApi,
        qapp: QApplication,
        *,
        clock: Callable[[], float] = time.time,
        quit_timeout: float = QUIT_TIMEOUT_S,
        sign_in_defaults: SignInDefaults | None = None,
        api: ApiSettings | None = None,
        settings: UiSettings | None = None,
    ) -> None:
        """``settings``: the agent's preferences (default: the user's QSettings and keyring)."""
        super().__init__()
        self.qapp = qapp
        self.session = session
        self.api = api
        """The local integration API served while the app runs (None: none)."""
        self.api_host: IntegrationApi | None = None
        """Serves it once the session is built; the settings move and re-key it."""
        self.api_settled = asyncio.Event()
        """The session is built and the API listens, or could not (said on the banner)."""
        self.quit_timeout = quit_timeout
        qapp.setQuitOnLastWindowClosed(False)
        qapp.setWindowIcon(icons.icon("app"))
        self.bridge = AgentBridge(session, self)
        self.window = MainWindow()
        self.controller = MainController(self.bridge, self.window, clock, sign_in_defaults)
        self.shell = ShellController(
            self.bridge,
            self.window,
            show_window=self.show_window,
            quit_app=self.request_quit,
            settings=settings,
        )
        self.tray: QSystemTrayIcon | None = self.shell.tray.tray
        """Closing the window hides it to this tray (when there is one)."""
        self.live = LiveSettings(
            self.shell.settings,
            session,
            api=lambda: self.api_host,
            report=self.report,
            env=os.environ,
        )
        self.shell.settings_saved.connect(self.live.apply)
        self.crash = ExceptHook(lambda: self.window)
        self.finished = asyncio.Event()
        self._quitting: asyncio.Task[Any] | None = None
        self.window.close_requested.connect(self.on_close)
        self.window.quit_requested.connect(self.request_quit)

    @property
    def api_server(self) -> CtiServer | None:
        """The running ``CtiServer`` (its ``port``), once listening."""
        return self.api_host.server if self.api_host is not None else None

    def start(self, minimised: bool = False) -> None:
        self.bridge.start()
        self.shell.start()
        if minimised and self.shell.close_hides_window():
            pass  # in the tray from the start
        elif minimised:
            self.window.showMinimized()
        else:
            self.window.show()
        self.controller.sign_in.start()

    def show_window(self) -> None:
        """Bring the window up (tray click, second launch, notification click)."""
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def on_close(self) -> None:
        """Close button: to the tray if there is one, else minimise; quitting is explicit."""
        if self.shell.close_hides_window():
            self.window.hide()
        else:
            self.window.showMinimized()

    # -- errors ------------------------------------------------------------------
    def report(self, text: str) -> None:
        self.window.show_error(text)

    def excepthook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        """Uncaught errors (from any slot): logged in full, shown as a sentence.

        The core's own refusals go to the banner; anything else is a bug and
        opens the crash dialog (sentence + "Copy details").
        """
        if isinstance(error, AgentError):
            log.error("uncaught error", exc_info=(kind, error, tb))
            self.report(sentence(error))
        else:
            self.crash(kind, error, tb)

    def loop_exception(self, _loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        log.error("event loop: %s", context.get("message"), exc_info=error)
        if isinstance(error, AgentError):
            self.report(sentence(error))
        elif isinstance(error, BaseException):
            self.crash.report(error)

    # -- quitting ----------------------------------------------------------------
    def request_quit(self) -> None:
        if self._quitting is None:
            self._quitting = spawn(self.shutdown(), self.report, "quit")

    async def shutdown(self) -> None:
        """Sign out (bounded), finish running commands, then let ``run`` return."""
        self.window.statusBar().showMessage(
            QCoreApplication.translate("App", "Signing out before quitting…")
        )
        if self.session.snapshot.sign_in is not SignIn.SIGNED_OUT:
            await guarded(
                asyncio.wait_for(self.session.sign_out(), self.quit_timeout),
                lambda text: log.warning("sign-out on quit: %s", text),
                "sign-out on quit",
            )
        await self.bridge.drain(1.0)
        self.bridge.stop()
        self.shell.stop()
        self.controller.timer.stop()
        self.window.allow_close = True
        self.window.close()
        self.finished.set()

    async def run(self, minimised: bool = False) -> int:
        """Show the window and serve until quit."""
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(self.loop_exception)
        previous_hook = sys.excepthook
        sys.excepthook = self.excepthook
        try:
            self.start(minimised)
            session = await self._built_session()
            async with contextlib.AsyncExitStack() as stack:
                if session is not None and self.api is not None and not self.finished.is_set():
                    await self._serve_api(stack, session, self.api)
                self.api_settled.set()
                await self.finished.wait()
                if (
                    self._quitting is None
                    and self.session.snapshot.sign_in is not SignIn.SIGNED_OUT
                ):
                    await self.shutdown()  # the desktop session is ending: still sign out
        finally:
            sys.excepthook = previous_hook
        return 0

    async def _built_session(self) -> AgentApi | None:
        """The real session; a deferred one is built once the window has painted."""
        if not isinstance(self.session, DeferredSession):
            return self.session
        painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def paint_done() -> None:
            if not painted.done():
                painted.set_result(None)

        QTimer.singleShot(0, paint_done)  # after the show and paint events queued now
        await painted
        try:
            return await self.session.build()
        except SessionUnavailable as exc:
            log.error("session not built", exc_info=exc.__cause__)
            self.report(str(exc))
            return None

    async def _serve_api(
        self, stack: contextlib.AsyncExitStack, session: AgentApi, api: ApiSettings
    ) -> None:
        """The CRM's API for as long as the app runs; failing to listen is a sentence
        (a port chosen later in the settings starts it)."""
        from softphone.core.cti_discovery import DiscoveryError
        from softphone.core.cti_host import IntegrationApi

        host = self.api_host = IntegrationApi(session, api)
        stack.push_async_callback(host.aclose)
        try:
            server = await host.start()
        except (DiscoveryError, OSError) as exc:
            log.warning("integration API not served: %s", exc)
            self.report(
                QCoreApplication.translate(
                    "App", "The integration API for your CRM is off: {0}. The phone still works."
                ).format(exc)
            )
            return
        log.info("integration API on %s", server.url)


SessionFactory = Callable[[], AgentApi]


def make_qapp(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    qapp = QApplication(argv if argv is not None else sys.argv[:1])
    qapp.setOrganizationName(APP_NAME)
    qapp.setApplicationName(APP_NAME)
    qapp.setApplicationDisplayName(QCoreApplication.translate("App", "Softphone"))
    qapp.setDesktopFileName(APP_NAME)
    return qapp


def forward_to_running(request: list[str]) -> bool:
    """Hand this launch's request to an app already running for this user; True if taken.

    Checked before the profile is read, so ``softphone dial N`` from a CRM
    reaches the running window even where this process could not start one.
    """
    return SingleInstance().send_to_running(request_from_args(request))


IO_THREADS = 4


def new_loop(qapp: QApplication) -> asyncio.AbstractEventLoop:
    """qasync's loop, with a default executor that starts threads only when work waits.

    qasync's own starts ten QThreads at its first use (a name lookup, the
    media stack's import), and each thread that allocates gets a malloc
    arena; the app needs one or two at a time.
    """
    import qasync

    loop: asyncio.AbstractEventLoop = qasync.QEventLoop(qapp)
    loop.set_default_executor(ThreadPoolExecutor(IO_THREADS, thread_name_prefix="softphone-io"))
    return loop


def run_app(
    make_session: SessionFactory,
    argv: list[str] | None = None,
    sign_in_defaults: SignInDefaults | None = None,
    request: list[str] | None = None,
    *,
    log_dir: Path | None = None,
    single_instance: bool = True,
    api: ApiSettings | None = None,
    preload: tuple[str, ...] = (),
) -> int:
    """Run the desktop app until quit; the session is built on the app's loop.

    ``request`` is what this launch asks for (``["dial", NUMBER]``, a
    ``tel:`` link, ``--minimized``); when another instance runs it gets the
    request and this process exits at once. The demo passes its throwaway
    ``log_dir`` and ``single_instance=False``: it must neither leave files
    behind nor hand itself over to the agent's real app.

    The window shows first; ``make_session`` runs after its first paint (the
    modules named in ``preload`` imported in a thread before it), and the
    integration API (``api``) is served around the session's life.
    """
    request = request or []
    setup_logging(log_dir)
    set_app_user_model_id()
    qapp = make_qapp(argv)
    instance = SingleInstance(parent=qapp)
    if single_instance and hand_over(request, instance):
        return 0
    language = resolve_language(str(UiSettings().get("general/language")))
    translators = install_translators(qapp, language)
    minimised = "--minimized" in request or bool(UiSettings().get("general/start_minimised"))

    async def main() -> int:
        session = DeferredSession(make_session, preload)
        app = SoftphoneApp(session, qapp, sign_in_defaults=sign_in_defaults, api=api)
        instance.request_received.connect(app.shell.handle_request)
        await instance.listen()  # later launches waited in the socket's backlog until now
        first = request_from_args(request)
        if first.action == "dial":
            app.shell.handle_request(first)
        return await app.run(minimised)

    try:
        with asyncio.Runner(loop_factory=lambda: new_loop(qapp)) as runner:
            return runner.run(main())
    finally:
        instance.stop()
        del translators
