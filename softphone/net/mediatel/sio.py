"""python-socketio, imported without the synchronous client's HTTP stack.

``import socketio`` imports ``engineio``, whose package imports its
synchronous ``Client`` as well, and that module imports ``requests`` and
``websocket-client`` whenever they are installed (``try``/``except
ImportError``). The app only uses ``socketio.AsyncClient``, which runs on
aiohttp; yet on a machine where some other program installed ``requests``
(most Linux desktops have it system-wide), the import brought in requests,
urllib3, charset_normalizer and the ~90 text codecs charset_normalizer
loads: ~200 modules and ~5 MiB kept for the whole day the app is open.
The bundle leaves them out for the same reason (``packaging/softphone.spec``).

Hiding them is Python's documented rule (``softphone.imports``): a ``None``
in ``sys.modules`` makes ``import name`` raise ``ImportError``. Only for the
one import, and only names not loaded yet; afterwards anything else may
import them as usual.

Import ``socketio`` from here: ``from softphone.net.mediatel.sio import socketio``.
"""

from __future__ import annotations

from softphone.imports import hidden_from_imports

SYNC_CLIENT_LIBRARIES = ("requests", "websocket")

with hidden_from_imports(SYNC_CLIENT_LIBRARIES):
    import socketio

__all__ = ["SYNC_CLIENT_LIBRARIES", "socketio"]
