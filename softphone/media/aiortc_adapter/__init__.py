"""Every use of aiortc's private names, in one package.

aiortc has no hooks for what a phone needs (cheap per-frame work, a
low-latency receive path, RFC 4733 events, one RTP marker per talkspurt),
so we change a few of its internals. Nothing outside this package touches
an aiortc name that starts with an underscore, or replaces anything in an
aiortc module.

* ``support`` — the table of ``Piece``s (what we change, the private names
  it needs, what happens without it) and ``check``/``verify``, which look
  for each name on the installed aiortc's real objects;
* ``codecs`` — the numpy audio level, mono voice Opus (``OpusConfig``; received
  through libopus's own decoder when it loads, with its PLC and FEC for lost
  packets: ``media/opus_native.py``, ``opus_receive.py``), and the codec table;
* ``inline`` — encoding and decoding on the event loop, not in threads;
* ``receive`` — the reorder buffer and telephone-event tap on the receiver;
* ``send`` — the talkspurt marker and DTMF rewriting on the sent packets;
* ``ice`` — ends aioice's consent-check task with the call (a close racing
  ICE completion otherwise leaves one running);
* ``attach`` — applies the above to one call's transceiver, each piece only
  if the installed aiortc has its names; a missing piece falls back to
  aiortc's own behaviour with one warning naming what is missing.

Moving the pins (``aiortc`` and ``av`` in pyproject.toml, today
``aiortc>=1.16,<1.17`` and ``av>=18.1,<19`` — 1.16.0 with av 18.1.0 tested):
install the new versions, then

1. ``python3 -c 'import asyncio; from softphone.media.aiortc_adapter import verify;
   print(asyncio.run(verify()))'`` must print no missing piece; for one that is missing,
   find where aiortc moved it and update ``support`` and the piece's module;
2. ``tests/media/test_aiortc_adapter.py`` checks on a real in-process call that
   each piece is in the path (not only that the names exist) and that the
   marker bit is right on the wire; ``tests/media/test_session.py`` and
   ``tests/media/test_dtmf.py`` must pass too;
3. re-read aiortc's ``RTCRtpSender._run_rtp`` / ``_next_encoded_frame`` and
   ``RTCRtpReceiver._handle_rtp_packet`` / ``decoder_worker`` for changed
   semantics that names alone do not show (what is put on the decoder
   queue, where the marker is set, whether the audio payload is still
   depayloaded unchanged);
4. ``bench/answer_latency.py`` must not show more CPU than before.
"""

from softphone.media.aiortc_adapter.attach import Attachment, attach
from softphone.media.aiortc_adapter.codecs import (
    add_audio_codecs,
    configure_opus,
    install_codecs,
    stock_codecs,
)
from softphone.media.aiortc_adapter.support import PIECES, Piece, Support, check, verify

__all__ = [
    "PIECES",
    "Attachment",
    "Piece",
    "Support",
    "add_audio_codecs",
    "attach",
    "check",
    "configure_opus",
    "install_codecs",
    "stock_codecs",
    "verify",
]
