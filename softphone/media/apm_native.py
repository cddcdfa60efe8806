"""WebRTC's audio processing (APM) driven straight through livekit's native library.

Why not ``livekit.rtc``: its Python side imports protobuf and ~150 modules
(``import livekit.rtc`` alone is +11.8 MiB resident, processing adds 17 more
modules; 14.1 MiB in a call of the app) to send four kinds of request. The
native library (``liblivekit_ffi``, shipped in the ``livekit`` wheel's
``livekit/rtc/resources/``) takes protobuf-encoded ``FfiRequest`` bytes
through ``livekit_ffi_request`` and answers with ``FfiResponse`` bytes; the
few fields the APM needs are encoded and decoded here by hand, so a call
never imports ``livekit.rtc`` or ``google.protobuf``.

The FFI is versioned only by its protobuf schema: there is no handshake, and
a field renumbered in a later release would be misread silently. The numbers
below are those of livekit 1.2.x (``livekit/rtc/_proto/*_pb2.py``;
tests/media/test_apm_native.py compares them with livekit's own descriptors
and round-trips messages through livekit's protobuf), which is why
pyproject.toml pins ``livekit>=1.2.1,<1.3``. An answer outside this protocol
raises ``ApmUnavailable``; ``mic_processing`` then falls back to
``livekit.rtc``.

``livekit_ffi_initialize`` is not called. It only installs the callback for
events (logs, panics, results of asynchronous requests); the APM's requests
are synchronous and need none. So no Python callback ever runs on the
library's threads, and the library's own log goes to its built-in stderr
logger (errors only, unless ``RUST_LOG`` says otherwise). Calling it would
also replace ``livekit.rtc``'s callback if the fallback shares the process:
both load the same library, which has one server.

Handles: every request returns the handle of its response buffer, dropped
as soon as the answer is read; an APM's handle is dropped by ``close`` or
when the ``NativeApm`` is garbage-collected.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.util
import os
import sys
import weakref
from enum import IntEnum
from pathlib import Path

import numpy as np

from softphone.media.tones import Pcm

LIBRARY_NAMES = {
    "linux": "liblivekit_ffi.so",
    "darwin": "liblivekit_ffi.dylib",
    "win32": "livekit_ffi.dll",
}
RESOURCES = ("rtc", "resources")
"""Where the library sits below the ``livekit`` package: in the wheel, and in the
PyInstaller bundle (``collect_dynamic_libs("livekit")`` keeps the package's layout)."""


class ApmUnavailable(Exception):
    """The native APM cannot be used: no library, or an answer outside the protocol."""


# -- the protocol: field numbers of livekit 1.2.x (ffi.proto, audio_frame.proto, handle.proto)


class FfiRequest(IntEnum):
    NEW_APM = 50
    APM_PROCESS_STREAM = 51
    APM_PROCESS_REVERSE_STREAM = 52
    APM_SET_STREAM_DELAY = 53


class FfiResponse(IntEnum):
    NEW_APM = 49
    APM_PROCESS_STREAM = 50
    APM_PROCESS_REVERSE_STREAM = 51
    APM_SET_STREAM_DELAY = 52


class NewApmRequest(IntEnum):
    ECHO_CANCELLER_ENABLED = 1
    GAIN_CONTROLLER_ENABLED = 2
    HIGH_PASS_FILTER_ENABLED = 3
    NOISE_SUPPRESSION_ENABLED = 4


class ApmStreamRequest(IntEnum):
    APM_HANDLE = 1
    DATA_PTR = 2
    SIZE = 3
    SAMPLE_RATE = 4
    NUM_CHANNELS = 5


class ApmSetStreamDelayRequest(IntEnum):
    APM_HANDLE = 1
    DELAY_MS = 2


class NewApmResponse(IntEnum):
    APM = 1


class OwnedApm(IntEnum):
    HANDLE = 1


class FfiOwnedHandle(IntEnum):
    ID = 1


class ApmResponse(IntEnum):
    ERROR = 1


SCHEMA: dict[type[IntEnum], tuple[str, ...]] = {
    FfiRequest: ("FfiRequest",),
    FfiResponse: ("FfiResponse",),
    NewApmRequest: ("NewApmRequest",),
    ApmStreamRequest: ("ApmProcessStreamRequest", "ApmProcessReverseStreamRequest"),
    ApmSetStreamDelayRequest: ("ApmSetStreamDelayRequest",),
    NewApmResponse: ("NewApmResponse",),
    OwnedApm: ("OwnedApm",),
    FfiOwnedHandle: ("FfiOwnedHandle",),
    ApmResponse: (
        "ApmProcessStreamResponse",
        "ApmProcessReverseStreamResponse",
        "ApmSetStreamDelayResponse",
    ),
}
"""Each enum above and the livekit.proto messages whose field numbers it spells."""


ANSWERS = {
    FfiRequest.NEW_APM: FfiResponse.NEW_APM,
    FfiRequest.APM_PROCESS_STREAM: FfiResponse.APM_PROCESS_STREAM,
    FfiRequest.APM_PROCESS_REVERSE_STREAM: FfiResponse.APM_PROCESS_REVERSE_STREAM,
    FfiRequest.APM_SET_STREAM_DELAY: FfiResponse.APM_SET_STREAM_DELAY,
}
"""The ``FfiResponse`` field that answers each ``FfiRequest``."""


# -- protobuf wire format: only varints and length-delimited fields are written


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # a negative int32 is ten bytes of two's complement
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def varint_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def message_field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while shift < 70:
        if pos >= len(data):
            raise ApmUnavailable("a truncated answer from the library")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
    raise ApmUnavailable("a malformed varint in the library's answer")


def decode(data: bytes) -> dict[int, int | bytes]:
    """A message's fields by number (the last one of each, as protobuf merges scalars)."""
    fields: dict[int, int | bytes] = {}
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        wire = key & 7
        value: int | bytes
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire in (1, 2, 5):
            if wire == 2:
                size, pos = _read_varint(data, pos)
            else:
                size = 8 if wire == 1 else 4
            value, pos = data[pos : pos + size], pos + size
            if pos > len(data):
                raise ApmUnavailable("a truncated answer from the library")
        else:
            raise ApmUnavailable(f"wire type {wire} in the library's answer")
        fields[key >> 3] = value
    return fields


def _message(fields: dict[int, int | bytes], number: int, what: str) -> dict[int, int | bytes]:
    value = fields.get(number)
    if not isinstance(value, bytes):
        raise ApmUnavailable(f"the library's answer has no {what}")
    return decode(value)


def answer(data: bytes, field: FfiResponse) -> dict[int, int | bytes]:
    """The fields of ``FfiResponse.<field>``; raises if it is not there or carries an error."""
    inner = _message(decode(data), field, f"FfiResponse.{field.name.lower()}")
    error = inner.get(ApmResponse.ERROR) if field is not FfiResponse.NEW_APM else None
    if isinstance(error, bytes):
        raise ApmUnavailable(f"the APM refused: {error.decode('utf-8', 'replace')}")
    return inner


def new_apm_request(*, echo_cancellation: bool, noise_suppression: bool, high_pass: bool) -> bytes:
    flags = {
        NewApmRequest.ECHO_CANCELLER_ENABLED: echo_cancellation,
        NewApmRequest.GAIN_CONTROLLER_ENABLED: False,  # ours: mic_processing.GainControl
        NewApmRequest.HIGH_PASS_FILTER_ENABLED: high_pass,
        NewApmRequest.NOISE_SUPPRESSION_ENABLED: noise_suppression,
    }
    body = b"".join(varint_field(number, int(on)) for number, on in flags.items())
    return message_field(FfiRequest.NEW_APM, body)


def apm_handle(data: bytes) -> int:
    """The APM's handle in a ``new_apm`` answer."""
    owned = _message(answer(data, FfiResponse.NEW_APM), NewApmResponse.APM, "NewApmResponse.apm")
    handle = _message(owned, OwnedApm.HANDLE, "OwnedApm.handle").get(FfiOwnedHandle.ID)
    if not isinstance(handle, int) or handle == 0:
        raise ApmUnavailable("the library answered new_apm without a handle")
    return handle


def stream_request(
    field: FfiRequest, handle: int, data_ptr: int, size: int, rate: int, channels: int
) -> bytes:
    values = {
        ApmStreamRequest.APM_HANDLE: handle,
        ApmStreamRequest.DATA_PTR: data_ptr,
        ApmStreamRequest.SIZE: size,
        ApmStreamRequest.SAMPLE_RATE: rate,
        ApmStreamRequest.NUM_CHANNELS: channels,
    }
    return message_field(field, b"".join(varint_field(n, v) for n, v in values.items()))


def set_stream_delay_request(handle: int, delay_ms: int) -> bytes:
    body = varint_field(ApmSetStreamDelayRequest.APM_HANDLE, handle) + varint_field(
        ApmSetStreamDelayRequest.DELAY_MS, delay_ms
    )
    return message_field(FfiRequest.APM_SET_STREAM_DELAY, body)


# -- the library


def library_path() -> Path | None:
    """livekit's native library, found without importing ``livekit.rtc``.

    ``LIVEKIT_LIB_PATH`` first (livekit.rtc honours it too), then the
    PyInstaller bundle's folder, then the installed ``livekit`` package (a
    namespace package: finding its spec executes nothing).
    """
    name = LIBRARY_NAMES.get(sys.platform)
    override = os.environ.get("LIVEKIT_LIB_PATH", "").strip()
    candidates = [Path(override)] if override else []
    if name is None:
        return next((p for p in candidates if p.is_file()), None)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle, "livekit", *RESOURCES, name))
    try:
        spec = importlib.util.find_spec("livekit")
    except (ImportError, ValueError):
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidates.append(Path(folder, *RESOURCES, name))
    return next((p for p in candidates if p.is_file()), None)


class Library:
    """The loaded library's two entry points, typed once."""

    def __init__(self, path: Path) -> None:
        try:
            lib = ctypes.CDLL(str(path))
            self.request = lib.livekit_ffi_request
            self.drop_handle = lib.livekit_ffi_drop_handle
        except (OSError, AttributeError) as exc:
            raise ApmUnavailable(f"cannot load {path}: {exc}") from None
        self.path = path
        self.request.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.POINTER(ctypes.c_size_t),
        ]
        self.request.restype = ctypes.c_uint64
        self.drop_handle.argtypes = [ctypes.c_uint64]
        self.drop_handle.restype = ctypes.c_bool

    def call(self, request: bytes, reply: Reply | None = None) -> bytes:
        """Send one request; its answer's bytes (the library's buffer is dropped at once)."""
        reply = reply or Reply()
        handle = self.request(request, len(request), reply.ptr_ref, reply.size_ref)
        if not handle:
            raise ApmUnavailable("the library refused the request (its log says why)")
        try:
            size = reply.size.value
            return ctypes.string_at(reply.ptr.value, size) if size and reply.ptr.value else b""
        finally:
            self.drop_handle(handle)


class Reply:
    """Where ``livekit_ffi_request`` writes its answer's address: one per thread that calls."""

    def __init__(self) -> None:
        self.ptr = ctypes.c_void_p()
        self.size = ctypes.c_size_t()
        self.ptr_ref = ctypes.byref(self.ptr)
        self.size_ref = ctypes.byref(self.size)


@functools.cache
def load_library() -> Library:
    """The library, loaded once per process; raises ``ApmUnavailable`` (not cached)."""
    path = library_path()
    if path is None:
        raise ApmUnavailable(f"livekit's native library is not installed ({sys.platform})")
    return Library(path)


class _Stream:
    """One direction of an APM: a fixed 10 ms buffer and the request that names it.

    The handle and the buffer's address never change, so the request is
    encoded once; a block costs a copy in, one call and a copy out.
    """

    def __init__(
        self, lib: Library, handle: int, direction: FfiRequest, rate: int, channels: int
    ) -> None:
        self._lib = lib
        self._buffer = np.zeros(rate // 100 * channels, dtype=np.int16)
        self._request = stream_request(
            direction, handle, self._buffer.ctypes.data, self._buffer.nbytes, rate, channels
        )
        self._field = ANSWERS[direction]
        self._ok = message_field(self._field, b"")  # the whole answer when all went well
        self._reply = Reply()

    def __call__(self, block: Pcm) -> Pcm:
        self._buffer[:] = block  # raises on a block of the wrong length
        data = self._lib.call(self._request, self._reply)
        if data != self._ok:
            answer(data, self._field)  # raises on an error or a stranger answer
        return self._buffer.copy()


class NativeApm:
    """One APM (a call's microphone): the same calls as ``livekit.rtc.AudioProcessingModule``.

    Blocks are 10 ms of ``rate`` int16 samples; ``process_stream`` returns the
    processed block rather than changing it in place.
    """

    def __init__(
        self,
        *,
        echo_cancellation: bool,
        noise_suppression: bool,
        high_pass: bool,
        rate: int = 48000,
        channels: int = 1,
    ) -> None:
        lib = load_library()
        self._lib = lib
        request = new_apm_request(
            echo_cancellation=echo_cancellation,
            noise_suppression=noise_suppression,
            high_pass=high_pass,
        )
        self.handle = apm_handle(lib.call(request))
        self._finalizer = weakref.finalize(self, lib.drop_handle, self.handle)
        self._finalizer.atexit = False  # the process's end frees it anyway
        self._capture = _Stream(lib, self.handle, FfiRequest.APM_PROCESS_STREAM, rate, channels)
        self._render = _Stream(
            lib, self.handle, FfiRequest.APM_PROCESS_REVERSE_STREAM, rate, channels
        )

    def process_stream(self, block: Pcm) -> Pcm:
        """The microphone's 10 ms ``block`` after processing."""
        self._check_open()
        return self._capture(block)

    def process_reverse_stream(self, block: Pcm) -> None:
        """What the speaker plays (10 ms), for the echo canceller."""
        self._check_open()
        self._render(block)

    def set_stream_delay_ms(self, delay_ms: int) -> None:
        self._check_open()
        data = self._lib.call(set_stream_delay_request(self.handle, delay_ms))
        answer(data, FfiResponse.APM_SET_STREAM_DELAY)

    def close(self) -> None:
        """Free the native APM now (garbage collection does it otherwise)."""
        self._finalizer()

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def _check_open(self) -> None:
        if not self._finalizer.alive:
            raise ApmUnavailable("the APM is closed")
