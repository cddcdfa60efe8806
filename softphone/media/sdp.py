"""What the media layer needs to know from a remote SDP, read without aiortc.

aiortc's parser keeps only media-level direction attributes and raises bare
``ValueError``/``KeyError``/``IndexError`` on garbage. These helpers read
the few facts the session acts on (the audio section's direction including
session-level defaults and the old ``c=0.0.0.0`` hold, and the offered
codecs) and turn malformed input into ``SdpError``.
"""

from __future__ import annotations

from dataclasses import dataclass

from softphone.media.errors import SdpError

DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
_STATIC_CODECS = {0: ("PCMU", 8000), 8: ("PCMA", 8000), 9: ("G722", 8000)}


@dataclass(frozen=True)
class AudioOffer:
    """The first audio section of an SDP body."""

    direction: str  # as the remote wrote it (its view): sendonly = it sends, we only receive
    zero_address: bool  # c=0.0.0.0, RFC 2543 hold
    codecs: tuple[tuple[str, int, int], ...]  # (name, clock rate, payload type), in SDP order

    @property
    def is_hold(self) -> bool:
        """The remote puts us on hold: it will not receive our audio (RFC 3264 section 8.4)."""
        return self.direction in ("sendonly", "inactive") or self.zero_address


def parse_audio(sdp: str) -> AudioOffer:
    """Facts from the first ``m=audio`` section; ``SdpError`` when there is none or it is bad."""
    if not isinstance(sdp, str) or not sdp.strip():
        raise SdpError("empty SDP")
    lines = [line.strip() for line in sdp.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines[0].startswith("v="):
        raise SdpError(f"SDP must start with v=, got {lines[0][:40]!r}")
    session_direction = "sendrecv"
    session_zero = False
    section: list[str] | None = None
    sections: list[list[str]] = []
    for line in lines:
        if len(line) < 2 or line[1] != "=":
            raise SdpError(f"malformed SDP line {line[:60]!r}")
        if line.startswith("m="):
            section = [line]
            sections.append(section)
        elif section is not None:
            section.append(line)
        elif line[2:] in DIRECTIONS:
            session_direction = line[2:]
        elif line.startswith("c="):
            session_zero = _zero_address(line)
    audio = next((s for s in sections if s[0].startswith("m=audio ")), None)
    if audio is None:
        raise SdpError("SDP has no audio section")
    fields = audio[0][2:].split()
    if len(fields) < 4:
        raise SdpError(f"malformed media line {audio[0]!r}")
    if fields[1] == "0":
        raise SdpError("the audio section is rejected (port 0)")
    try:
        formats = [int(f) for f in fields[3:]]
    except ValueError:
        raise SdpError(f"non-numeric payload type in {audio[0]!r}") from None
    direction, zero = session_direction, session_zero
    rtpmap: dict[int, tuple[str, int]] = {}
    for line in audio[1:]:
        if line[2:] in DIRECTIONS:
            direction = line[2:]
        elif line.startswith("c="):
            zero = _zero_address(line)
        elif line.startswith("a=rtpmap:"):
            try:
                number, encoding = line[len("a=rtpmap:") :].split(None, 1)
                name, rate = encoding.split("/")[:2]
                rtpmap[int(number)] = (name, int(rate))
            except ValueError:
                raise SdpError(f"malformed rtpmap {line!r}") from None
    codecs = []
    for pt in formats:
        known = rtpmap.get(pt) or _STATIC_CODECS.get(pt)
        if known is not None:
            codecs.append((known[0], known[1], pt))
    return AudioOffer(direction=direction, zero_address=zero, codecs=tuple(codecs))


def _zero_address(line: str) -> bool:
    parts = line[2:].split()
    return len(parts) >= 3 and parts[2].split("/")[0] in ("0.0.0.0", "::")


def as_answer(offer: str, *, we_are_dtls_client: bool) -> str:
    """The far end's old offer, read as an answer to an offer of ours.

    Only for MediaSession.rollback(): the session it describes is already
    in use, so only what an answer may not say changes — ``a=setup:actpass``
    becomes the DTLS role the far end already has (RFC 5763 §5).
    """
    role = "passive" if we_are_dtls_client else "active"
    return offer.replace("a=setup:actpass", f"a=setup:{role}")


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
