"""Provisioning (seed 003 §5): the CRM back end hands the agent its profile.

After the agent signs in to the CRM, its back end knows who they are and
issues the Mediatel and SIP credentials and the gateway JWT. The agent
application fetches them at sign-in from a configured HTTPS URL with a
bearer token: a JSON object with the profile file's keys, plus the secrets
(``password``, ``sip_password``, ``gateway_token``) that never go in a file.
They stay in memory; a gateway refusal (401/403) makes the session fetch
again, since an expired JWT is the usual cause.
"""

from __future__ import annotations

import ssl
from typing import Any

from softphone.core.agent_commands import SignInError, SignInField
from softphone.net.mediatel.rest import RestError, get_json


async def fetch_provisioned(
    url: str, token: str | None, *, tls: ssl.SSLContext | bool = True, timeout: float = 10.0
) -> dict[str, Any]:
    """The provisioned profile; SignInError (field PROFILE) when it cannot be had."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        body = await get_json(url, headers=headers, tls=tls, timeout=timeout)
    except RestError as exc:
        if exc.status in (401, 403):
            raise SignInError(
                SignInField.PROFILE,
                f"The provisioning service refused us ({exc.status}): check the provisioning "
                "token, or sign in to the CRM again.",
            ) from None
        raise SignInError(SignInField.PROFILE, f"Cannot fetch the profile: {exc}") from None
    if not isinstance(body, dict):
        raise SignInError(SignInField.PROFILE, "The provisioned profile is not a JSON object.")
    return body
