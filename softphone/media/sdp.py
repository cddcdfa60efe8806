"""Media's SDP helpers, built on THE SDP reader ``softphone.sip.sdp``.

``parse_audio`` is ``sip.sdp.audio_offer`` with the media layer's error
(``SdpError``, which a phone answers with 488). The rest keeps *our* SDP
stable across re-offers, where aiortc would renumber what was negotiated:
the o= line (``SdpOrigin``), RTP header-extension ids (``ExtmapIds``) and
payload types (``PayloadTypes``). They rewrite aiortc's output line by line
and never interpret the far end's SDP.
"""

from __future__ import annotations

from softphone.media.errors import SdpError
from softphone.sip.errors import SipParseError
from softphone.sip.sdp import AudioOffer, audio_offer

__all__ = ["AudioOffer", "ExtmapIds", "PayloadTypes", "SdpOrigin", "parse_audio"]


def parse_audio(sdp: str) -> AudioOffer:
    """Facts from the first ``m=audio`` section; ``SdpError`` when there is none or it is bad."""
    try:
        return audio_offer(sdp)
    except SipParseError as exc:
        raise SdpError(f"unusable SDP: {exc}") from None


class SdpOrigin:
    """Keeps our ``o=`` line as RFC 3264 §5 and §8 require.

    aiortc writes the current NTP second as both the session id and the
    version. The id must stay the same for the whole call, and the version
    must go up by one exactly when our SDP changes. With aiortc's value, a
    hold and an unhold offered within the same second carry the same
    version, and a peer that checks the version (ours does, to tell a
    session refresh from a real change) treats the unhold as "nothing new".
    """

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        self.version = session_id
        self._last_body: list[str] | None = None

    def stamp(self, sdp: str) -> str:
        lines = sdp.splitlines()
        origin = next((i for i, line in enumerate(lines) if line.startswith("o=")), None)
        if origin is None:
            return sdp
        body = lines[:origin] + lines[origin + 1 :]
        if self._last_body is not None and body != self._last_body:
            self.version += 1
        self._last_body = body
        fields = lines[origin][2:].split()
        if len(fields) == 6:
            fields[1], fields[2] = str(self.session_id), str(self.version)
            lines[origin] = "o=" + " ".join(fields)
        return "\r\n".join(lines) + "\r\n"


class ExtmapIds:
    """Keeps RTP header-extension ids stable for the whole call (RFC 8285 §6).

    When aiortc answers, it echoes the offerer's ids; when it later makes a
    re-offer (hold), it numbers the extensions its own way. Chrome refuses a
    re-offer that moves an id to another extension ("RTP extension ID
    reassignment not supported") and the hold fails with 488. So the first
    negotiation's ids are learnt and every later SDP of ours is rewritten to
    them; an extension that was not negotiated then is left out.
    """

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}

    def learn(self, sdp: str) -> None:
        if self._ids:
            return
        for ext_id, uri in _extmaps(sdp):
            self._ids.setdefault(uri, ext_id)

    def apply(self, sdp: str) -> str:
        if not self._ids:
            return sdp
        out: list[str] = []
        for line in sdp.splitlines():
            parsed = _extmap(line)
            if parsed is not None:
                _ext_id, uri, rest = parsed
                if uri not in self._ids:
                    continue
                line = f"a=extmap:{self._ids[uri]}{rest}"
            out.append(line)
        return "\r\n".join(out) + "\r\n"


def _extmap(line: str) -> tuple[str, str, str] | None:
    """``a=extmap:<id>[/<dir>] <uri> [attrs]`` -> (id, uri, text after the id)."""
    if not line.startswith("a=extmap:"):
        return None
    value = line[len("a=extmap:") :]
    head, _, tail = value.partition(" ")
    ext_id, slash, direction = head.partition("/")
    uri = tail.split(" ", 1)[0]
    if not ext_id.isdigit() or not uri:
        return None
    return ext_id, uri, (f"/{direction}" if slash else "") + " " + tail


def _extmaps(sdp: str) -> list[tuple[str, str]]:
    return [(p[0], p[1]) for line in sdp.splitlines() if (p := _extmap(line)) is not None]


class PayloadTypes:
    """Keeps RTP payload-type numbers stable for the whole call (RFC 3264 §8.3.2).

    Same story as :class:`ExtmapIds`: aiortc numbers codecs its own way when
    it re-offers (opus 96 where Chrome had offered 111), while its RTP sender
    keeps the number fixed at the first negotiation — the far end then
    drops every packet after an unhold. Our later SDP is rewritten to the
    first negotiation's numbers; a codec that was not part of it is left out.
    """

    def __init__(self) -> None:
        self._pt: dict[tuple[str, str], str] = {}

    def learn(self, sdp: str) -> None:
        if self._pt:
            return
        for pt, key in _rtpmaps(sdp):
            self._pt.setdefault(key, pt)

    def apply(self, sdp: str) -> str:
        if not self._pt:
            return sdp
        remap = {pt: self._pt[key] for pt, key in _rtpmaps(sdp) if key in self._pt}
        out: list[str] = []
        for line in sdp.splitlines():
            if line.startswith("m="):
                fields = line.split(" ")
                formats = [remap[f] for f in fields[3:] if f in remap]
                line = " ".join(fields[:3] + formats)
            else:
                for prefix in ("a=rtpmap:", "a=fmtp:", "a=rtcp-fb:"):
                    if line.startswith(prefix):
                        pt, _, rest = line[len(prefix) :].partition(" ")
                        line = "" if pt not in remap else f"{prefix}{remap[pt]} {rest}"
                        break
                if not line:
                    continue
            out.append(line)
        return "\r\n".join(out) + "\r\n"


def _rtpmaps(sdp: str) -> list[tuple[str, tuple[str, str]]]:
    """(payload type, (encoding name lower-cased, "rate[/channels]")) per rtpmap."""
    found = []
    for line in sdp.splitlines():
        if line.startswith("a=rtpmap:"):
            pt, _, encoding = line[len("a=rtpmap:") :].partition(" ")
            name, _, rest = encoding.strip().partition("/")
            if pt.isdigit() and name:
                found.append((pt, (name.lower(), rest)))
    return found
