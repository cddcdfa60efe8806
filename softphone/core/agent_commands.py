"""What an agent (or a CRM) can ask the session to do, and the typed refusals.

A refusal always says why in words the agent understands, because the same
text appears as a disabled button's tooltip, in the CRM's API reply and in
the headless agent's output.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from softphone.core.sentences import Sentence


class AgentCommand(enum.StrEnum):
    DIAL = "dial"
    ANSWER = "answer"
    REJECT = "reject"
    HANGUP = "hangup"
    HOLD = "hold"
    UNHOLD = "unhold"
    MUTE = "mute"
    UNMUTE = "unmute"
    DTMF = "dtmf"
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL_NEXT_PAUSE = "cancel_next_pause"
    SET_CALL_CODE = "set_call_code"
    TOGGLE_PREDICTIVE = "toggle_predictive"
    LOGOUT = "logout"


class AgentError(Exception):
    """Base of the session's errors; ``str()`` is a sentence for the agent."""


class CommandRefused(AgentError):
    """The command is not allowed now (the platform or the call state forbids it)."""

    def __init__(self, command: AgentCommand, reason: str) -> None:
        super().__init__(reason)
        self.command = command
        self.reason = reason


class CommandFailed(AgentError):
    """The command was allowed but did not work (the server refused, timed out...)."""

    def __init__(self, command: AgentCommand, reason: str) -> None:
        super().__init__(reason)
        self.command = command
        self.reason = reason


class SignInField(enum.StrEnum):
    """Which part of the sign-in form a failure concerns (the UI marks that field)."""

    SERVER = "server"  # unreachable host, TLS failure, bad URL
    GATEWAY = "gateway"  # 403 from the gateway (VouchCookie)
    LOGIN = "login"  # wrong Mediatel login or password
    EXTENSION = "extension"
    SIP = "sip"  # the extension does not register (wrong SIP password...)
    PROFILE = "profile"  # the profile (or provisioning) is invalid


class SignInError(AgentError):
    """Sign-in ended; nothing is left half-open. ``field`` tells the UI where.

    ``template`` and ``params``, when given, are the sentence before its values
    were filled in, so the UI can show it in the agent's language.
    """

    def __init__(
        self,
        field: SignInField,
        message: str,
        *,
        template: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.template = template
        self.params: Mapping[str, str] = dict(params or {})

    @classmethod
    def sentence(cls, field: SignInField, template: str, **params: str) -> SignInError:
        return cls(field, Sentence(template, **params), template=template, params=params)
