"""Call recordings: one WAV per ``callTraceID``, served like the HES serves them.

The protocol doc: the recording of a call is at
``https://<hes-host>/records/mediatel-record?calltraceID=<id>`` and
``&download=1`` gives a WAV. The simulator records what the agent said
(the customer's side is the bundled voice sample) and serves it at the same
path, so a client can be tested against the link it builds.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from aiohttp import web

RECORD_PATH = "/records/mediatel-record"
_TRACE_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


class RecordStore:
    """Where recordings live. ``directory=None``: a temp dir removed by :meth:`cleanup`."""

    def __init__(self, directory: Path | None = None) -> None:
        if directory is None:
            self.directory = Path(tempfile.mkdtemp(prefix="softphone-sim-records-"))
            self._owned = True
        else:
            directory.mkdir(parents=True, exist_ok=True)
            self.directory = directory
            self._owned = False
        self._recording: set[str] = set()

    def path_for(self, call_trace_id: str) -> Path:
        """The WAV of a call; ValueError for an id that is not a plain identifier."""
        if not _TRACE_ID.fullmatch(call_trace_id):
            raise ValueError(f"not a call trace id: {call_trace_id[:70]!r}")
        return self.directory / f"{call_trace_id}.wav"

    def started(self, call_trace_id: str) -> None:
        """A recording is being written (not served until :meth:`finished`)."""
        self._recording.add(call_trace_id)

    def finished(self, call_trace_id: str, *, keep: bool = True) -> None:
        self._recording.discard(call_trace_id)
        if not keep:
            self.path_for(call_trace_id).unlink(missing_ok=True)

    def add_routes(self, app: web.Application) -> None:
        """Serve ``GET /records/mediatel-record?calltraceID=<id>[&download=1]`` on ``app``."""
        app.router.add_get(RECORD_PATH, self._serve)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        trace_id = request.query.get("calltraceID", "")
        if not _TRACE_ID.fullmatch(trace_id):
            return web.Response(status=400, text="calltraceID is missing or malformed\n")
        path = self.path_for(trace_id)
        if trace_id in self._recording or not path.is_file():
            return web.Response(status=404, text=f"no recording for call {trace_id}\n")
        disposition = "attachment" if request.query.get("download") == "1" else "inline"
        return web.FileResponse(
            path,
            headers={
                "Content-Type": "audio/wav",
                "Content-Disposition": f'{disposition}; filename="{trace_id}.wav"',
            },
        )

    def cleanup(self) -> None:
        if self._owned:
            shutil.rmtree(self.directory, ignore_errors=True)
