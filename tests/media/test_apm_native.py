"""livekit's APM through its native library: livekit's protocol and audio, no protobuf.

``livekit.rtc`` is imported here on purpose (its descriptors and its APM
are the reference); the subprocess test shows a call never imports it.
"""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from softphone.media import apm_native, mic_processing, tones
from softphone.media.apm_native import ApmUnavailable, FfiRequest, FfiResponse, NativeApm
from softphone.media.config import MicProcessingConfig
from softphone.media.mic_processing import BLOCK, MicProcessor, RtcApm
from tests import speech

RATE = 48000
FRAME = 960
ROOT = Path(__file__).resolve().parents[2]
NS_ONLY = MicProcessingConfig(auto_gain=False)


def _noise(seconds: float, dbfs: float, seed: int = 3) -> np.ndarray:
    white = np.random.default_rng(seed).standard_normal(int(seconds * RATE))
    return (white * 32768 * 10 ** (dbfs / 20)).astype(np.int16)


def _run(processor: MicProcessor, pcm: np.ndarray) -> np.ndarray:
    n = len(pcm) // FRAME * FRAME
    return np.concatenate([processor.process(pcm[i : i + FRAME]) for i in range(0, n, FRAME)])


def _microphone_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and "microphone processing" in r.getMessage()
    ]


# -- the protocol ----------------------------------------------------------------------


def test_field_numbers_are_livekits_own() -> None:
    from livekit.rtc._proto import ffi_pb2

    pool = ffi_pb2.DESCRIPTOR.pool
    for spelled, messages in apm_native.SCHEMA.items():
        for message in messages:
            descriptor = pool.FindMessageTypeByName(f"livekit.proto.{message}")
            ours = {member.name.lower(): member.value for member in spelled}
            theirs = {name: descriptor.fields_by_name[name].number for name in ours}
            assert ours == theirs, message
            if spelled not in (apm_native.FfiRequest, apm_native.FfiResponse):
                # every field of the APM's own messages is spelled: none we never send
                assert set(descriptor.fields_by_name) == set(ours), message


def test_requests_read_back_with_livekits_protobuf() -> None:
    from livekit.rtc._proto import ffi_pb2

    new = ffi_pb2.FfiRequest.FromString(
        apm_native.new_apm_request(echo_cancellation=True, noise_suppression=False, high_pass=True)
    )
    assert new.WhichOneof("message") == "new_apm"
    flags = new.new_apm
    assert (flags.echo_canceller_enabled, flags.gain_controller_enabled) == (True, False)
    assert (flags.high_pass_filter_enabled, flags.noise_suppression_enabled) == (True, False)
    for field in (FfiRequest.APM_PROCESS_STREAM, FfiRequest.APM_PROCESS_REVERSE_STREAM):
        encoded = apm_native.stream_request(field, 2**40 + 3, 2**47 - 16, 960, RATE, 1)
        request = ffi_pb2.FfiRequest.FromString(encoded)
        assert request.WhichOneof("message") == field.name.lower()
        stream = getattr(request, field.name.lower())
        assert (stream.apm_handle, stream.data_ptr, stream.size) == (2**40 + 3, 2**47 - 16, 960)
        assert (stream.sample_rate, stream.num_channels) == (RATE, 1)
    delay = ffi_pb2.FfiRequest.FromString(apm_native.set_stream_delay_request(7, -5))
    assert (delay.apm_set_stream_delay.apm_handle, delay.apm_set_stream_delay.delay_ms) == (7, -5)


def test_livekits_answers_decode() -> None:
    from livekit.rtc._proto import ffi_pb2

    created = ffi_pb2.FfiResponse()
    created.new_apm.apm.handle.id = 2**50 + 9
    assert apm_native.apm_handle(created.SerializeToString()) == 2**50 + 9

    fine = ffi_pb2.FfiResponse()
    fine.apm_process_stream.SetInParent()
    # the constant a processed block is checked against is livekit's own success answer
    assert fine.SerializeToString() == apm_native.message_field(FfiResponse.APM_PROCESS_STREAM, b"")
    assert apm_native.answer(fine.SerializeToString(), FfiResponse.APM_PROCESS_STREAM) == {}

    refused = ffi_pb2.FfiResponse()
    refused.apm_process_reverse_stream.error = "sample rate не поддерживается"
    with pytest.raises(ApmUnavailable, match="не поддерживается"):
        apm_native.answer(refused.SerializeToString(), FfiResponse.APM_PROCESS_REVERSE_STREAM)
    with pytest.raises(ApmUnavailable, match="apm_process_stream"):  # a stranger answer
        apm_native.answer(refused.SerializeToString(), FfiResponse.APM_PROCESS_STREAM)
    with pytest.raises(ApmUnavailable, match="truncated"):
        apm_native.decode(fine.SerializeToString()[:-1] + b"\x05")


def test_the_library_is_found_in_the_wheel_and_in_the_bundle(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import livekit.rtc

    name = apm_native.LIBRARY_NAMES[sys.platform]
    wheel = Path(livekit.rtc.__file__).parent / "resources" / name
    monkeypatch.delenv("LIVEKIT_LIB_PATH", raising=False)
    assert apm_native.library_path() == wheel
    # PyInstaller's collect_dynamic_libs("livekit") keeps the package's layout below _MEIPASS
    bundled = tmp_path / "livekit" / "rtc" / "resources" / name
    bundled.parent.mkdir(parents=True)
    bundled.write_bytes(b"")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert apm_native.library_path() == bundled


# -- the audio ---------------------------------------------------------------------------


def _noisy_speech() -> np.ndarray:
    return speech.mix_at_snr(speech.speech("en"), _noise(12.0, -30), 10)


@pytest.mark.parametrize("echo_cancellation", [False, True], ids=["NS+HPF", "NS+HPF+AEC"])
def test_native_output_is_livekit_rtcs_bit_for_bit(echo_cancellation: bool) -> None:
    near = _noisy_speech()
    far = np.resize(speech.speech("ru"), len(near))
    if echo_cancellation:  # the speaker heard 40 ms later, 10 dB down
        echo = np.concatenate([np.zeros(int(0.04 * RATE)), far[: -int(0.04 * RATE)]]) * 0.3
        near = np.clip(near + echo, -32768, 32767).astype(np.int16)
    flags = {"echo_cancellation": echo_cancellation, "noise_suppression": True, "high_pass": True}
    native, rtc = NativeApm(**flags), RtcApm(**flags)
    outputs: dict[Any, list[np.ndarray]] = {native: [], rtc: []}
    for apm in outputs:
        if echo_cancellation:
            apm.set_stream_delay_ms(mic_processing.ECHO_DELAY_MS)
    for i in range(0, len(near) // BLOCK * BLOCK, BLOCK):
        for apm, out in outputs.items():
            if echo_cancellation:
                apm.process_reverse_stream(far[i : i + BLOCK])
            out.append(apm.process_stream(near[i : i + BLOCK]))
    mine, theirs = (np.concatenate(out) for out in outputs.values())
    native.close()
    assert np.array_equal(mine, theirs)
    # and both processed: the noise in the pads (no speech) is well down
    pad = slice(len(mine) - int(0.25 * RATE), len(mine))
    assert tones.rms_dbfs(near[pad]) - tones.rms_dbfs(mine[pad]) >= 10


def test_a_call_uses_the_native_library() -> None:
    assert MicProcessor(MicProcessingConfig()).engine == "native"
    assert MicProcessor(MicProcessingConfig(echo_cancellation=True)).engine == "native"
    assert (
        MicProcessor(MicProcessingConfig(noise_suppression=False, high_pass=False)).engine is None
    )  # gain control only: no APM at all


CALL = """
import sys
import numpy as np
from softphone.media.config import MicProcessingConfig
from softphone.media.mic_processing import MicProcessor

pcm = (np.random.default_rng(1).standard_normal(48000 * 60) * 1000).astype(np.int16)
default = MicProcessor(MicProcessingConfig())
echo = MicProcessor(MicProcessingConfig(echo_cancellation=True))
for i in range(0, len(pcm), 960):
    default.process(pcm[i : i + 960])
    echo.far_end(pcm[i : i + 960])
    echo.process(pcm[i : i + 960])
print(default.engine, echo.engine)
print(sorted(m for m in sys.modules if m.split(".")[0] == "livekit" or m.startswith("google.pro")))
"""


def test_a_processed_call_never_imports_livekit_rtc_or_protobuf() -> None:
    env = {k: v for k, v in os.environ.items() if k != "LIVEKIT_LIB_PATH"}
    result = subprocess.run(
        [sys.executable, "-c", CALL], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["native native", "[]"], result.stdout + result.stderr


# -- falling back ------------------------------------------------------------------------


def test_without_the_native_library_livekit_rtc_cleans_the_microphone(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(apm_native, "library_path", lambda: None)
    apm_native.load_library.cache_clear()
    with caplog.at_level(logging.WARNING):
        processor = MicProcessor(NS_ONLY)
        noise = _noise(4.0, -35)
        out = _run(processor, noise)
    assert processor.engine == "livekit.rtc"
    warnings = _microphone_warnings(caplog)
    assert len(warnings) == 1, warnings
    assert "not installed" in warnings[0] and "using livekit.rtc" in warnings[0]
    assert tones.rms_dbfs(noise) - tones.rms_dbfs(out[RATE:]) >= 10


def test_a_protocol_error_mid_call_switches_to_livekit_rtc(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    processor = MicProcessor(NS_ONLY)
    native = processor._apm
    assert isinstance(native, NativeApm)
    real_call = apm_native.Library.call

    tag = apm_native.message_field(FfiRequest.APM_PROCESS_STREAM, b"")[:-1]  # without length

    def stranger(self: apm_native.Library, request: bytes, reply: Any = None) -> bytes:
        if request.startswith(tag):
            return apm_native.varint_field(1, 1)  # a field of some other protocol
        return real_call(self, request, reply)

    monkeypatch.setattr(apm_native.Library, "call", stranger)
    noise = _noise(4.0, -35)
    with caplog.at_level(logging.WARNING):
        out = _run(processor, noise)
    assert processor.engine == "livekit.rtc"
    assert native.closed
    warnings = _microphone_warnings(caplog)
    assert len(warnings) == 1 and "native failed" in warnings[0], warnings
    assert tones.rms_dbfs(noise) - tones.rms_dbfs(out[RATE:]) >= 10


def test_when_livekit_cannot_be_loaded_at_all_the_microphone_goes_out_as_it_is(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def missing(**flags: bool) -> mic_processing.Apm:
        raise ImportError("No module named 'livekit'")

    monkeypatch.setattr(apm_native, "library_path", lambda: None)
    apm_native.load_library.cache_clear()
    monkeypatch.setattr(
        mic_processing, "APM_ENGINES", (("native", NativeApm), ("livekit.rtc", missing))
    )
    noise = _noise(1.0, -30)
    with caplog.at_level(logging.WARNING):
        processor = MicProcessor(NS_ONLY)
        out = _run(processor, noise)
    assert processor.engine is None and not processor.active
    assert np.array_equal(out, noise)
    warnings = _microphone_warnings(caplog)
    assert len(warnings) == 2 and "is off" in warnings[1], warnings


# -- handles -----------------------------------------------------------------------------


def test_every_handle_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each request's answer buffer at once; each APM when closed or garbage-collected."""
    lib = apm_native.load_library()
    answered: list[int] = []
    dropped: list[int] = []
    request, drop = lib.request, lib.drop_handle

    def counting_request(*args: Any) -> int:
        answered.append(request(*args))
        return answered[-1]

    def counting_drop(handle: int) -> bool:
        dropped.append(handle)
        return bool(drop(handle))

    monkeypatch.setattr(lib, "request", counting_request)
    monkeypatch.setattr(lib, "drop_handle", counting_drop)
    frame = _noise(0.02, -30)
    apms = []
    for i in range(100):
        processor = MicProcessor(MicProcessingConfig(echo_cancellation=True))
        processor.far_end(frame)
        processor.process(frame)
        assert isinstance(processor._apm, NativeApm)
        apms.append(processor._apm.handle)
        if i % 2:
            processor.close()  # the others are collected
        del processor
    gc.collect()
    assert answered and set(answered) <= set(dropped)
    assert set(apms) <= set(dropped)
    assert not any(drop(handle) for handle in apms)  # none left in the library


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads /proc")
def test_many_calls_do_not_grow_the_process() -> None:
    def rss_mib() -> float:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20

    frame = _noise(0.02, -30)

    def call() -> None:
        processor = MicProcessor(MicProcessingConfig(echo_cancellation=True))
        for _ in range(5):
            processor.far_end(frame)
            processor.process(frame)

    for _ in range(20):  # allocator and library warm-up
        call()
    before = rss_mib()
    for _ in range(300):
        call()
    gc.collect()
    assert rss_mib() - before < 16
