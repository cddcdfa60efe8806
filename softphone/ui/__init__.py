"""The desktop app (PySide6 widgets on one asyncio loop through qasync).

- ``app.py``: ``SoftphoneApp`` (bridge + window + controllers, bounded quit) and ``run_app``.
- ``bridge.py``: ``AgentBridge``, the one QObject between ``AgentApi`` and the widgets.
- ``views/``: layout only; each view has ``present(snapshot, now)`` (and ``tick(now)``).
- ``controllers/``: connect the views' signals to the bridge and back.
- ``aio.py`` / ``dialogs.py``: coroutines from slots without lost errors; dialogs without exec().
- ``icons.py`` / ``palette.py``: SVG icons and meaningful colours that follow light/dark.

To add a page: ``window.add_tab(widget, title, icon)`` and ``window.add_view(widget)``;
to add a signal: declare it on ``AgentBridge`` and emit it from ``_on_snapshot``;
to add a command button: ``view.commands.bind(button, AgentCommand.X, tooltip)`` and
connect its ``clicked`` in a controller to ``bridge.command(AgentCommand.X)``.
"""

from softphone.ui.pyside_sources import stop_caching_module_sources

stop_caching_module_sources()  # before the rest of the app (and its media stack) is imported
