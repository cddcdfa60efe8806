"""The core's sentences an agent reads, kept with their template and values.

The core is Qt-free and writes English. A :class:`Sentence` is that English
text (a ``str``, so logs, JSON and comparisons see plain text) which also
remembers the template it was filled from, so the desktop UI can show it in
the agent's language (``ui/views/text.py`` holds the one translation table;
a test checks it against :data:`TEMPLATES`). Values such as a pause name, a
URL or a server's error text stay as they were written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self

from softphone.media import device_sentences


class Sentence(str):
    """English text with the template and values it was made from."""

    template: str
    params: Mapping[str, str]

    def __new__(cls, template: str, **params: object) -> Self:
        values = {
            name: value if isinstance(value, str) else str(value) for name, value in params.items()
        }
        made = super().__new__(cls, template.format(**values))
        made.template = template
        made.params = values
        return made


# -- notices (the status bar / message banner) -----------------------------------------
CALL_CODE_DROPPED = (
    "The call code {code} was not sent: when Mediatel came back it no longer had "
    "the call {trace} in after-call work. The code is kept in your call history."
)
PAUSED_AUTOMATICALLY = "Paused automatically: {cause}"
WATCHDOG_CAUSE = "the extension has not been registered for {seconds} s"
MICROPHONE_STOPPED = "the microphone stopped (unplugged?): the customer hears silence"
SPEAKER_STOPPED = "the speaker stopped (unplugged?): you cannot hear the customer"
MICROPHONE_BACK = "the microphone works again"
SPEAKER_BACK = "the speaker works again"
NO_AUDIO_DEVICE = "no audio device: {detail}"
NEXT_PAUSE_QUEUED = "{name} starts after this call and its call code"
UNANNOUNCED_CALL = (
    "A call the platform did not announce is ringing: answer it only if you expect it."
)
SIP_MOVE_FAILED = "Could not move to the new SIP servers; staying: {error}"
SIP_MOVED = "Moved to the SIP server {url}"
GATEWAY_REFRESH_FAILED = (
    "The gateway refused the {link} connection; a fresh sign-in failed: {error}"
)
GATEWAY_NEW_TOKEN = "The gateway refused the {link} connection: reconnecting with a new token."
GATEWAY_SAME_TOKEN = (
    "The gateway refused the {link} connection and the CRM handed out the same "
    "token: sign in to the CRM again."
)
SIGNED_OUT_WITHOUT_CODE = (
    "Signed out during after-call work before a call code was applied: "
    "the call is recorded without one."
)
STILL_LOGGED_IN = (
    "{why}: the agent is still logged in at Mediatel ({state}, {status}) with its "
    "extension unregistered; log out in Mediatel's own client or ask a supervisor to."
)
NOT_TOLD = "Mediatel is not connected, so it was not told"
NO_LOGOUT = "Mediatel offered neither logout nor exit"
LOGOUT_REFUSED = "Mediatel refused to log out ({error})"
LOGOUT_UNCONFIRMED = "Mediatel did not confirm the logout in time"

DISCONNECTED = "disconnected: {reason}"

# -- why a command is not available (tooltips, "Not now: …") ------------------------------
NOT_SIGNED_IN = "not signed in"
NOT_REGISTERED = "the extension is not registered"
CALL_ALREADY_UP = "a call is already up"
NO_DIALLING_WHILE = "dialling is not available while {status}"
NO_CALL_RINGING = "no call is ringing"
NO_CALL_TO_HANG_UP = "there is no call to hang up"
CUSTOMER_NOT_CONNECTED = "the customer is not connected"
NO_HOLD_NOW = "the platform does not allow hold now"
NOT_ON_HOLD = "the call is not on hold"
NO_CONNECTED_CALL = "there is no connected call"
ALREADY_MUTED = "already muted"
NOT_MUTED = "not muted"
NO_PAUSE_WHILE = "a pause is not available while {status}"
NOT_ON_PAUSE = "not on pause"
NO_RESUME_NOW = "the platform does not allow ending the pause now"
NO_PAUSE_QUEUED = "no pause is queued"
ONLY_AFTER_CALL = "only during after-call work"
NOT_AVAILABLE_WHILE = "not available while {status}"
FINISH_CALL_FIRST = "finish the call and its after-call work first"
MEDIATEL_RECONNECTING = "Mediatel is not connected; reconnecting"
NUMBER_EMPTY = "the number is empty"
MEDIATEL_DID_NOT_TAKE = "Mediatel did not take it: {error}"
CONNECTION_FAILED = "the connection failed: {error}"
UNKNOWN_QUEUE = "unknown queue {queue}; yours: {queues}"
UNKNOWN_PAUSE = "unknown pause {id}; known: {known}"
UNKNOWN_CALL_CODE = "unknown call code {id}; known: {known}"

# -- the phone (SIP and audio) ----------------------------------------------------------
NOTHING_TO_ANSWER = "there is no ringing incoming call to answer"
NOTHING_TO_REJECT = "only a ringing incoming call can be rejected"
CANNOT_ANSWER = "cannot answer: {error}"
HOLD_NEEDS_CALL = "hold needs a connected call"
HOLD_IN_PROGRESS = "a hold/unhold is already in progress"
ALREADY_ON_HOLD = "the call is already on hold"
CANNOT_HOLD = "cannot hold now: {detail}"
CANNOT_UNHOLD = "cannot take the call off hold now: {detail}"
REFUSED_NEW_OFFER = "refused the far end's new offer: {error}"
DTMF_NOT_SENT = "DTMF not sent: {error}"
INTERNAL_ERROR = "internal error: {kind}: {error}"
DTMF_INFO_REFUSED = "DTMF INFO refused: {code} {reason}"
SIP_ERROR = "SIP error: {error}"
CANNOT_RING = "cannot ring: {error}"
MEDIA_FAILED = "media failed: {reason}"
CANNOT_START_CALL = "cannot start the call: {error}"
NOT_DTMF_DIGITS = "not DTMF digits: {digits}"
NO_TELEPHONE_EVENT = "the far end did not accept RFC 4733 telephone-event"
PHONE_NOT_STARTED = "the phone is not started"
NO_CALL = "there is no call"
SIP_AUTH_FAILED = "authentication failed ({code} {reason}): check the user and password"
CANNOT_CONNECT = "cannot connect"

# -- SDP offer/answer (media/offer_answer.Shortfall; {problem} the far end's refusal, as sent)
SDP_NO_ANSWER_IN_ACK = "no answer to our SDP offer in the ACK"
SDP_UNUSABLE_ANSWER_IN_ACK = "unusable answer to our SDP offer in the ACK: {error}"
SDP_NO_ANSWER = "the far end answered without SDP"
SDP_UNUSABLE_ANSWER = "unusable answer from the far end: {error}"
HOLD_FAILED = "hold failed ({problem})"
UNHOLD_FAILED = "unhold failed ({problem})"
REINVITE_FAILED = "re-INVITE failed ({problem})"
AUDIO_MAY_BE_AFFECTED = "{failure}; audio may be affected"
KEEPS_PREVIOUS_AUDIO = "{problem}; the call keeps its previous audio"

TEMPLATES: tuple[str, ...] = tuple(
    value
    for space in (dict(globals()), vars(device_sentences))
    for name, value in space.items()
    if name.isupper() and isinstance(value, str)
)
"""Every template above, and the sound devices' (the media layer writes those, so
they live there): what the UI's translation table must cover."""


def said(error: BaseException) -> str:
    """What ``error`` says, still a :class:`Sentence` when it was raised with one
    (``str(error)`` would keep only the English).

    A layer below the core cannot make a :class:`Sentence`; its error keeps a
    ``template`` and ``params`` instead (``media.devices.AudioDeviceError``).
    """
    if len(error.args) == 1 and isinstance(error.args[0], Sentence):
        return error.args[0]
    template, params = getattr(error, "template", None), getattr(error, "params", None)
    if isinstance(template, str) and isinstance(params, Mapping):
        try:
            return Sentence(template, **params)
        except (KeyError, IndexError, ValueError):  # not a template after all
            pass
    return str(error)
