"""The receive path before and after issue 12 in real calls: PESQ through the impairment relay.

Runs ``bench/call_quality.py``'s phone call (speech over SRTP/UDP on
loopback through ``tests/peers/impairment.py``, the callee playing through
its ``SpeakerSink`` into a paced null card, what the card took scored with
PESQ) once per variant, interleaved call by call: ``old`` — the playout
buffer and reorder settings of ``--old-rev`` (loaded from git); ``reorder``
— today's buffer with G.711 packets put in order before decoding, as every
codec's were until G.711 went straight through; ``new`` — today's. Printed per
call: PESQ NB/WB, one-way delay (capture to card), PESQ of the decoded
frames concatenated (no playout clock), and the speaker buffer's counters.

    python3 bench/receive_path_calls.py [--calls 3] [--codec PCMA/8000] [--cases "loss 3;jitter 40"]
        [--variants old,reorder,new]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import call_quality as cq
import receive_path as rp

from softphone.media import audio_io
from softphone.media.config import JitterConfig, MediaConfig
from softphone.media.playout import PlayoutBuffer, PlayoutConfig
from tests import speech
from tests.peers.loopback_ice import loopback_ice

OLD_JITTER = JitterConfig(window=1, max_window=4, max_wait_ms=60)
"""The reorder settings before issue 12 (today's are the same; kept explicit)."""


class OldPlayout:
    """The old buffer with today's interface (no timestamps: it had none)."""

    module: Any = None

    def __init__(self, config: PlayoutConfig | None = None) -> None:
        rate = config.sample_rate if config is not None else 48000
        self.inner = self.module.PlayoutBuffer(self.module.PlayoutConfig(sample_rate=rate))
        self.config = self.inner.config

    def push(self, samples: npt.ArrayLike, timestamp: int | None = None, **made: bool) -> None:
        self.inner.push(samples)

    def pull_into(self, out: npt.NDArray[np.int16]) -> None:
        self.inner.pull_into(out)

    def stats(self) -> Any:
        return self.inner.stats()

    @property
    def fill(self) -> int:
        return int(self.inner.fill)


speakers: list[Any] = []


class SpiedSpeaker(audio_io.SpeakerSink):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        speakers.append(self)


def use(variant: str) -> None:
    audio_io.PlayoutBuffer = OldPlayout if variant == "old" else PlayoutBuffer
    jitter = {
        "old": OLD_JITTER,
        "reorder": JitterConfig(reorder_memoryless=True),
    }.get(variant, JitterConfig())

    def config(codecs: tuple[str, ...], **_: Any) -> MediaConfig:
        return MediaConfig(codecs=codecs, jitter=jitter)  # this variant's, whatever is asked

    cq.MediaConfig = config


def counters(variant: str) -> str:
    s = speakers[-1].stats()
    ms = 1000 / s.sample_rate
    text = (
        f"underruns {s.underruns}, concealed {s.concealed * ms:.0f} ms,"
        f" discarded {s.dropped * ms:.0f} ms"
    )
    if variant != "old":
        text += f", stretched +{s.inserted * ms:.0f}/-{s.removed * ms:.0f} ms"
        text += f", target {s.target_ms:.0f} ms, late {s.late}, lost {s.lost * ms:.0f} ms"
    return text


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--codec", default="PCMA/8000")
    parser.add_argument("--cases", default="", help="';'-separated substrings of case names")
    parser.add_argument("--old-rev", default=rp.OLD_REV)
    parser.add_argument("--variants", default="old,reorder,new")
    args = parser.parse_args()
    OldPlayout.module = rp.load_old(args.old_rev)
    cq.SpeakerSink = SpiedSpeaker
    chosen = cq.cases((args.codec,))
    if args.cases:
        keys = [k.strip() for k in args.cases.split(";")]
        chosen = [c for c in chosen if any(k in c.name for k in keys)]
    material = {lang: speech.speech(lang) for lang in ("en", "ru")}
    print("| case | path | PESQ | one-way ms | decoded PESQ | speaker buffer |")
    print("|---|---|---|---|---|---|")
    for case in chosen:
        for call in range(args.calls):
            reference = material["en" if call % 2 == 0 else "ru"]
            for variant in args.variants.split(","):
                use(variant)
                played, decoded = await cq.phone_call(case, reference, seed=call + 1)
                print(
                    f"| {case.name} | {variant} | {played.pesq:.2f} | {played.delay_ms:.0f}"
                    f" | {decoded.pesq:.2f} | {counters(variant)} |",
                    flush=True,
                )


if __name__ == "__main__":
    with loopback_ice():
        asyncio.run(main())
