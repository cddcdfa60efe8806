"""``softphone`` with no sub-command: the desktop app (the window agents keep open).

The app reads the same profile as the headless agent (``SOFTPHONE_PROFILE``
or the platform's config folder, then ``SOFTPHONE_*`` variables), the same
keyring entries and the same settings flags (``--login``, ``--api-port``…,
defined once in ``agent_settings``); what they already say fills the
sign-in form, and when nothing is missing it signs in at once. While it
runs it serves the same local integration API as ``softphone agent
--headless``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from softphone.cli.agent_settings import (
    SettingsError,
    add_settings_arguments,
    flag_error,
    resolve_settings,
)
from softphone.core.agent_api import AgentApi
from softphone.core.cti_host import ApiSettings
from softphone.core.secrets import KeyringLike
from softphone.ui.views.sign_in import SignInDefaults

PRELOAD = ("softphone.core.agent_factory",)
"""What building the session imports (the media stack): loaded off the loop."""


@dataclass(frozen=True)
class Launch:
    make_session: Callable[[], AgentApi]
    defaults: SignInDefaults
    api: ApiSettings | None = None


class LaunchError(Exception):
    """The app cannot start; ``str()`` says why and what to do."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The headless agent's settings flags, the very same definitions."""
    add_settings_arguments(parser)


def _no_flags() -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    add_settings_arguments(parser)
    return parser.parse_args([])


def prepare(
    env: Mapping[str, str],
    keyring: KeyringLike | None = None,
    preferences: Mapping[str, str | None] | None = None,
    args: argparse.Namespace | None = None,
) -> Launch:
    """The session factory and the form's defaults from the profile; fails before any window.

    ``preferences``: what the agent chose in the app's settings (devices,
    auto-answer, API port), laid over the profile file; ``args``: the
    settings flags, over both.
    """
    from softphone.core.config import ConfigError, default_profile_path

    args = args if args is not None else _no_flags()
    try:
        settings = resolve_settings(args, env, keyring=keyring, preferences=preferences)
    except ConfigError as exc:
        if (sentence := flag_error(args, exc)) is not None:
            raise LaunchError(sentence) from None
        where = args.profile or env.get("SOFTPHONE_PROFILE") or default_profile_path()
        raise LaunchError(
            f"the server profile is not usable ({exc}); edit {where}, "
            "or try the app with `softphone --demo`"
        ) from None
    except SettingsError as exc:
        raise LaunchError(str(exc)) from None
    config, secrets = settings.config, settings.secrets
    defaults = SignInDefaults(
        login=config.login,
        extension=config.extension,
        password_stored=bool(secrets.password),
        sip_user=config.sip_user,
        profile_name=_server_name(config.mediatel_url),
        sign_in_now=bool(config.login and config.extension and secrets.password),
    )
    return Launch(lambda: settings.build_session(env), defaults, settings.api)


def _preferences() -> dict[str, str | None]:
    """The app's saved settings that the core's profile knows too."""
    from PySide6.QtCore import QSettings

    from softphone.ui.settings.store import UiSettings, core_overrides

    return core_overrides(UiSettings(QSettings("softphone", "softphone")), os.environ)


def _server_name(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


def run(args: argparse.Namespace) -> int:
    request = list(getattr(args, "request", None) or [])
    if getattr(args, "minimized", False):
        request.append("--minimized")
    from softphone.ui.app import forward_to_running

    if forward_to_running(request):
        return 0  # the running app took it (shown, number filled in)

    from softphone.cli.display import display_problem

    try:
        launch = prepare(os.environ, preferences=_preferences(), args=args)
    except LaunchError as exc:
        print(f"softphone: {exc}", file=sys.stderr)
        return 2
    problem = display_problem(os.environ)  # before Qt, which would print its plugin dump
    if problem is not None:
        print(f"softphone: {problem}.", file=sys.stderr)
        return 2
    from softphone.ui.app import run_app

    return run_app(
        launch.make_session,
        sign_in_defaults=launch.defaults,
        request=request,
        api=launch.api,
        preload=PRELOAD,
    )
