"""Stop PySide6 from keeping the source text of every module imported after it.

PySide6 replaces ``__import__`` to support ``from __feature__ import
snake_case``; after each import it asks whether the new module mentions
PySide6, by ``inspect.getsource(module)``. That reads the file through
``linecache``, which keeps every line of it for the rest of the process: for
this app, the ~700 modules of asyncio, aiortc, av, numpy, aiohttp… are about
22 MiB of Python strings that nothing ever reads again (and, scattered among
the modules' own objects, cannot be freed afterwards: clearing the cache
gives back nothing measurable). The same question answered from the file
without the cache costs nothing afterwards.

The hook's name is PySide6's own (``shibokensupport.feature``, 6.6–6.11);
when it is missing this does nothing, and the app only uses more memory.
"""

from __future__ import annotations

import sys
from types import ModuleType

_HOOK_MODULE = "shibokensupport.feature"
_HOOK = "_mod_uses_pyside"


def mentions_pyside(module: ModuleType) -> bool:
    """PySide6's answer (``"PySide6" in the module's source``), read without ``linecache``."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False  # no source to read: PySide6 answers False too
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def stop_caching_module_sources() -> bool:
    """Install :func:`mentions_pyside` as PySide6's check; False when PySide6 has no such hook."""
    import PySide6.QtCore  # noqa: F401  (loads the hook)

    feature = sys.modules.get(_HOOK_MODULE)
    if feature is None or not callable(getattr(feature, _HOOK, None)):
        return False
    setattr(feature, _HOOK, mentions_pyside)
    return True
