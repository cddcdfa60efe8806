"""Codec work on the event loop instead of aiortc's threads.

aiortc encodes each outgoing frame in the default executor and decodes each
incoming one in a thread of its own, handing results back through
``call_soon_threadsafe``. For 20 ms of Opus or G.711 (tens of µs of C) that
costs more than the codec: four thread switches and two extra event-loop
wake-ups every 20 ms, which is most of a callee's CPU in a call. Video
would need the threads; a phone has none, so both hops are taken out.

The two stand-ins count their work (``calls``, ``decoded``) so a test can
prove on a real call that they are in the path.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from aiortc.codecs.base import Decoder
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from av import FFmpegError

logger = logging.getLogger(__name__)

SENDER_LOOP = "_RTCRtpSender__loop"
DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
DECODER_ERROR = "_RTCRtpReceiver__decoder_error"


class InlineExecutorLoop:
    """The sender's view of the event loop, where ``run_in_executor`` runs the
    call at once and returns a finished future (awaiting it does not yield)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.calls = 0

    def run_in_executor(self, executor: Any, func: Callable[..., Any], *args: Any) -> Any:
        self.calls += 1
        future = self._loop.create_future()
        try:
            future.set_result(func(*args))
        except Exception as exc:  # handed to the awaiting sender, as the executor would
            future.set_exception(exc)
        return future

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loop, name)


class InlineDecoderQueue:
    """Stands in for the receiver's decoder queue: ``put`` decodes on the
    caller's thread (the event loop) and hands frames straight to the
    track. aiortc's decoder thread still starts, blocks in ``get`` and only
    wakes at the end to tell the track that it has ended, as before.

    ``decode_error`` is aiortc's flag for a frame that failed to decode
    (it asks a video sender for a key frame); ``track_queue()`` is where the
    remote track reads decoded frames (the track exists only once negotiated).
    """

    def __init__(
        self,
        decode_error: threading.Event,
        track_queue: Callable[[], asyncio.Queue[Any]],
        get_decoder: Callable[[RTCRtpCodecParameters], Decoder],
    ) -> None:
        self._decode_error = decode_error
        self._track_queue = track_queue
        self._get_decoder = get_decoder
        self._closed = threading.Event()
        self._decoder: Decoder | None = None
        self._codec_name: str | None = None
        self.decoded = 0

    def put(self, task: tuple[RTCRtpCodecParameters, Any] | None) -> None:
        if task is None:
            self._closed.set()
            return
        codec, encoded_frame = task
        if self._decoder is None or codec.name != self._codec_name:
            self._decoder = self._get_decoder(codec)
            self._codec_name = codec.name
        try:
            frames = self._decoder.decode(encoded_frame)
        except FFmpegError as exc:
            # as aiortc does: keep the decoder's state, flag the error
            logger.warning("failed to decode a %s frame: %s", codec.name, exc)
            self._decode_error.set()
            return
        self.decoded += 1
        queue = self._track_queue()
        for frame in frames:
            queue.put_nowait(frame)

    def get(self) -> None:
        """aiortc's decoder thread: nothing to do until the receiver stops."""
        self._closed.wait()


def inline_encoding(sender: Any) -> InlineExecutorLoop:
    """Make ``sender`` encode on the event loop (before it starts)."""
    loop = InlineExecutorLoop(getattr(sender, SENDER_LOOP))
    setattr(sender, SENDER_LOOP, loop)
    return loop


def inline_decoding(
    receiver: Any, get_decoder: Callable[[RTCRtpCodecParameters], Decoder]
) -> InlineDecoderQueue:
    """Make ``receiver`` decode on the event loop (before it starts)."""

    def track_queue() -> asyncio.Queue[Any]:
        queue: asyncio.Queue[Any] = receiver._track._queue
        return queue

    queue = InlineDecoderQueue(getattr(receiver, DECODER_ERROR), track_queue, get_decoder)
    setattr(receiver, DECODER_QUEUE, queue)
    return queue
