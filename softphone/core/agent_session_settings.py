"""The agent's settings changed while the session runs: sound and auto-answer rules.

A mixin of ``AgentSession``. The desktop app saves its settings dialog while
the agent is signed in, often in the middle of a shift, and the new choices
must hold from the next call, not from the next start:

* sound (``AudioPreferences``): handed to the phone now, and remembered for
  every phone made later (the next sign-in, a registrar switch);
* auto-answer rules: the next announced call is decided by them. Rules that
  Mediatel's per-agent settings set stay the server's (only the agent's
  master switch applies, as at start); the agent's rules are kept and win
  over the profile's again at the next sign-in.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from softphone.core.audio_preferences import AudioPreferences
from softphone.core.auto_answer import AutoAnswerRules

if TYPE_CHECKING:
    from softphone.core.agent_ports import PhonePort
    from softphone.core.agent_session import SessionPolicy
    from softphone.core.auto_answer import AutoAnswer


class SessionSettings:
    """Mixin of ``AgentSession``: the agent's settings, in force while it runs."""

    _audio_prefs: AudioPreferences | None = None
    _agent_rules: AutoAnswerRules | None = None

    if TYPE_CHECKING:
        policy: SessionPolicy
        auto_answer: AutoAnswer
        _phone: PhonePort | None

        def _publish(self) -> None: ...

    def set_audio(self, prefs: AudioPreferences) -> None:
        before = self._audio_prefs or AudioPreferences()
        self._audio_prefs = before.then(prefs)
        if self._phone is not None:
            self._phone.set_audio(prefs)

    def _new_phone(self, phone: PhonePort) -> PhonePort:
        """A phone just made gets the agent's sound choices made so far."""
        if self._audio_prefs is not None:
            phone.set_audio(self._audio_prefs)
        return phone

    def set_auto_answer_rules(self, rules: AutoAnswerRules) -> None:
        self._agent_rules = replace(rules, from_server=False)
        self.policy = self._with_agent_rules(self.policy)
        self.auto_answer.rules = self._with_agent_rules_of(self.auto_answer.rules)
        self._publish()

    def _with_agent_rules(self, policy: SessionPolicy) -> SessionPolicy:
        """``policy`` (the profile's or a sign-in's) with the agent's saved rules on top."""
        return replace(policy, auto_answer=self._with_agent_rules_of(policy.auto_answer))

    def _with_agent_rules_of(self, rules: AutoAnswerRules) -> AutoAnswerRules:
        agent = self._agent_rules
        if agent is None:
            return rules
        if rules.from_server:
            return replace(rules, enabled=agent.enabled)
        return agent
