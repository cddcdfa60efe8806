"""The call code an agent chose but the server has not yet confirmed, kept on disk.

A call code is the agent's verdict on a call (promise to pay, wrong number...);
losing it to a dropped socket or a crashed app loses business data. So the
client writes it here *before* sending it, and deletes it only when a
snapshot shows the server left clerical for that call. The write is atomic
(temp file + fsync + rename) so a crash leaves the old file or the new one,
never half of one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "mediatel-pending-call-code.json"


@dataclass(frozen=True)
class PendingCallCode:
    call_trace_id: str
    code_id: int
    chosen_at: datetime
    #: False while it waits for the connection: it was chosen with Mediatel unreachable.
    sent: bool = True


class PendingCallCodeStore:
    """One pending call code per data directory (an agent handles one call at a time)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME

    def load(self) -> PendingCallCode | None:
        """The stored code, or None if there is none or the file is unreadable."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return PendingCallCode(
                call_trace_id=str(raw["call_trace_id"]),
                code_id=int(raw["code_id"]),
                chosen_at=datetime.fromisoformat(str(raw["chosen_at"])),
                sent=bool(raw.get("sent", True)),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable pending call code file %s: %s", self.path, exc)
            return None

    def save(self, call_trace_id: str, code_id: int, *, sent: bool = True) -> PendingCallCode:
        pending = PendingCallCode(call_trace_id, code_id, datetime.now(UTC), sent)
        payload = {
            "call_trace_id": pending.call_trace_id,
            "code_id": pending.code_id,
            "chosen_at": pending.chosen_at.isoformat(),
            "sent": pending.sent,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".pending-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return pending

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
