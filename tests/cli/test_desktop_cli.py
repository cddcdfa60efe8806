"""``softphone`` with no sub-command opens the desktop app."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from softphone import cli
from softphone.cli import desktop


def test_no_sub_command_runs_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Any] = []
    fake_core = types.ModuleType(desktop.SESSION_MODULE)
    fake_core.AgentSession = object  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, desktop.SESSION_MODULE, fake_core)
    import softphone.ui.app as app

    monkeypatch.setattr(app, "run_app", lambda factory, **_: started.append(factory) or 0)
    assert cli.main([]) == 0
    assert started == [object]


def test_without_the_agent_core_it_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(desktop, "SESSION_MODULE", "softphone.core.no_such_module")
    assert cli.main([]) == 2
    assert "agent core" in capsys.readouterr().err
