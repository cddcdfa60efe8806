"""What the simulator knows: agents, queues, pauses, call codes, timings, wire style.

Everything has a demo default so ``softphone sim`` works with no files; an
agents file (JSON) replaces the agent list. The pause list and call codes
come from the seeds' examples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """The agents file (or another simulator setting) is unusable."""


class Spelling(StrEnum):
    """Which field names the simulator sends (both occur in the wild)."""

    LEGACY = "legacy"  # avaliableCommand, awaliableCallCodes, isAvaliable
    MODERN = "modern"  # availableCommand, availableCallCodes, isAvailable


class Numbers(StrEnum):
    """How numeric fields travel."""

    AS_SEEN = "as_seen"  # as in the seeds: ids as strings, times and counters as numbers
    NUMBERS = "numbers"  # every numeric field as a JSON number


class Reconnect(StrEnum):
    """What a reconnecting agent's new socket finds (the doc does not say)."""

    KEEP_LOGIN = "keep_login"  # the session survives; the new socket continues it
    LOGOUT = "logout"  # the new socket starts at STATE_LOGOUT; wrap-up waits for re-login


@dataclass(frozen=True)
class SimAgent:
    login: str
    password: str = field(repr=False)
    extension: str
    name: str = ""
    agent_id: int = 1
    sip_user: str = ""
    sip_password: str = field(default="", repr=False)
    queues: tuple[str, ...] = ()


@dataclass(frozen=True)
class SimQueue:
    name: str
    queue_id: int
    call_codes: tuple[tuple[int, str, int], ...]  # (ID, Name, ActionFlag)


DEFAULT_PAUSES: tuple[tuple[int, str], ...] = (
    (1, "Technical Break"),
    (2, "Talk with Supervisor"),
    (3, "Technical Error"),
    (4, "Meeting"),
)

_CODES = (
    (4, "10. Обещание об оплате", 0),
    (15, "20. Отказ от оплаты", 0),
    (16, "30. Неверный номер", 1),
    (17, "40. Перезвонить позже", 0),
)

DEFAULT_QUEUES: tuple[SimQueue, ...] = (
    SimQueue("DM_Banks_ManualCalls", 7, _CODES),
    SimQueue("DM_MFO_1", 9, _CODES[:2]),
    SimQueue("Inbound_Main", 11, _CODES[:1] + _CODES[3:]),
)

DEMO_AGENT = SimAgent(
    login="demo",
    password="demo",
    extension="1001",
    name="Demo Agent",
    agent_id=329,
    sip_user="1001",
    sip_password="1001",
)


@dataclass(frozen=True)
class Timings:
    """Seconds. Defaults suit a demo; tests shrink them."""

    dial_delay: float = 0.3  # makeCall -> STATE_CALL_DELIVERED
    answer_timeout: float = 10.0  # the extension must answer within this, or Force Pause
    customer_answer_delay: float = 0.5  # answered -> STATE_CALL_ACTIVE (manual calls)
    clerical_timeout: float = 60.0  # STATE_CLERICAL -> STATE_IDLE without a call code
    predictive_interval: float = 5.0  # idle time before the next automatic call
    failed_reset: float = 3.0  # STATE_MAKECALL_FAILED -> STATE_IDLE
    orphan_grace: float = 300.0  # KEEP_LOGIN: how long a dropped session waits
    training_interval: float | None = None  # training: an inbound call this often (None: off)


@dataclass(frozen=True)
class SimSettings:
    agents: tuple[SimAgent, ...] = (DEMO_AGENT,)
    queues: tuple[SimQueue, ...] = DEFAULT_QUEUES
    pauses: tuple[tuple[int, str], ...] = DEFAULT_PAUSES
    timings: Timings = Timings()
    spelling: Spelling = Spelling.LEGACY
    numbers: Numbers = Numbers.AS_SEEN
    reconnect: Reconnect = Reconnect.KEEP_LOGIN
    #: Require the gateway cookie: the HS256 secret, and/or one fixed token.
    vouch_secret: str | None = field(default=None, repr=False)
    vouch_token: str | None = field(default=None, repr=False)
    host_name: str = "MTAgentFarm-SIM-01"
    crm_url: str = "https://crm.example.invalid/customers/{customer_id}"
    force_pause_id: int = 100

    def queue(self, name: str) -> SimQueue | None:
        return next((q for q in self.queues if q.name == name), None)

    def agent(self, login: str) -> SimAgent | None:
        return next((a for a in self.agents if a.login == login), None)

    def queues_of(self, agent: SimAgent) -> tuple[str, ...]:
        return agent.queues or tuple(q.name for q in self.queues)


def load_agents(path: Path) -> tuple[SimAgent, ...]:
    """Read an agents file: a JSON list of objects (login, password, extension, ...)."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read agents file {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ConfigError(f"agents file {path} is not valid JSON: {exc}") from None
    if isinstance(raw, dict) and isinstance(raw.get("agents"), list):
        raw = raw["agents"]
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"agents file {path}: expected a non-empty list of agents")
    agents = []
    for index, item in enumerate(raw):
        where = f"agents file {path}, entry {index + 1}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected an object")
        try:
            login = str(item["login"])
            password = str(item["password"])
            extension = str(item["extension"])
        except KeyError as exc:
            raise ConfigError(f"{where}: missing {exc.args[0]!r}") from None
        queues = item.get("queues", [])
        if not isinstance(queues, list):
            raise ConfigError(f"{where}: 'queues' must be a list")
        try:
            agent_id = int(item.get("agent_id", 100 + index))
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: 'agent_id' must be a number") from None
        agents.append(
            SimAgent(
                login=login,
                password=password,
                extension=extension,
                name=str(item.get("name", login)),
                agent_id=agent_id,
                sip_user=str(item.get("sip_user", extension)),
                sip_password=str(item.get("sip_password", extension)),
                queues=tuple(str(q) for q in queues),
            )
        )
    logins = [a.login for a in agents]
    if len(set(logins)) != len(logins):
        raise ConfigError(f"agents file {path}: duplicate logins")
    return tuple(agents)
