"""Keeping our dependencies' unused modules out of memory, with Python's own import rules.

The app is open all day, so every module it imports stays in memory all
day. Our own code imports a rarely needed module inside the function that
needs it. A dependency's imports we cannot move, so there are two ways, each
with a documented rule of the import system:

* ``hidden_from_imports``: a module our code paths never reach is hidden
  for the one import that would pull it in (a ``None`` in ``sys.modules``
  makes ``import name`` raise ``ImportError``); only for a dependency that
  imports it optionally (``try``/``except ImportError``).
* ``loaded_on_first_use``: a module a rare path does reach is registered
  without running: ``import name`` succeeds at once and the module runs
  when one of its attributes is first read.

A third rule replaces a dependency's module with our own:

* ``standing_in_for``: ``import name`` binds a module of ours (itself
  registered for first use) instead of the installed one, which never
  runs; for a heavy module of which we need a small, tested part.

Where each is used, and what it saves, is said beside the use
(``softphone/net/mediatel/sio.py``, ``softphone/media/__init__.py``);
tests/test_imports.py checks the mechanisms and that the app does not load
the modules again (``NOT_LOADED_IN_A_CALL``).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any


@contextmanager
def hidden_from_imports(names: tuple[str, ...]) -> Iterator[None]:
    """Make ``import name`` fail inside the block for each of ``names`` not yet imported."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


class _RunsOnFirstUse(ModuleType):
    """A module registered but not run yet: the first missing attribute runs it.

    Its ``__spec__``, ``__name__`` and the other attributes the import system
    reads are set, so a later ``import name`` binds it as it is; anything
    else is missing until the module has run, and ``__getattr__`` (called by
    Python only for a missing attribute) runs it in place first.
    """

    def __getattr__(self, attribute: str) -> Any:
        self.__class__ = ModuleType  # type: ignore[assignment]  # a plain module from now on
        spec = self.__spec__
        assert spec is not None and spec.loader is not None
        try:
            spec.loader.exec_module(self)
        except BaseException:
            del sys.modules[spec.name]  # as a failed import leaves it: the next import tries again
            raise
        return getattr(self, attribute)


def loaded_on_first_use(names: Iterable[str]) -> None:
    """Register each module of ``names`` not yet imported to run when first used.

    ``import name`` then binds the module without running it; reading any
    attribute it defines runs it, as a plain import would have. Like a
    circular import, a module being run is seen half-done by another thread:
    register only modules one thread uses (dnspython: the event loop's).
    A parent package is imported now (``find_spec`` needs it). A name that
    is not installed is left alone: importing it fails as before.

    Not ``importlib.util.LazyLoader``: its module runs at the next ``import``
    statement of its name already (Python reads ``__spec__`` to see whether
    it is still initialising), and dnspython imports its own modules again.
    """
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        module.__class__ = _RunsOnFirstUse
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent:  # as the import system does: the package's attribute is its submodule
            setattr(sys.modules[parent], child, module)


def standing_in_for(name: str, ours: str) -> None:
    """Make ``import name`` bind our module ``ours`` in place of the installed ``name``.

    ``ours`` must offer every name the importers of ``name`` use. Only before
    ``name`` is imported: an importer that already holds the installed module
    keeps it, so this is done where every importer's import goes through.
    ``ours`` runs at its first use, as with ``loaded_on_first_use``.
    """
    if name in sys.modules:
        return
    loaded_on_first_use((ours,))
    sys.modules[name] = sys.modules[ours]


def has_run(name: str) -> bool:
    """Whether plain module ``name`` has been imported and run (not merely registered)."""
    return type(sys.modules.get(name)) is ModuleType
