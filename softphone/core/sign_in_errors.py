"""Each way sign-in fails, as its own sentence and the form field it concerns.

The client libraries report failures as exception text; the agent needs to
know whether to retype the password, call IT about the network, or sign in
to the CRM again. These functions read the text once, here.
"""

from __future__ import annotations

from softphone.core.agent_commands import SignInError, SignInField
from softphone.core.phone_events import RegistrationFailed

_TLS_WORDS = ("ssl", "certificate", "tls", "handshake failure")


_CLIENT_HINT = "(refused, forbidden by the gateway, or tls failed)"


def mediatel_connect_error(url: str, detail: str) -> SignInError:
    # The client's own hint names every cause; judge by what the library said.
    text = detail.lower().replace(_CLIENT_HINT, "")
    if "403" in text:
        return SignInError.sentence(
            SignInField.GATEWAY,
            "The gateway refused the connection (403): your CRM sign-in may have expired. "
            "Sign in to the CRM again, or check the gateway token.",
        )
    if "401" in text:
        return SignInError.sentence(
            SignInField.GATEWAY,
            "The gateway asked for authentication (401): check the gateway token.",
        )
    if "tls:" in text or any(word in text for word in _TLS_WORDS):
        return SignInError.sentence(
            SignInField.SERVER,
            "The secure connection to {url} failed: its certificate could not be verified. "
            "Check the server address, or ask IT about the certificate.",
            url=url,
        )
    if "bad mediatel url" in text or "invalid url" in text:
        return SignInError.sentence(
            SignInField.SERVER, "The Mediatel address “{url}” is not valid.", url=url
        )
    return SignInError.sentence(
        SignInField.SERVER,
        "Cannot reach Mediatel at {url}: check the address and your network connection.",
        url=url,
    )


def login_error(message: str) -> SignInError:
    return SignInError.sentence(
        SignInField.LOGIN, "Mediatel refused the login: {message}.", message=message
    )


def registration_error(url: str, failure: RegistrationFailed | None) -> SignInError:
    if failure is None:
        return SignInError.sentence(
            SignInField.SIP,
            "The extension did not register with {url} in time: check the SIP server address.",
            url=url,
        )
    if failure.code in (401, 403, 407):
        return SignInError.sentence(
            SignInField.SIP,
            "The SIP server refused the extension's password ({code}): "
            "check the SIP user and password.",
            code=str(failure.code),
        )
    text = failure.reason.lower()
    if failure.code is None and "403" in text:
        return SignInError.sentence(
            SignInField.GATEWAY,
            "The gateway refused the SIP connection (403): sign in to the CRM again, "
            "or check the gateway token.",
        )
    if failure.code is None and any(word in text for word in _TLS_WORDS):
        return SignInError.sentence(
            SignInField.SERVER,
            "The secure connection to the SIP server {url} failed: its certificate "
            "could not be verified.",
            url=url,
        )
    if failure.code is None:
        return SignInError.sentence(
            SignInField.SERVER,
            "Cannot reach the SIP server at {url}: {reason}.",
            url=url,
            reason=failure.reason,
        )
    return SignInError.sentence(
        SignInField.SIP,
        "The SIP server refused the registration ({code} {reason}).",
        code=str(failure.code),
        reason=failure.reason,
    )
