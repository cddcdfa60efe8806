"""Per-agent settings: the parser's tolerance and errors, and the simulator's endpoint."""

from __future__ import annotations

import pytest

from softphone.net.mediatel.rest import (
    AgentSettingsError,
    RestError,
    fetch_agent_settings,
    parse_agent_settings,
)
from softphone.net.vouch import VouchConfig
from softphone.sim.agent_settings import set_agent_settings
from tests.peers.mediatel import SimFactory


def test_settings_inside_or_beside_client_app() -> None:
    inside = parse_agent_settings(
        {
            "error": {"code": "200"},
            "result": [{"ClientApp": {"AutoAnswer": {"Manual": "1"}, "TimeForDialOut": "30"}}],
        }
    )
    assert inside.auto_answer["manual"] and not inside.auto_answer["inbound"]
    assert inside.time_for_dial_out_s == 30 and inside.auto_answer_ms is None
    beside = parse_agent_settings(
        {"result": {"ClientApp": {"AutoAnswer": {"Other": 1, "Time": 0}}, "ClericalReminder": 20}}
    )
    assert beside.auto_answer["other"] and beside.auto_answer_ms == 0
    assert beside.clerical_reminder_s == 20


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "body"),
        ({"error": {"code": 500, "message": "down"}}, "error"),
        ({"result": "x"}, "result"),
        (
            {"result": [{"ClientApp": {"AutoAnswer": {"Time": "soon"}}}]},
            "ClientApp.AutoAnswer.Time",
        ),
        ({"result": [{"ClientApp": {"AutoAnswer": []}}]}, "ClientApp.AutoAnswer"),
    ],
)
def test_unusable_settings_name_the_field(body: object, field: str) -> None:
    with pytest.raises(AgentSettingsError) as error:
        parse_agent_settings(body)
    assert error.value.field == field


async def test_simulator_serves_agents_self(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    settings = await fetch_agent_settings(h.sim.url)
    assert settings.auto_answer["manual"] and settings.clerical_reminder_s == 30
    set_agent_settings(h.sim.app, "demo", {"AutoAnswer": {"Manual": 0, "Time": 400}})
    settings = await fetch_agent_settings(h.sim.url)
    assert not settings.auto_answer["manual"] and settings.auto_answer_ms == 400


async def test_simulator_agents_self_checks_the_gateway_cookie(mediatel_sim: SimFactory) -> None:
    secret = "a-gateway-secret-of-at-least-32-bytes"
    h = await mediatel_sim(vouch_secret=secret)
    with pytest.raises(RestError) as refused:
        await fetch_agent_settings(h.sim.url)
    assert refused.value.status == 403
    vouch = VouchConfig(secret=secret, username="demo", user_id="329")
    settings = await fetch_agent_settings(h.sim.url, headers=vouch.headers())
    assert settings.auto_answer["predictive"]
