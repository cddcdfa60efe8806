"""Why a Mediatel connection failed, in words: refused, TLS, or the gateway's 403.

python-socketio reports every failed handshake as "Connection error" and
drops the cause, but the agent needs to know whether to check the address,
call IT about a certificate, or sign in to the CRM again. One plain HTTP(S)
request to the same endpoint, with the same headers and TLS settings, tells.
"""

from __future__ import annotations

import ssl

import aiohttp

from softphone.net import tls
from softphone.net.mediatel.client import SOCKETIO_PATH, MediatelConfig


async def diagnose_connect(config: MediatelConfig, timeout: float = 5.0) -> str:
    """A short cause: ``"HTTP 403"``, ``"TLS: ..."``, ``"refused: ..."`` or ``""`` (unknown)."""
    url = f"{config.server_url}/{SOCKETIO_PATH}/?EIO=4&transport=polling"
    context: ssl.SSLContext | bool = True
    if config.ca_bundle is not None:
        context = tls.client_context(config.ca_bundle)
    elif not config.verify_tls:
        context = False
    headers = config.vouch.headers() if config.vouch is not None else {}
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http,
            http.get(url, headers=headers, ssl=context, allow_redirects=False) as response,
        ):
            return f"HTTP {response.status}" if response.status >= 400 else ""
    except (aiohttp.ClientSSLError, ssl.SSLError) as exc:
        return f"TLS: {exc}"
    except aiohttp.ClientConnectorError as exc:
        if isinstance(exc.os_error, ssl.SSLError):
            return f"TLS: {exc.os_error}"
        return f"refused: {exc.os_error}"
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
