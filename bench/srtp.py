"""SRTP cost per packet: ours (``softphone/media/srtp.py``) against libsrtp (pylibsrtp), same run.

A call protects 50 RTP packets a second and unprotects 50 (20 ms frames),
plus a few RTCP; the target is the whole SRTP cost of a call under 0.3 % of
one core. Measured for a 172-byte RTP packet (PCMA, 20 ms: 12-byte header
and 160 bytes of audio) and a 100-byte Opus packet, per profile: microseconds
per call of ``protect``/``unprotect``, the minimum over repeats of the
median of batches (process time), and what 50 protect + 50 unprotect a
second cost of one core.

    python3 bench/srtp.py [--packets 2000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from softphone.media import srtp
from tests.media.srtp_packets import libsrtp

PROFILES = {
    "AES128_CM_SHA1_80": (srtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80, 30),
    "AEAD_AES_128_GCM": (srtp.Policy.SRTP_PROFILE_AEAD_AES_128_GCM, 28),
    "AEAD_AES_256_GCM": (srtp.Policy.SRTP_PROFILE_AEAD_AES_256_GCM, 44),
}
PACKETS = {"PCMA 172 B": 160, "Opus 100 B": 88}  # payload after the 12-byte header
PER_SECOND = 50


def packets(count: int, payload: int) -> list[bytes]:
    rnd = random.Random(payload)
    return [
        bytes((0x80, 8))
        + (seq % 65536).to_bytes(2, "big")
        + bytes(4)
        + b"\x00\x00\x30\x39"
        + rnd.randbytes(payload)
        for seq in range(count)
    ]


def sessions(module: object, profile: str) -> tuple[object, object]:
    number, length = PROFILES[profile]
    key = random.Random(1).randbytes(length)
    made = []
    for ssrc_type in (module.Policy.SSRC_ANY_OUTBOUND, module.Policy.SSRC_ANY_INBOUND):  # type: ignore[attr-defined]
        policy = module.Policy(key=key, ssrc_type=ssrc_type, srtp_profile=number)  # type: ignore[attr-defined]
        policy.allow_repeat_tx, policy.window_size = True, 1024
        made.append(module.Session(policy))  # type: ignore[attr-defined]
    return made[0], made[1]


def per_packet(
    module: object, profile: str, plain: list[bytes], repeats: int
) -> tuple[float, float]:
    """µs per protect and per unprotect: fresh sessions each repeat (no replay refusals)."""
    protect_times, unprotect_times = [], []
    for _ in range(repeats):
        sender, receiver = sessions(module, profile)
        start = time.process_time()
        sealed = [sender.protect(p) for p in plain]  # type: ignore[attr-defined]
        middle = time.process_time()
        for packet in sealed:
            receiver.unprotect(packet)  # type: ignore[attr-defined]
        end = time.process_time()
        protect_times.append((middle - start) / len(plain) * 1e6)
        unprotect_times.append((end - middle) / len(plain) * 1e6)
    return min(protect_times), min(unprotect_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packets", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    reference = libsrtp()
    columns = ("profile", "packet", "", "protect µs", "unprotect µs", "call CPU")
    print("{:18} {:11} {:8} {:>10} {:>12} {:>9}".format(*columns))
    for profile in PROFILES:
        for name, payload in PACKETS.items():
            plain = packets(args.packets, payload)
            for label, module in (("ours", srtp), ("libsrtp", reference)):
                protect, unprotect = per_packet(module, profile, plain, args.repeats)
                share = (protect + unprotect) * PER_SECOND / 1e6 * 100
                figures = f"{protect:10.1f} {unprotect:12.1f} {share:8.3f}%"
                print(f"{profile:18} {name:11} {label:8} {figures}")
    print(
        f"(call CPU: {PER_SECOND} protect + {PER_SECOND} unprotect a second, share of one core;"
        f" min of {args.repeats} runs of {args.packets} packets, process time)"
    )


if __name__ == "__main__":
    main()
