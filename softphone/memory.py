"""Process-wide memory settings, applied as the ``softphone`` command starts.

The desktop app is open all day next to a CRM in a browser, so what it keeps
resident matters more than in a one-shot tool (target: ≤ 150 MiB PSS during
a call; ``bench/app_footprint.py --breakdown`` shows where it goes). Two
costs are set before anything creates a thread or imports numpy, which is
why ``softphone.cli.main`` calls :func:`limit_process_memory` first:

- glibc gives every thread that allocates its own malloc arena (up to eight
  per core), each a heap of its own that is never returned: qasync's ten
  executor threads, PortAudio's and PulseAudio's, aioice's, livekit's Rust
  runtime. Two arenas serve an app whose Python code runs under one GIL
  anyway; the few C threads that allocate share them.
- OpenBLAS starts a thread pool (one thread per core, each with a buffer)
  when numpy is imported. The app does no linear algebra (short FFTs and
  element-wise arithmetic on 20 ms frames, which numpy runs without BLAS),
  so one thread is enough; the variable is read only at numpy's import.

:func:`release_call_memory` frees what a finished call left in reference
cycles and hands freed pages back to the system, which ``free()`` does only
from the top of the main heap (:func:`release_free_memory`).

Elsewhere for the same budget: the bundle runs Python at optimize level 2,
without docstrings (``packaging/softphone.spec``); python-socketio is
imported without the synchronous client's HTTP stack
(``softphone/net/mediatel/sio.py``); aioice's dnspython runs only at the
first mDNS candidate and aiortc's SRTP runs on ``media/srtp.py`` instead of
pylibsrtp's binding, a third libcrypto (``softphone/media/__init__.py``; all
with ``softphone/imports.py``); PySide6 keeps no module sources
(``softphone/ui/pyside_sources.py``); ALSA plugins are unloaded after a
device scan (``softphone/media/alsa.py``); PyJWT, the settings dialog,
importlib.metadata and webbrowser load when first used (``net/vouch.py``,
``ui/controllers/shell.py``, ``ui/diagnostics.py``, ``core/screen_pop.py``); one TLS context per
trust choice serves every connection (``softphone/net/tls.py``). The app's
own rare parts load at first use too: the crash dialog, the call-code dialog,
the history view, the global-shortcut backends, provisioning and the
connect diagnosis (tests/ui/test_first_use.py, tests/test_imports.py), and
icons read the screen's pixel ratio without waking PySide's paint-device
types (``ui/icons.py``).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import sys
from collections.abc import MutableMapping

MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's mallopt() parameter number (malloc.h)
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_process_memory(environ: MutableMapping[str, str] | None = None) -> None:
    """Cap malloc arenas and BLAS threads; a value the user set is kept."""
    environ = os.environ if environ is None else environ
    for name in BLAS_THREAD_VARIABLES:
        environ.setdefault(name, "1")
    if "MALLOC_ARENA_MAX" not in environ and (libc := _glibc()) is not None:
        libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


def release_call_memory() -> None:
    """After the last call: free its media now, then give the pages back.

    A call's media is a graph of objects that refer to each other: aiortc's
    peer connection, its ICE, DTLS and SRTP transports and RTP receivers hold
    one another and bound methods of one another (event-emitter listeners,
    callbacks), and our session, tracks and call sit inside it. Reference
    counting never frees such a graph; the cyclic collector does, but by the
    end of a call all of it has outlived the young generations and waits for
    a full collection, which CPython starts only once the objects promoted
    since the last one reach a quarter of all long-lived ones: in the desktop
    app, every few dozen calls. Until then each call kept ~0.3 MiB (objects,
    OpenSSL and codec state, RTP buffers), ~30 MiB over an agent's day before
    the first full collection (issue 10, ``bench/app_footprint.py --calls``).
    One full collection here, with no call up, costs tens of milliseconds.
    """
    gc.collect()
    release_free_memory()


def release_free_memory() -> None:
    """Return the malloc heaps' free pages to the system (glibc only; a no-op elsewhere)."""
    if (libc := _glibc()) is not None:
        libc.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")  # glibc's soname (musl has none such)
        if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim"):
            return libc
    return None
