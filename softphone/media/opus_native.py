"""libopus's own decoder through ctypes: Opus's packet-loss concealment and in-band FEC.

Why: FFmpeg's libopus wrapper, which PyAV (and so aiortc) decodes with,
exposes neither of libopus's answers to a lost packet. An empty packet is a
flush to FFmpeg (no frame comes out), so there is no PLC, and it never asks
for ``decode_fec``, so the LBRR copy of a lost frame that a sender with
in-band FEC puts in the *next* packet is thrown away. libopus itself has
both in ``opus_decode``: ``data=NULL`` conceals ``frame_size`` samples from
the decoder's state (pitch, LPC and spectral envelope of what came before,
far better than repeating played samples); ``decode_fec=1`` with the next
packet decodes its LBRR data in place of the lost frame.

The library is already on every machine that runs the phone: PyAV's wheels
carry libopus as a separate shared library next to FFmpeg's (Linux
``av.libs/libopus-*.so.0*``, Windows ``av.libs/libopus-0-*.dll``, macOS
``av/.dylibs/libopus.0.dylib``; libopus 1.6.1 in av 18.1). That copy is
used first, then the system's (``ctypes.util.find_library("opus")``).
``libopus()`` returns None when neither loads or lacks a function we need:
callers then keep PyAV's decoder and the playout buffer's concealment.

Everything here is mono or stereo int16 at one of libopus's rates; no
aiortc or PyAV object crosses this module.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

Pcm = npt.NDArray[np.int16]

MAX_FRAME_S = 0.120
"""The longest frame an Opus packet can hold (6 × 20 ms)."""
_OPUS_OK = 0


class OpusError(Exception):
    """libopus refused a packet or a call (its ``opus_strerror`` text)."""


@dataclass(frozen=True)
class LibOpus:
    """A loaded libopus with the functions the decoder needs, typed for ctypes."""

    cdll: ctypes.CDLL
    path: str
    version: str

    def error(self, code: int) -> OpusError:
        text = self.cdll.opus_strerror(code)
        return OpusError(text.decode(errors="replace") if text else f"libopus error {code}")


def _pyav_copies() -> Iterator[Path]:
    """libopus shipped inside PyAV's wheel, where each platform's wheel puts it."""
    try:
        import av
    except ImportError:
        return
    package = Path(av.__file__).resolve().parent
    for folder, pattern in (
        (package.parent / "av.libs", "libopus*"),  # Linux (auditwheel), Windows (delvewheel)
        (package / ".dylibs", "libopus*.dylib"),  # macOS (delocate)
    ):
        if folder.is_dir():
            yield from sorted(folder.glob(pattern))


def candidates() -> list[str]:
    """Where to look for libopus, best first: PyAV's own copy, then the system's."""
    found = [str(p) for p in _pyav_copies()]
    system = ctypes.util.find_library("opus")
    if system:
        found.append(system)
    if sys.platform == "win32":
        found.append("opus.dll")
    return found


def _bind(path: str) -> LibOpus:
    cdll = ctypes.CDLL(path)
    c_int, ptr, size = ctypes.c_int, ctypes.c_void_p, ctypes.c_int32
    short_p = ctypes.POINTER(ctypes.c_int16)
    cdll.opus_decoder_create.argtypes = [size, c_int, ctypes.POINTER(c_int)]
    cdll.opus_decoder_create.restype = ptr
    cdll.opus_decoder_destroy.argtypes = [ptr]
    cdll.opus_decoder_destroy.restype = None
    cdll.opus_decode.argtypes = [ptr, ctypes.c_char_p, size, short_p, c_int, c_int]
    cdll.opus_decode.restype = c_int
    cdll.opus_packet_get_nb_samples.argtypes = [ctypes.c_char_p, size, size]
    cdll.opus_packet_get_nb_samples.restype = c_int
    cdll.opus_packet_has_lbrr.argtypes = [ctypes.c_char_p, size]
    cdll.opus_packet_has_lbrr.restype = c_int
    cdll.opus_strerror.argtypes = [c_int]
    cdll.opus_strerror.restype = ctypes.c_char_p
    cdll.opus_get_version_string.argtypes = []
    cdll.opus_get_version_string.restype = ctypes.c_char_p
    version = cdll.opus_get_version_string().decode(errors="replace")
    return LibOpus(cdll=cdll, path=path, version=version)


@functools.cache
def libopus() -> LibOpus | None:
    """The first usable libopus of ``candidates()``, or None (said once in the log).

    A library without ``opus_packet_has_lbrr`` (libopus < 1.5) is passed
    over: without it, FEC could not be told from PLC.
    """
    for path in candidates():
        try:
            lib = _bind(path)
        except (OSError, AttributeError) as exc:
            logger.debug("libopus at %s is not usable: %s", path, exc)
            continue
        logger.info("Opus loss concealment and FEC from %s (%s)", lib.path, lib.version)
        return lib
    logger.info("no usable libopus found: lost Opus packets get the generic concealment")
    return None


class NativeOpusDecoder:
    """One libopus decoder (``OpusDecoder*``): decode, conceal, recover from FEC.

    Not thread-safe; one per received stream. ``close`` frees the C state
    (also on garbage collection).
    """

    def __init__(self, lib: LibOpus, rate: int = 48000, channels: int = 1) -> None:
        self.lib, self.rate, self.channels = lib, rate, channels
        error = ctypes.c_int(0)
        self._state: int | None = lib.cdll.opus_decoder_create(rate, channels, ctypes.byref(error))
        if error.value != _OPUS_OK or not self._state:
            self._state = None
            raise lib.error(error.value)
        self._max = round(MAX_FRAME_S * rate)
        self._buffer = np.zeros(self._max * channels, dtype=np.int16)
        self._out = self._buffer.ctypes.data_as(ctypes.POINTER(ctypes.c_int16))
        self.step = rate // 400
        """Concealment and FEC lengths must be multiples of 2.5 ms."""

    def _run(self, data: bytes | None, frame_size: int, fec: bool) -> Pcm:
        if self._state is None:
            raise OpusError("the decoder is closed")
        length = len(data) if data else 0
        count = self.lib.cdll.opus_decode(
            self._state, data, length, self._out, frame_size, 1 if fec else 0
        )
        if count < 0:
            raise self.lib.error(count)
        pcm: Pcm = self._buffer[: count * self.channels].copy()
        return pcm

    def decode(self, packet: bytes) -> Pcm:
        """The packet's audio (interleaved if stereo)."""
        if not packet:
            raise OpusError("empty packet")
        return self._run(packet, self._max, fec=False)

    def conceal(self, samples: int) -> Pcm:
        """``samples`` (per channel, a multiple of ``step``) of libopus's PLC."""
        return self._chunked(None, samples, fec=False)

    def recover(self, next_packet: bytes, samples: int) -> Pcm:
        """The lost frame just before ``next_packet``, from its LBRR data.

        ``samples`` must be the missing duration; libopus conceals what the
        LBRR does not cover (or all of it when there is none).
        """
        return self._run(next_packet, samples, fec=True)

    def _chunked(self, data: bytes | None, samples: int, fec: bool) -> Pcm:
        parts = []
        while samples > 0:
            n = min(samples, self._max)
            parts.append(self._run(data, n, fec))
            samples -= n
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)

    def samples_in(self, packet: bytes) -> int:
        """Samples per channel the packet decodes to (0 if it is malformed)."""
        count: int = self.lib.cdll.opus_packet_get_nb_samples(packet, len(packet), self.rate)
        return max(0, count)

    def has_lbrr(self, packet: bytes) -> bool:
        """The packet carries an LBRR copy of the frame before it (the sender's FEC)."""
        flag: int = self.lib.cdll.opus_packet_has_lbrr(packet, len(packet))
        return flag > 0

    def close(self) -> None:
        if self._state is not None:
            self.lib.cdll.opus_decoder_destroy(self._state)
            self._state = None

    def __del__(self) -> None:
        self.close()


def native_decoder(rate: int = 48000, channels: int = 1) -> NativeOpusDecoder | None:
    """A native decoder, or None when no libopus is usable (callers fall back)."""
    lib = libopus()
    if lib is None:
        return None
    try:
        return NativeOpusDecoder(lib, rate, channels)
    except OpusError as exc:
        logger.warning("libopus would not make a decoder: %s", exc)
        return None
