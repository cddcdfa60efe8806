"""One call as the history keeps it, and how the history is asked."""

from __future__ import annotations

from dataclasses import dataclass

from softphone.core.agent_snapshot import CallType, Direction
from softphone.core.call_end import CallEnd


@dataclass(frozen=True, slots=True)
class CallRecord:
    id: str
    direction: Direction
    call_type: CallType
    started_at: float
    number: str | None = None
    queue: str | None = None
    call_trace_id: str | None = None
    recording_url: str | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    call_code_id: int | None = None
    call_code_name: str | None = None
    end_cause: str | None = None
    """The technical detail of the end (a SIP reason phrase, the platform's error)."""
    quality: str | None = None
    """A short summary ("loss 0.4 %, jitter 3 ms, MOS 4.3")."""
    end_reason: CallEnd | None = None
    """How it ended, in the agent's terms (None: still going, or recorded before this field)."""

    @property
    def duration_s(self) -> float | None:
        """Talk time: answer to end (None if never answered or still going)."""
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0.0, self.ended_at - self.answered_at)

    @property
    def missed(self) -> bool:
        return self.direction is Direction.INBOUND and self.answered_at is None


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    since: float | None = None
    until: float | None = None
    number: str | None = None
    """Any part of the number."""
    call_code_id: int | None = None
    limit: int = 200
