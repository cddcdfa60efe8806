"""Mediatel's REST side: one JSON GET helper and the per-agent client settings.

``GET <hes>/v1/agents/self`` answers ``{"error": {"code": 200}, "result": [{...}]}``
with the agent's client-application settings (``ClientApp.AutoAnswer
{Predictive, Inbound, Manual, Other: 0|1, Time: ms}``, ``ClericalReminder``
(s), ``TimeForDialOut`` (s), ``AddNrInClipboard``, ...). The doc does not
say whether the scalar settings sit inside ``ClientApp`` or beside it, so
both are read. Like the snapshot parser, this is the one place that knows
the wire: numbers as text or numbers, 0/1 flags; anything else is an
``AgentSettingsError`` naming the field.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import aiohttp

from softphone.net import tls
from softphone.net.mediatel.errors import MediatelError

AGENT_SETTINGS_PATH = "/v1/agents/self"
MAX_BODY = 1 << 20


class RestError(MediatelError):
    """A REST request failed; ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AgentSettingsError(MediatelError, ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def ssl_for(*, verify: bool = True, ca_file: Path | None = None) -> ssl.SSLContext | bool:
    if ca_file is not None:
        return tls.client_context(ca_file)
    return verify


async def get_json(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    tls: ssl.SSLContext | bool = True,
    timeout: float = 10.0,
) -> Any:
    """GET ``url`` and decode its JSON; RestError (with the status) on any failure."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http,
            http.get(url, headers=dict(headers or {}), ssl=tls, allow_redirects=False) as reply,
        ):
            if reply.status != 200:
                raise RestError(f"{url} answered HTTP {reply.status}", reply.status)
            body = await reply.content.read(MAX_BODY + 1)
    except aiohttp.ClientError as exc:
        raise RestError(f"cannot fetch {url}: {exc}") from None
    except TimeoutError:
        raise RestError(f"{url} did not answer within {timeout:g} s") from None
    if len(body) > MAX_BODY:
        raise RestError(f"{url} answered more than {MAX_BODY} bytes")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise RestError(f"{url} did not answer JSON: {exc}") from None


@dataclass(frozen=True)
class AgentSettings:
    """The agent's client settings as Mediatel's admin configured them."""

    auto_answer: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
    """Keys ``manual``, ``inbound``, ``predictive``, ``other``."""
    auto_answer_ms: int | None = None
    clerical_reminder_s: int | None = None
    time_for_dial_out_s: int | None = None
    add_number_to_clipboard: bool = False
    show_popup_pause: bool = False
    start_url: str | None = None


def _int(name: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise AgentSettingsError(name, f"expected a number, got {str(value)[:40]!r}") from None
    if not 0 <= number <= 86_400_000:
        raise AgentSettingsError(name, f"out of range: {number}")
    return number


def parse_agent_settings(body: Any) -> AgentSettings:
    if not isinstance(body, dict):
        raise AgentSettingsError("body", "expected a JSON object")
    error = body.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    if code is not None and _int("error.code", code) != 200:
        message = error.get("message") if isinstance(error, dict) else None
        raise AgentSettingsError("error", f"Mediatel answered code {code}: {message or ''}".strip())
    result = body.get("result")
    if isinstance(result, list):
        result = result[0] if result else {}
    if not isinstance(result, dict):
        raise AgentSettingsError("result", "expected an object (or a list of one)")
    app = result.get("ClientApp", {})
    if not isinstance(app, dict):
        raise AgentSettingsError("ClientApp", "expected an object")

    def pick(name: str) -> Any:
        return app.get(name, result.get(name))

    auto = pick("AutoAnswer")
    auto = {} if auto is None else auto
    if not isinstance(auto, dict):
        raise AgentSettingsError("ClientApp.AutoAnswer", "expected an object")
    flags = {
        kind: bool(_int(f"ClientApp.AutoAnswer.{wire}", auto.get(wire)) or 0)
        for kind, wire in (
            ("manual", "Manual"),
            ("inbound", "Inbound"),
            ("predictive", "Predictive"),
            ("other", "Other"),
        )
    }
    start_url = pick("StartURL")
    return AgentSettings(
        auto_answer=MappingProxyType(flags),
        auto_answer_ms=_int("ClientApp.AutoAnswer.Time", auto.get("Time")),
        clerical_reminder_s=_int("ClericalReminder", pick("ClericalReminder")) or None,
        time_for_dial_out_s=_int("TimeForDialOut", pick("TimeForDialOut")),
        add_number_to_clipboard=bool(_int("AddNrInClipboard", pick("AddNrInClipboard")) or 0),
        show_popup_pause=bool(_int("ShowPopupPause", pick("ShowPopupPause")) or 0),
        start_url=str(start_url) if isinstance(start_url, str) and start_url else None,
    )


async def fetch_agent_settings(
    base_url: str,
    *,
    headers: Mapping[str, str] | None = None,
    tls: ssl.SSLContext | bool = True,
    timeout: float = 10.0,
) -> AgentSettings:
    url = base_url.rstrip("/") + AGENT_SETTINGS_PATH
    return parse_agent_settings(await get_json(url, headers=headers, tls=tls, timeout=timeout))
