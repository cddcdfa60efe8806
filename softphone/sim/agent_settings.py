"""The simulator's ``GET /v1/agents/self``: per-agent client settings, as Mediatel serves them.

Which agent is "self": the gateway cookie's ``username`` when the simulator
checks cookies, else ``?login=``, else the only configured agent. Tests and
the demo change an agent's settings with :func:`set_agent_settings`.
"""

from __future__ import annotations

import copy
from typing import Any, Protocol

from aiohttp import web

from softphone.net.mediatel.rest import AGENT_SETTINGS_PATH
from softphone.net.vouch import token_from_cookie_header, verify_token
from softphone.sim.config import SimSettings

DEFAULT_CLIENT_APP: dict[str, Any] = {
    "AutoAnswer": {"Predictive": 1, "Inbound": 1, "Manual": 1, "Other": 0, "Time": 0},
    "ClericalReminder": 30,
    "TimeForDialOut": 30,
    "AddNrInClipboard": 0,
    "ShowPopupPause": 1,
    "StartURL": "",
    "RingFileID": 0,
}
_KEY = web.AppKey("agent_settings", dict)


class _Sim(Protocol):
    settings: SimSettings


def set_agent_settings(app: web.Application, login: str, client_app: dict[str, Any]) -> None:
    """Replace ``login``'s ``ClientApp`` object (merged over the defaults)."""
    merged = copy.deepcopy(DEFAULT_CLIENT_APP)
    merged.update(client_app)
    app[_KEY][login] = merged


def add_agent_settings_routes(app: web.Application, sim: _Sim) -> None:
    app[_KEY] = {}

    async def agents_self(request: web.Request) -> web.Response:
        settings = sim.settings
        login = request.query.get("login")
        token = token_from_cookie_header(request.headers.get("Cookie"))
        if settings.vouch_secret or settings.vouch_token:
            claims = None
            if token is not None and settings.vouch_secret:
                claims = verify_token(token, settings.vouch_secret)
            if claims is None and not (token and token == settings.vouch_token):
                return web.json_response(
                    {"error": {"code": 403, "message": "Forbidden"}}, status=403
                )
            if claims is not None:
                login = str(claims.get("username"))
        if login is None and len(settings.agents) == 1:
            login = settings.agents[0].login
        agent = settings.agent(login) if login else None
        if agent is None:
            message = "unknown agent" if login else "which agent? (pass ?login=)"
            return web.json_response({"error": {"code": 404, "message": message}}, status=404)
        client_app = app[_KEY].get(agent.login, DEFAULT_CLIENT_APP)
        result = {
            "ID": agent.agent_id,
            "Login": agent.login,
            "Name": agent.name or agent.login,
            "Extension": agent.extension,
            "ClientApp": client_app,
        }
        return web.json_response({"error": {"code": 200}, "result": [result]})

    app.router.add_get(AGENT_SETTINGS_PATH, agents_self)
