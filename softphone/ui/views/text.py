"""The words and tones a snapshot's values are shown with.

One place maps the core's enums to translated labels, so every view (and the
tray) says "On hold" the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from softphone.core.agent_commands import AgentCommand, SignInError
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
from softphone.core.sentences import Sentence
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
    recognised and translated, the rest through :func:`core_sentence`.
    """
    end = _END_OF_SENTENCE.get(notice)
    return call_end_label(end) if end is not None else core_sentence(notice)


CORE_PHRASES = (
    QT_TRANSLATE_NOOP("CoreText", "the connection dropped"),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel closed the connection"),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel does not answer"),
    QT_TRANSLATE_NOOP("CoreText", "the SIP connection dropped"),
    QT_TRANSLATE_NOOP("CoreText", "the server refused the connection (not running?)"),
    QT_TRANSLATE_NOOP("CoreText", "connection timed out"),
    QT_TRANSLATE_NOOP("CoreText", "connection lost"),
    QT_TRANSLATE_NOOP("CoreText", "unregistered"),
    QT_TRANSLATE_NOOP("CoreText", "expired"),
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
        "CoreText", "Cannot reach Mediatel at {url}: check the address and your network connection."
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


CORE_SENTENCES = (
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The call code {code} was not sent: when Mediatel came back it no longer had the "
        "call {trace} in after-call work. The code is kept in your call history.",
    ),
    QT_TRANSLATE_NOOP("CoreText", "Paused automatically: {cause}"),
    QT_TRANSLATE_NOOP("CoreText", "the extension has not been registered for {seconds} s"),
    QT_TRANSLATE_NOOP(
        "CoreText", "the microphone stopped (unplugged?): the customer hears silence"
    ),
    QT_TRANSLATE_NOOP("CoreText", "the speaker stopped (unplugged?): you cannot hear the customer"),
    QT_TRANSLATE_NOOP("CoreText", "the microphone works again"),
    QT_TRANSLATE_NOOP("CoreText", "the speaker works again"),
    QT_TRANSLATE_NOOP("CoreText", "no audio device: {detail}"),
    QT_TRANSLATE_NOOP("CoreText", "{name} starts after this call and its call code"),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "A call the platform did not announce is ringing: answer it only if you expect it.",
    ),
    QT_TRANSLATE_NOOP("CoreText", "Could not move to the new SIP servers; staying: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "Moved to the SIP server {url}"),
    QT_TRANSLATE_NOOP(
        "CoreText", "The gateway refused the {link} connection; a fresh sign-in failed: {error}"
    ),
    QT_TRANSLATE_NOOP(
        "CoreText", "The gateway refused the {link} connection: reconnecting with a new token."
    ),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The gateway refused the {link} connection and the CRM handed out the same token:"
        " sign in to the CRM again.",
    ),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "Signed out during after-call work before a call code was applied: the call is "
        "recorded without one.",
    ),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "{why}: the agent is still logged in at Mediatel ({state}, {status}) with its "
        "extension unregistered; log out in Mediatel's own client or ask a supervisor to.",
    ),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel is not connected, so it was not told"),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel offered neither logout nor exit"),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel refused to log out ({error})"),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel did not confirm the logout in time"),
    QT_TRANSLATE_NOOP("CoreText", "disconnected: {reason}"),
    QT_TRANSLATE_NOOP("CoreText", "not signed in"),
    QT_TRANSLATE_NOOP("CoreText", "the extension is not registered"),
    QT_TRANSLATE_NOOP("CoreText", "a call is already up"),
    QT_TRANSLATE_NOOP("CoreText", "dialling is not available while {status}"),
    QT_TRANSLATE_NOOP("CoreText", "no call is ringing"),
    QT_TRANSLATE_NOOP("CoreText", "there is no call to hang up"),
    QT_TRANSLATE_NOOP("CoreText", "the customer is not connected"),
    QT_TRANSLATE_NOOP("CoreText", "the platform does not allow hold now"),
    QT_TRANSLATE_NOOP("CoreText", "the call is not on hold"),
    QT_TRANSLATE_NOOP("CoreText", "there is no connected call"),
    QT_TRANSLATE_NOOP("CoreText", "already muted"),
    QT_TRANSLATE_NOOP("CoreText", "not muted"),
    QT_TRANSLATE_NOOP("CoreText", "a pause is not available while {status}"),
    QT_TRANSLATE_NOOP("CoreText", "not on pause"),
    QT_TRANSLATE_NOOP("CoreText", "the platform does not allow ending the pause now"),
    QT_TRANSLATE_NOOP("CoreText", "no pause is queued"),
    QT_TRANSLATE_NOOP("CoreText", "only during after-call work"),
    QT_TRANSLATE_NOOP("CoreText", "not available while {status}"),
    QT_TRANSLATE_NOOP("CoreText", "finish the call and its after-call work first"),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel is not connected; reconnecting"),
    QT_TRANSLATE_NOOP("CoreText", "the number is empty"),
    QT_TRANSLATE_NOOP("CoreText", "Mediatel did not take it: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "the connection failed: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "unknown queue {queue}; yours: {queues}"),
    QT_TRANSLATE_NOOP("CoreText", "unknown pause {id}; known: {known}"),
    QT_TRANSLATE_NOOP("CoreText", "unknown call code {id}; known: {known}"),
    QT_TRANSLATE_NOOP("CoreText", "there is no ringing incoming call to answer"),
    QT_TRANSLATE_NOOP("CoreText", "only a ringing incoming call can be rejected"),
    QT_TRANSLATE_NOOP("CoreText", "cannot answer: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "hold needs a connected call"),
    QT_TRANSLATE_NOOP("CoreText", "a hold/unhold is already in progress"),
    QT_TRANSLATE_NOOP("CoreText", "the call is already on hold"),
    QT_TRANSLATE_NOOP("CoreText", "cannot hold now: {detail}"),
    QT_TRANSLATE_NOOP("CoreText", "cannot take the call off hold now: {detail}"),
    QT_TRANSLATE_NOOP("CoreText", "refused the far end's new offer: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "DTMF not sent: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "internal error: {kind}: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "DTMF INFO refused: {code} {reason}"),
    QT_TRANSLATE_NOOP("CoreText", "SIP error: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "cannot ring: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "media failed: {reason}"),
    QT_TRANSLATE_NOOP("CoreText", "cannot start the call: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "not DTMF digits: {digits}"),
    QT_TRANSLATE_NOOP("CoreText", "the far end did not accept RFC 4733 telephone-event"),
    QT_TRANSLATE_NOOP("CoreText", "the phone is not started"),
    QT_TRANSLATE_NOOP("CoreText", "there is no call"),
    QT_TRANSLATE_NOOP(
        "CoreText", "authentication failed ({code} {reason}): check the user and password"
    ),
    QT_TRANSLATE_NOOP("CoreText", "cannot connect"),
    QT_TRANSLATE_NOOP("CoreText", "no answer to our SDP offer in the ACK"),
    QT_TRANSLATE_NOOP("CoreText", "unusable answer to our SDP offer in the ACK: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "the far end answered without SDP"),
    QT_TRANSLATE_NOOP("CoreText", "unusable answer from the far end: {error}"),
    QT_TRANSLATE_NOOP("CoreText", "hold failed ({problem})"),
    QT_TRANSLATE_NOOP("CoreText", "unhold failed ({problem})"),
    QT_TRANSLATE_NOOP("CoreText", "re-INVITE failed ({problem})"),
    QT_TRANSLATE_NOOP("CoreText", "{failure}; audio may be affected"),
    QT_TRANSLATE_NOOP("CoreText", "{problem}; the call keeps its previous audio"),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The Python package sounddevice is not installed, so no sound card can be used (pip "
        "install sounddevice; on Debian/Ubuntu also apt-get install libportaudio2).",
    ),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The PortAudio library is not installed, so no sound card can be used (on Debian/Ubuntu: "
        "apt-get install libportaudio2).",
    ),
    QT_TRANSLATE_NOOP("CoreText", "The list of sound devices could not be read: {error}."),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "No microphone was found: this computer has no sound input device (plug in a headset, or "
        "run with the null audio device).",
    ),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "No speaker was found: this computer has no sound output device (plug in a headset, or "
        "run with the null audio device).",
    ),
    QT_TRANSLATE_NOOP(
        "CoreText", 'No microphone matches "{name}". The input devices are: {listing}.'
    ),
    QT_TRANSLATE_NOOP(
        "CoreText", 'No speaker matches "{name}". The output devices are: {listing}.'
    ),
    QT_TRANSLATE_NOOP("CoreText", "The input device {device} could not be opened: {error}."),
    QT_TRANSLATE_NOOP("CoreText", "The output device {device} could not be opened: {error}."),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The input device {device} supports neither 48000 Hz nor its own default rate in 16-bit "
        "mono or stereo.",
    ),
    QT_TRANSLATE_NOOP(
        "CoreText",
        "The output device {device} supports neither 48000 Hz nor its own default rate in 16-bit "
        "mono or stereo.",
    ),
)
"""The core's notices and refusals (``core/sentences.py``, with the sound devices'
failures of ``media/device_sentences.py``) as templates, for translators.

A test checks this list against ``sentences.TEMPLATES``, so a new sentence the
core writes fails until it is added here (and translated).
"""


_KNOWN_TEMPLATES = frozenset(CORE_SENTENCES + SIGN_IN_SENTENCES)


def core_sentence(said: str) -> str:
    """A notice or a refusal from the core in the window's language.

    A :class:`Sentence` with a known template is translated, each of its values
    too when it is itself a core sentence or phrase (a pause name, a URL or the
    server's own words stay as written); any other text goes to :func:`core_phrase`.
    """
    if not isinstance(said, Sentence) or said.template not in _KNOWN_TEMPLATES:
        return core_phrase(said)
    template = QCoreApplication.translate("CoreText", said.template)
    values = {name: core_sentence(value) for name, value in said.params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return str(said)


def why_not(snapshot: AgentSnapshot, command: AgentCommand) -> str | None:
    """Why ``command`` is not available now, in the window's language (None: it is)."""
    reason = snapshot.why_not(command)
    return None if reason is None else core_sentence(reason)
