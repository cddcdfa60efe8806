"""One TLS client context per trust choice, shared by every connection of the app.

``ssl.create_default_context()`` parses the whole CA store again each time
(144 certificates on Debian: ~0.8 MiB and ~40 ms), and malloc keeps most of
that memory after the context is dropped. The SIP WebSocket made one per
connection attempt and the REST calls one per request; an ``SSLContext`` is
made to be shared between connections, so each trust choice (the system's
CAs, or a deployment's CA bundle) is built once. Verification stays on:
certificates and host names are checked exactly as by a fresh default
context. A CA bundle is keyed by its path and modification time, so a
bundle replaced on disk is read again.

aiohttp keeps its own verified context (made at its import) for requests
that pass ``ssl=True``; every connection of the app that trusts the
system's CAs passes ``True`` and shares that one, so the process parses
the system's CA store once.
"""

from __future__ import annotations

import functools
import os
import ssl


def client_context(ca_file: str | os.PathLike[str] | None = None) -> ssl.SSLContext:
    """A verifying client context trusting ``ca_file``, or the system's CAs when None."""
    if ca_file is None:
        return _context(None, None)
    path = os.fspath(ca_file)
    try:
        modified: int | None = os.stat(path).st_mtime_ns
    except OSError:
        modified = None  # ssl reports the missing file as it always did, and nothing is cached
    return _context(path, modified)


@functools.cache
def _context(ca_file: str | None, _modified: int | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file)


@functools.cache
def unverified_context() -> ssl.SSLContext:
    """For lab set-ups that disable verification explicitly (callers log it loudly)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
