"""The simulator's HTTP admin API under ``/sim/``: what a trainer or a test does to it.

``GET /sim/agents`` lists the agents; ``POST /sim/inbound``, ``/sim/hangup``
and ``/sim/drop`` (JSON ``{"login": ...}``) play the customer or the network.
A request the simulator cannot carry out gets 400 with ``{"error": ...}``.

The routes only translate HTTP to the :class:`SimControl` calls the tests use
directly. An agent-facing REST API (``/v1/...``, guarded by the gateway
cookie) is a sibling module registered the same way from
:class:`~softphone.sim.server.MediatelSimulator`, not more routes here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web

from softphone.sim.agent_model import AgentSummary, SimulatorError

PREFIX = "/sim"


class SimControl(Protocol):
    """What the admin API needs from the simulator."""

    def agents(self) -> list[AgentSummary]: ...

    async def inbound_call(
        self, login: str, ani: str = "0661234567", queue: str | None = None
    ) -> str: ...

    async def customer_hangup(self, login: str) -> None: ...

    async def drop_connection(self, login: str) -> None: ...


def add_admin_routes(app: web.Application, sim: SimControl) -> None:
    """Serve the admin API on ``app``."""
    routes = web.RouteTableDef()

    @routes.get(f"{PREFIX}/agents")
    async def agents(request: web.Request) -> web.Response:
        return web.json_response(
            [
                {
                    "login": a.login,
                    "extension": a.extension,
                    "state": str(a.state),
                    "connected": a.connected,
                }
                for a in sim.agents()
            ]
        )

    @routes.post(f"{PREFIX}/inbound")
    async def inbound(request: web.Request) -> web.Response:
        return await _control(
            request,
            lambda b: sim.inbound_call(
                str(b["login"]), str(b.get("ani", "0661234567")), b.get("queue")
            ),
        )

    @routes.post(f"{PREFIX}/hangup")
    async def hangup(request: web.Request) -> web.Response:
        return await _control(request, lambda b: sim.customer_hangup(str(b["login"])))

    @routes.post(f"{PREFIX}/drop")
    async def drop(request: web.Request) -> web.Response:
        return await _control(request, lambda b: sim.drop_connection(str(b["login"])))

    app.add_routes(routes)


async def _control(
    request: web.Request, action: Callable[[dict[str, Any]], Awaitable[Any]]
) -> web.Response:
    try:
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("expected a JSON object")
        result = await action(body)
    except (ValueError, KeyError, SimulatorError) as exc:
        return web.json_response({"error": str(exc)}, status=400)
    return web.json_response({"ok": True, "result": result})
