"""The words and tones a snapshot's values are shown with.

One place maps the core's enums to translated labels, so every view (and the
tray) says "On hold" the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from softphone.core.agent_commands import SignInError
from softphone.core.agent_snapshot import (
    AgentSnapshot,
    CallType,
    Direction,
    LinkState,
    QualityLevel,
    SignIn,
    Status,
)
from softphone.core.call_end import CUT, SENTENCES, CallEnd
from softphone.ui.palette import Tone


def _t(text: str) -> str:
    return QCoreApplication.translate("Text", text)


def duration(seconds: float | None) -> str:
    """``75`` → "1:15", ``3725`` → "1:02:05"; None or negative → "0:00"."""
    total = max(0, int(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def status_label(snapshot: AgentSnapshot) -> str:
    """The agent's status in words ("Available", "Pause: Lunch", "Ringing")."""
    if snapshot.sign_in is SignIn.SIGNING_IN:
        return QCoreApplication.translate("Text", "Signing in…")
    if snapshot.sign_in is SignIn.SIGNING_OUT:
        return QCoreApplication.translate("Text", "Signing out…")
    if snapshot.sign_in is SignIn.SIGNED_OUT:
        return QCoreApplication.translate("Text", "Signed out")
    if snapshot.pause is not None:
        return QCoreApplication.translate("Text", "Pause: {name}").format(name=snapshot.pause.name)
    call = snapshot.call
    if call is not None and call.phase.value == "ringing":
        return QCoreApplication.translate("Text", "Ringing")
    labels = {
        Status.OFFLINE: QCoreApplication.translate("Text", "Offline"),
        Status.AVAILABLE: QCoreApplication.translate("Text", "Available"),
        Status.PAUSE: QCoreApplication.translate("Text", "Pause"),
        Status.START_DIALING: QCoreApplication.translate("Text", "Dialling"),
        Status.IN_A_CALL: QCoreApplication.translate("Text", "In a call"),
        Status.ON_HOLD: QCoreApplication.translate("Text", "On hold"),
        Status.CLERICAL: QCoreApplication.translate("Text", "After-call work"),
    }
    return labels.get(snapshot.status, snapshot.status_name.capitalize())


def status_tone(snapshot: AgentSnapshot) -> Tone:
    if snapshot.sign_in is not SignIn.SIGNED_IN:
        return Tone.OFF
    if snapshot.pause is not None:
        return Tone.BAD if (snapshot.pause.forced or snapshot.pause.by_watchdog) else Tone.WAIT
    tones = {
        Status.AVAILABLE: Tone.GOOD,
        Status.PAUSE: Tone.WAIT,
        Status.START_DIALING: Tone.BUSY,
        Status.IN_A_CALL: Tone.BUSY,
        Status.ON_HOLD: Tone.HOLD,
        Status.CLERICAL: Tone.WORK,
    }
    return tones.get(snapshot.status, Tone.OFF)


def link_label(state: LinkState) -> str:
    labels = {
        LinkState.DOWN: QCoreApplication.translate("Text", "not connected"),
        LinkState.CONNECTING: QCoreApplication.translate("Text", "connecting…"),
        LinkState.UP: QCoreApplication.translate("Text", "connected"),
        LinkState.RECONNECTING: QCoreApplication.translate("Text", "reconnecting…"),
        LinkState.FAILED: QCoreApplication.translate("Text", "failed"),
    }
    return labels[state]


def link_tone(state: LinkState) -> Tone:
    return {
        LinkState.DOWN: Tone.OFF,
        LinkState.CONNECTING: Tone.WAIT,
        LinkState.UP: Tone.GOOD,
        LinkState.RECONNECTING: Tone.WAIT,
        LinkState.FAILED: Tone.BAD,
    }[state]


def call_type_label(call_type: CallType) -> str:
    return {
        CallType.MANUAL: QCoreApplication.translate("Text", "Manual call"),
        CallType.INBOUND: QCoreApplication.translate("Text", "Inbound call"),
        CallType.PREDICTIVE: QCoreApplication.translate("Text", "Predictive call"),
        CallType.OTHER: QCoreApplication.translate("Text", "Call"),
    }[call_type]


def direction_label(direction: Direction) -> str:
    return {
        Direction.INBOUND: QCoreApplication.translate("Text", "incoming"),
        Direction.OUTBOUND: QCoreApplication.translate("Text", "outgoing"),
    }[direction]


def quality_label(level: QualityLevel) -> str:
    return {
        QualityLevel.GOOD: QCoreApplication.translate("Text", "Good"),
        QualityLevel.FAIR: QCoreApplication.translate("Text", "Fair"),
        QualityLevel.POOR: QCoreApplication.translate("Text", "Poor"),
        QualityLevel.UNKNOWN: QCoreApplication.translate("Text", "Measuring…"),
    }[level]


def quality_tone(level: QualityLevel) -> Tone:
    return {
        QualityLevel.GOOD: Tone.GOOD,
        QualityLevel.FAIR: Tone.WAIT,
        QualityLevel.POOR: Tone.BAD,
        QualityLevel.UNKNOWN: Tone.OFF,
    }[level]


def call_end_label(end: CallEnd) -> str:
    """How a call ended, as a sentence (the history's details, the window's notice)."""
    return {
        CallEnd.AGENT_HUNG_UP: QCoreApplication.translate("Text", "You ended the call."),
        CallEnd.CUSTOMER_HUNG_UP: QCoreApplication.translate("Text", "The customer hung up."),
        CallEnd.NOT_ANSWERED: QCoreApplication.translate("Text", "The call was not answered."),
        CallEnd.REFUSED: QCoreApplication.translate(
            "Text", "The phone turned the call away: you were busy or not available."
        ),
        CallEnd.FAILED: QCoreApplication.translate("Text", "The call could not be put through."),
        CallEnd.PLATFORM: QCoreApplication.translate("Text", "The platform ended the call."),
        CallEnd.MEDIATEL_LOST: QCoreApplication.translate(
            "Text", "The call was cut: the connection to the Mediatel server was lost."
        ),
        CallEnd.SIP_LOST: QCoreApplication.translate(
            "Text", "The call was cut: the connection to the SIP server was lost."
        ),
        CallEnd.APP_CLOSED: QCoreApplication.translate(
            "Text", "The call was cut: the application was closed during the call."
        ),
    }[end]


_END_OF_SENTENCE = {sentence: end for end, sentence in SENTENCES.items()}


def cut_call(notice: str | None) -> bool:
    """The notice says a call was cut (a lost server, the app closed), not hung up."""
    return _END_OF_SENTENCE.get(notice or "") in CUT


def notice_label(notice: str) -> str:
    """The core's notice in the window's language where it is one the UI knows.

    The core (Qt-free) writes English; the sentences of ``call_end`` are
    recognised and translated, any other notice is shown as written.
    """
    end = _END_OF_SENTENCE.get(notice)
    return call_end_label(end) if end is not None else notice


CORE_PHRASES = (
    QT_TRANSLATE_NOOP("CoreText", "the connection dropped"),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel closed the connection"),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel does not answer"),
    QT_TRANSLATE_NOOP("CoreText", "the SIP connection dropped"),
    QT_TRANSLATE_NOOP("CoreText", "the server refused the connection (not running?)"),
    QT_TRANSLATE_NOOP("CoreText", "connection timed out"),
    QT_TRANSLATE_NOOP("CoreText", "connection lost"),
)
"""The core's fixed phrases an agent reads (why a link is down), for translators.

The core is Qt-free and speaks English; these are the phrases the banner
and the link tooltips show most. A test checks each is still written by the
core, so the list cannot go stale. Anything else the core says is shown as is.
"""


SIGN_IN_SENTENCES = (
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The gateway refused the connection (403): your CRM sign-in may have expired. "
        "Sign in to the CRM again, or check the gateway token.",
    ),
    QT_TRANSLATE_NOOP(
        "CoreText", "The gateway asked for authentication (401): check the gateway token."
    ),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The secure connection to {url} failed: its certificate could not be verified. "
        "Check the server address, or ask IT about the certificate.",
    ),
    QT_TRANSLATE_NOOP("CoreText", "The Mediatel address “{url}” is not valid."),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "Cannot reach Mediatel at {url}: check the address and your network connection.",
    ),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel refused the login: {message}."),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The extension did not register with {url} in time: check the SIP server address.",
    ),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The SIP server refused the extension's password ({code}): "
        "check the SIP user and password.",
    ),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The gateway refused the SIP connection (403): sign in to the CRM again, "
        "or check the gateway token.",
    ),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The secure connection to the SIP server {url} failed: its certificate "
        "could not be verified.",
    ),
    QT_TRANSLATE_NOOP("CoreText", "Cannot reach the SIP server at {url}: {reason}."),
    QT_TRANSLATE_NOOP("CoreText", "The SIP server refused the registration ({code} {reason})."),
)
"""The core's sign-in failures (``sign_in_errors.py``) as templates, for translators."""


def core_phrase(phrase: str) -> str:
    """``phrase`` from the core, in the window's language when it is a known one."""
    return QCoreApplication.translate("CoreText", phrase) if phrase in CORE_PHRASES else phrase


def sign_in_message(error: SignInError) -> str:
    """A sign-in failure in the window's language (its values, such as a URL, as they are;
    a core phrase among them translated too)."""
    if error.template is None or error.template not in SIGN_IN_SENTENCES:
        return error.message
    template = QCoreApplication.translate("CoreText", error.template)
    values = {name: core_phrase(value) for name, value in error.params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return error.message
