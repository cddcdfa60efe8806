"""Sound devices: which exist, which one the user meant, and opening them.

Two backends share one small interface (``AudioBackend`` opening
``AudioStream``s that call back with mono int16 blocks):

- ``PortAudioBackend`` — real sound cards through sounddevice/PortAudio.
  Devices are chosen by *name* (a case-insensitive substring, as people
  remember "Jabra" rather than an index that changes with every plug-in),
  and the device list is re-read before each open while nothing is playing,
  so a headset plugged in after start-up is found. Its callbacks run on
  PortAudio's thread; everything else here runs on the event loop, and the
  blocking PortAudio calls are moved off it with ``asyncio.to_thread``.
- ``NullBackend`` — no sound card at all, for tests, CI and the demo. Its
  streams are paced by the event loop's clock (a real-time block every
  block period), discard what is played (or hand it to a tap) and record
  silence (or a given source).

Everything that can go wrong with devices surfaces as ``AudioDeviceError``
subclasses whose message is a sentence a user can act on; PortAudio's own
exceptions never leave this module.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from softphone.media import device_sentences as D
from softphone.media.alsa import release_probed_plugins
from softphone.media.errors import MediaError
from softphone.media.portaudio_library import import_sounddevice
from softphone.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

Pcm = npt.NDArray[np.int16]

InputCallback = Callable[[Pcm], None]
"""Receives each recorded block: mono int16 at the stream's rate (a private copy)."""
OutputCallback = Callable[[Pcm], None]
"""Fills the given mono int16 block (at the stream's rate) with what to play next."""

PREFERRED_RATE = 48000


class AudioDeviceError(MediaError):
    """A sound device could not be listed, found or opened; the message says why.

    ``template`` (one of ``device_sentences``) and ``params`` are the message
    before its values were filled in, for a translation.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = {name: str(value) for name, value in params.items()}
        super().__init__(template.format(**self.params) if params else template)


class NoAudioDevice(AudioDeviceError):
    """There is no usable sound device (or no PortAudio at all) for a real call."""


class UnknownAudioDevice(NoAudioDevice):
    """The configured device name matches no device; ``available`` lists the names that do exist."""

    def __init__(self, template: str, available: tuple[str, ...], **params: object) -> None:
        super().__init__(template, **params)
        self.available = available


class Direction(StrEnum):
    INPUT = "input"
    OUTPUT = "output"


@dataclass(frozen=True)
class AudioDevice:
    """One PortAudio device as the settings dialog shows it."""

    index: int
    name: str
    host_api: str
    input_channels: int
    output_channels: int
    default_samplerate: float
    is_default_input: bool = False
    is_default_output: bool = False

    def channels(self, direction: Direction) -> int:
        return self.input_channels if direction is Direction.INPUT else self.output_channels

    def __str__(self) -> str:
        return f"{self.name} ({self.host_api})"


@dataclass(frozen=True)
class AudioSettings:
    """The user's choice of devices, as stored in the profile.

    Names are case-insensitive substrings of a device name; None means the
    system default. ``ring`` None rings on the speaker device. ``null``
    uses no sound card at all (``--no-audio-device``, tests, the demo).
    """

    microphone: str | None = None
    speaker: str | None = None
    ring: str | None = None
    null: bool = False


class AudioStream(Protocol):
    """An open, running input or output stream."""

    @property
    def samplerate(self) -> int: ...

    @property
    def device_name(self) -> str: ...

    async def aclose(self) -> None: ...


class AudioBackend(Protocol):
    """Opens streams on devices chosen by name (None = the default device)."""

    async def open_input(
        self, device: str | None, callback: InputCallback, *, blocksize_ms: float = 20.0
    ) -> AudioStream: ...

    async def open_output(
        self, device: str | None, callback: OutputCallback, *, blocksize_ms: float = 5.0
    ) -> AudioStream: ...


def backend_for(settings: AudioSettings) -> AudioBackend:
    """The backend the settings ask for (no device is touched until a stream opens)."""
    return NullBackend() if settings.null else PortAudioBackend()


# --- PortAudio ---------------------------------------------------------------

_portaudio_lock = threading.Lock()
"""PortAudio's (re)initialisation and stream opening are not thread-safe."""
_open_streams = 0
"""Streams open in this process; PortAudio may only be re-initialised at zero."""


def _sounddevice() -> Any:
    """The sounddevice module, or NoAudioDevice when PortAudio is not installed."""
    try:
        return import_sounddevice()
    except ImportError as exc:
        raise NoAudioDevice(D.DEVICE_NO_SOUNDDEVICE) from exc
    except OSError as exc:  # raised at import when libportaudio is missing
        raise NoAudioDevice(D.DEVICE_NO_PORTAUDIO) from exc


def _rescan_locked(sd: Any) -> None:
    """Make PortAudio read the device list afresh (hot-plug); only with no stream open."""
    if _open_streams:
        return
    try:
        sd._terminate()
        sd._initialize()
    except Exception as exc:  # PortAudioError; the old list stays usable
        logger.warning("could not re-scan audio devices: %s", exc)
    release_probed_plugins()  # the scan's ALSA plugins (docstring of softphone.media.alsa)


def _list_locked(sd: Any) -> tuple[AudioDevice, ...]:
    try:
        raw: Any = sd.query_devices()
        apis: Any = sd.query_hostapis()
        default_in, default_out = sd.default.device
    except Exception as exc:
        raise NoAudioDevice(D.DEVICE_LIST_UNREADABLE, error=exc) from exc
    devices = []
    for info in raw:
        index = int(info["index"])
        devices.append(
            AudioDevice(
                index=index,
                name=str(info["name"]),
                host_api=str(apis[info["hostapi"]]["name"]),
                input_channels=int(info["max_input_channels"]),
                output_channels=int(info["max_output_channels"]),
                default_samplerate=float(info["default_samplerate"]),
                is_default_input=index == default_in,
                is_default_output=index == default_out,
            )
        )
    return tuple(devices)


def list_devices(rescan: bool = True) -> tuple[AudioDevice, ...]:
    """Every PortAudio device; ``rescan`` first re-reads the system's list (when idle).

    Raises NoAudioDevice only when PortAudio itself is unavailable; an empty
    tuple means PortAudio works but sees no device.
    """
    sd = _sounddevice()
    with _portaudio_lock:
        if rescan:
            _rescan_locked(sd)
        return _list_locked(sd)


def choose_device(
    devices: tuple[AudioDevice, ...], name: str | None, direction: Direction
) -> AudioDevice:
    """The device ``name`` means for ``direction``; the default one when ``name`` is None.

    Several matches are normal (Windows lists one headset under MME,
    DirectSound and WASAPI): an exact name wins, then the default device,
    then the first listed.
    """
    usable = [d for d in devices if d.channels(direction) > 0]
    microphone = direction is Direction.INPUT
    if not usable:
        raise NoAudioDevice(D.DEVICE_NO_MICROPHONE if microphone else D.DEVICE_NO_SPEAKER)
    if name is None or not name.strip():
        default = [d for d in usable if d.is_default_input or d.is_default_output]
        chosen = [d for d in default if _is_default_for(d, direction)] or usable
        return chosen[0]
    wanted = name.strip().casefold()
    matches = [d for d in usable if wanted in d.name.casefold()]
    if not matches:
        names = tuple(dict.fromkeys(d.name for d in usable))
        listing = "; ".join(f'"{n}"' for n in names)
        raise UnknownAudioDevice(
            D.DEVICE_NO_MICROPHONE_MATCHES if microphone else D.DEVICE_NO_SPEAKER_MATCHES,
            names,
            name=name,
            listing=listing,
        )
    exact = [d for d in matches if d.name.casefold() == wanted]
    default = [d for d in matches if _is_default_for(d, direction)]
    return (exact or default or matches)[0]


def _is_default_for(device: AudioDevice, direction: Direction) -> bool:
    return device.is_default_input if direction is Direction.INPUT else device.is_default_output


@dataclass(frozen=True)
class ResolvedDevices:
    microphone: AudioDevice
    speaker: AudioDevice
    ring: AudioDevice


def resolve(settings: AudioSettings) -> ResolvedDevices:
    """Check that every device the settings name exists (the settings dialog, start-up)."""
    devices = list_devices()
    speaker = choose_device(devices, settings.speaker, Direction.OUTPUT)
    ring = choose_device(devices, settings.ring or settings.speaker, Direction.OUTPUT)
    return ResolvedDevices(
        microphone=choose_device(devices, settings.microphone, Direction.INPUT),
        speaker=speaker,
        ring=ring,
    )


class _PortAudioStream:
    """A running sounddevice stream delivering mono int16 blocks to a callback."""

    def __init__(self, stream: Any, device: AudioDevice) -> None:
        self._stream = stream
        self._device = device
        self._closed = False
        self.xruns = 0
        """Card underflows/overflows PortAudio reported (the card, not the network)."""

    @property
    def samplerate(self) -> int:
        return int(self._stream.samplerate)

    @property
    def device_name(self) -> str:
        return self._device.name

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        await asyncio.to_thread(self._close_blocking)

    def _close_blocking(self) -> None:
        global _open_streams
        with _portaudio_lock:
            try:
                self._stream.abort()  # no draining: a hang-up must be instant
                self._stream.close()
            except Exception as exc:
                logger.warning("closing %s failed: %s", self._device, exc)
            finally:
                _open_streams -= 1


class PortAudioBackend:
    """Real sound cards through sounddevice.

    ``latency_s`` is the device-side buffer PortAudio is asked for. 30 ms
    rather than PortAudio's "low" (~10 ms): on a busy two-core machine the
    low setting underran every few seconds, and PortAudio's ALSA recovery
    through PulseAudio then stalled the stream for one to two seconds.
    """

    def __init__(self, latency_s: float = 0.03) -> None:
        self.latency_s = latency_s

    async def open_input(
        self, device: str | None, callback: InputCallback, *, blocksize_ms: float = 20.0
    ) -> AudioStream:
        return await asyncio.to_thread(
            self._open_blocking, Direction.INPUT, device, callback, blocksize_ms
        )

    async def open_output(
        self, device: str | None, callback: OutputCallback, *, blocksize_ms: float = 5.0
    ) -> AudioStream:
        return await asyncio.to_thread(
            self._open_blocking, Direction.OUTPUT, device, callback, blocksize_ms
        )

    def _open_blocking(
        self,
        direction: Direction,
        name: str | None,
        callback: Callable[[Pcm], None],
        blocksize_ms: float,
    ) -> _PortAudioStream:
        global _open_streams
        sd = _sounddevice()
        with _portaudio_lock:
            _rescan_locked(sd)
            device = choose_device(_list_locked(sd), name, direction)
            rate, channels = self._format_locked(sd, device, direction)
            holder: list[_PortAudioStream] = []
            blocksize = max(1, round(rate * blocksize_ms / 1000))
            cls = sd.InputStream if direction is Direction.INPUT else sd.OutputStream
            try:
                stream = cls(
                    device=device.index,
                    samplerate=rate,
                    channels=channels,
                    dtype="int16",
                    blocksize=blocksize,
                    latency=self.latency_s,
                    callback=_adapt(direction, callback, channels, holder),
                )
                stream.start()
            except Exception as exc:
                cannot = (
                    D.DEVICE_INPUT_NOT_OPENED
                    if direction is Direction.INPUT
                    else D.DEVICE_OUTPUT_NOT_OPENED
                )
                raise NoAudioDevice(cannot, device=device, error=exc) from exc
            _open_streams += 1
            wrapper = _PortAudioStream(stream, device)
            holder.append(wrapper)
            logger.info("opened %s %s at %d Hz, %d ch", direction.value, device, rate, channels)
            return wrapper

    @staticmethod
    def _format_locked(sd: Any, device: AudioDevice, direction: Direction) -> tuple[int, int]:
        """48 kHz mono when the device takes it; else its own rate and/or stereo."""
        check = (
            sd.check_input_settings if direction is Direction.INPUT else sd.check_output_settings
        )
        rates = dict.fromkeys([PREFERRED_RATE, round(device.default_samplerate)])
        channel_options = dict.fromkeys([1, min(2, device.channels(direction))])
        for rate in rates:
            for channels in channel_options:
                try:
                    check(device=device.index, samplerate=rate, channels=channels, dtype="int16")
                except Exception:
                    continue
                return rate, channels
        unsupported = (
            D.DEVICE_INPUT_FORMAT if direction is Direction.INPUT else D.DEVICE_OUTPUT_FORMAT
        )
        raise NoAudioDevice(unsupported, device=device)


def _adapt(
    direction: Direction,
    callback: Callable[[Pcm], None],
    channels: int,
    holder: list[_PortAudioStream],
) -> Callable[..., None]:
    """A sounddevice callback that speaks mono int16 and never lets an exception out.

    An exception escaping a sounddevice callback stops the stream for good
    (the call would go silent); a broken block is logged and played as
    silence instead.
    """

    def on_input(indata: Any, frames: int, time: Any, status: Any) -> None:
        if status and holder:
            holder[0].xruns += 1
        block = indata[:, 0].copy() if channels == 1 else indata.mean(axis=1).astype(np.int16)
        try:
            callback(block)
        except Exception:
            logger.exception("microphone callback failed")

    def on_output(outdata: Any, frames: int, time: Any, status: Any) -> None:
        if status and holder:
            holder[0].xruns += 1
        block = np.zeros(frames, dtype=np.int16)
        try:
            callback(block)
        except Exception:
            logger.exception("speaker callback failed")
            block[:] = 0
        outdata[:] = block[:, None]

    return on_input if direction is Direction.INPUT else on_output


# --- no sound card -----------------------------------------------------------


class _NullStream:
    """A stream paced by the event loop clock instead of a sound card crystal."""

    def __init__(
        self,
        direction: Direction,
        callback: Callable[[Pcm], None],
        samplerate: int,
        blocksize_ms: float,
        source: Callable[[int], Pcm] | None,
        tap: Callable[[Pcm], None] | None,
    ) -> None:
        self._direction = direction
        self._callback = callback
        self._rate = samplerate
        self._block = max(1, round(samplerate * blocksize_ms / 1000))
        self._source = source
        self._tap = tap
        self.blocks = 0
        self._task = asyncio.get_running_loop().create_task(self._run())

    @property
    def samplerate(self) -> int:
        return self._rate

    @property
    def device_name(self) -> str:
        return "null"

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        period = self._block / self._rate
        start = loop.time()
        done = 0
        while True:
            due = start + done * period
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            elif -delay > 0.2:
                # The loop stalled: like a real card after an xrun, skip ahead
                # instead of firing a burst of stale blocks.
                start, done = loop.time(), 0
            self._one_block()
            done += 1

    def _one_block(self) -> None:
        try:
            if self._direction is Direction.INPUT:
                block = (
                    np.asarray(self._source(self._block), dtype=np.int16)
                    if self._source is not None
                    else np.zeros(self._block, dtype=np.int16)
                )
                self._callback(block)
            else:
                block = np.zeros(self._block, dtype=np.int16)
                self._callback(block)
                if self._tap is not None:
                    self._tap(block)
        except Exception:
            logger.exception("null %s stream callback failed", self._direction.value)
        self.blocks += 1

    async def aclose(self) -> None:
        await cancel_and_wait(self._task)


class NullBackend:
    """No sound card: silence in, nothing out, in real time by the loop's clock.

    ``source(n)`` (optional) supplies what the "microphone" records, n
    samples at a time; ``tap(block)`` (optional) receives every block
    "played" — tests use both to check audio by content without a card.
    Device names are ignored: there is only the one null device.
    """

    def __init__(
        self,
        samplerate: int = PREFERRED_RATE,
        source: Callable[[int], Pcm] | None = None,
        tap: Callable[[Pcm], None] | None = None,
    ) -> None:
        self.samplerate = samplerate
        self.source = source
        self.tap = tap

    async def open_input(
        self, device: str | None, callback: InputCallback, *, blocksize_ms: float = 20.0
    ) -> AudioStream:
        return _NullStream(
            Direction.INPUT, callback, self.samplerate, blocksize_ms, self.source, None
        )

    async def open_output(
        self, device: str | None, callback: OutputCallback, *, blocksize_ms: float = 5.0
    ) -> AudioStream:
        return _NullStream(
            Direction.OUTPUT, callback, self.samplerate, blocksize_ms, None, self.tap
        )
