"""The two SRTP transforms on the ``cryptography`` and ``hashlib`` already loaded.

* AES counter mode with an HMAC-SHA1 tag (RFC 3711 §4.1.1, §4.2.1): the tag
  covers the header, the ciphertext and the ROC (RTP) or the E flag and
  SRTCP index (RTCP); it is checked, in constant time, before anything is
  decrypted.
* AES-GCM (RFC 7714): the header (RTCP: header, E flag and index) is the
  associated data; ``AESGCM.decrypt`` returns nothing unless the tag holds.

A transform knows nothing of streams or replay; ``media/srtp.py`` gives it
the SSRC and the packet index, and turns ``Forged`` into libsrtp's error.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from softphone.media.srtp_keys import Profile, SessionKeys

RTCP_HEADER = 8
SRTCP_E_FLAG = 0x80000000


class Forged(Exception):
    """The packet's tag does not match: altered, or not protected with our keys."""


_COUNTERS = bytes(range(128))
"""The last byte of the counter blocks of one packet (at most 1,500 bytes: 94 blocks)."""


def block_cipher(key: bytes) -> CipherContext:
    """AES on single blocks, made once per key: ``aes_cm`` builds the counter blocks itself.

    A ``modes.CTR`` cipher fixes its IV when made, and making one per packet
    costs ~20 µs (three times all the rest of a packet's work).
    """
    return Cipher(algorithms.AES(key), modes.ECB()).encryptor()


def aes_cm(aes: CipherContext, iv: int, data: bytes) -> bytes:
    """``data`` XOR the AES-CM keystream from ``iv`` (RFC 3711 §4.1.1).

    SRTP's IV has 16 zero bits at the end (salt, SSRC and index are shifted
    by 2^16), so the block counter never carries into the rest of the IV.
    """
    if not data:
        return b""
    count = (len(data) + 15) >> 4
    blocks = bytearray(iv.to_bytes(16, "big") * count)
    blocks[15::16] = _COUNTERS[:count]
    keystream = aes.update(blocks)[: len(data)]
    mixed = int.from_bytes(data, "little") ^ int.from_bytes(keystream, "little")
    return mixed.to_bytes(len(data), "little")


class HmacSha1:
    """HMAC-SHA1 with the key's padded inner and outer hashes made once (RFC 2104)."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        padded = key.ljust(64, b"\0")
        self._inner = hashlib.sha1(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha1(bytes(b ^ 0x5C for b in padded))

    def tag(self, message: bytes, length: int) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()[:length]


class CounterModeHmac:
    """AES-CM with HMAC-SHA1 (``SRTP_AES128_CM_SHA1_80``/``_32``)."""

    __slots__ = (
        "_rtcp_aes",
        "_rtcp_auth",
        "_rtcp_salt",
        "_rtp_aes",
        "_rtp_auth",
        "_rtp_salt",
        "rtcp_tag_length",
        "rtp_tag_length",
    )
    aead = False
    """The SRTCP index comes before the tag."""

    def __init__(self, profile: Profile, keys: SessionKeys) -> None:
        self._rtp_aes = block_cipher(keys.rtp_key)
        self._rtp_salt = int.from_bytes(keys.rtp_salt, "big") << 16
        self._rtp_auth = HmacSha1(keys.rtp_auth)
        self._rtcp_aes = block_cipher(keys.rtcp_key)
        self._rtcp_salt = int.from_bytes(keys.rtcp_salt, "big") << 16
        self._rtcp_auth = HmacSha1(keys.rtcp_auth)
        self.rtp_tag_length = profile.rtp_tag_length
        self.rtcp_tag_length = profile.rtcp_tag_length

    # The IV of each packet: salt·2^16 ⊕ SSRC·2^64 ⊕ index·2^16 (the salts are stored shifted).

    def seal_rtp(self, header: bytes, payload: bytes, ssrc: int, index: int) -> bytes:
        iv = self._rtp_salt ^ (ssrc << 64) ^ (index << 16)
        sealed = header + aes_cm(self._rtp_aes, iv, payload)
        roc = (index >> 16).to_bytes(4, "big")
        return sealed + self._rtp_auth.tag(sealed + roc, self.rtp_tag_length)

    def open_rtp(self, packet: bytes, header_length: int, ssrc: int, index: int) -> bytes:
        end = len(packet) - self.rtp_tag_length
        roc = (index >> 16).to_bytes(4, "big")
        expected = self._rtp_auth.tag(packet[:end] + roc, self.rtp_tag_length)
        if not hmac.compare_digest(expected, packet[end:]):
            raise Forged
        iv = self._rtp_salt ^ (ssrc << 64) ^ (index << 16)
        return packet[:header_length] + aes_cm(self._rtp_aes, iv, packet[header_length:end])

    def seal_rtcp(self, packet: bytes, ssrc: int, index: int) -> bytes:
        iv = self._rtcp_salt ^ (ssrc << 64) ^ (index << 16)
        body = aes_cm(self._rtcp_aes, iv, packet[RTCP_HEADER:])
        sealed = packet[:RTCP_HEADER] + body + (SRTCP_E_FLAG | index).to_bytes(4, "big")
        return sealed + self._rtcp_auth.tag(sealed, self.rtcp_tag_length)

    def open_rtcp(self, packet: bytes, ssrc: int, index: int) -> bytes:
        end = len(packet) - self.rtcp_tag_length
        expected = self._rtcp_auth.tag(packet[:end], self.rtcp_tag_length)
        if not hmac.compare_digest(expected, packet[end:]):
            raise Forged
        iv = self._rtcp_salt ^ (ssrc << 64) ^ (index << 16)
        return packet[:RTCP_HEADER] + aes_cm(self._rtcp_aes, iv, packet[RTCP_HEADER : end - 4])


class Gcm:
    """AES-GCM with a 16-byte tag (``SRTP_AEAD_AES_128_GCM``/``_256_GCM``, RFC 7714)."""

    __slots__ = ("_rtcp", "_rtcp_salt", "_rtp", "_rtp_salt", "rtcp_tag_length", "rtp_tag_length")
    aead = True
    """The SRTCP index comes last, after the tag (RFC 7714 §9)."""

    def __init__(self, profile: Profile, keys: SessionKeys) -> None:
        self._rtp = AESGCM(keys.rtp_key)
        self._rtp_salt = int.from_bytes(keys.rtp_salt, "big")
        self._rtcp = AESGCM(keys.rtcp_key)
        self._rtcp_salt = int.from_bytes(keys.rtcp_salt, "big")
        self.rtp_tag_length = profile.rtp_tag_length
        self.rtcp_tag_length = profile.rtcp_tag_length

    @staticmethod
    def _iv(salt: int, ssrc: int, index: int) -> bytes:
        """RFC 7714 §8.1 and §9.1: 00 00 ‖ SSRC ‖ ROC ‖ SEQ (RTCP: 00 00 ‖ index) ⊕ salt."""
        return (salt ^ (ssrc << 48) ^ index).to_bytes(12, "big")

    def seal_rtp(self, header: bytes, payload: bytes, ssrc: int, index: int) -> bytes:
        return header + self._rtp.encrypt(self._iv(self._rtp_salt, ssrc, index), payload, header)

    def open_rtp(self, packet: bytes, header_length: int, ssrc: int, index: int) -> bytes:
        header = packet[:header_length]
        iv = self._iv(self._rtp_salt, ssrc, index)
        try:
            return header + self._rtp.decrypt(iv, packet[header_length:], header)
        except InvalidTag:
            raise Forged from None

    def seal_rtcp(self, packet: bytes, ssrc: int, index: int) -> bytes:
        header, trailer = packet[:RTCP_HEADER], (SRTCP_E_FLAG | index).to_bytes(4, "big")
        iv = self._iv(self._rtcp_salt, ssrc, index)
        return header + self._rtcp.encrypt(iv, packet[RTCP_HEADER:], header + trailer) + trailer

    def open_rtcp(self, packet: bytes, ssrc: int, index: int) -> bytes:
        header, trailer = packet[:RTCP_HEADER], packet[-4:]
        if not trailer[0] & 0x80:  # unencrypted SRTCP: never sent by us or a browser
            raise Forged
        iv = self._iv(self._rtcp_salt, ssrc, index)
        try:
            return header + self._rtcp.decrypt(iv, packet[RTCP_HEADER:-4], header + trailer)
        except InvalidTag:
            raise Forged from None


Transform = CounterModeHmac | Gcm


def transform_of(profile: Profile, keys: SessionKeys) -> Transform:
    return Gcm(profile, keys) if profile.aead else CounterModeHmac(profile, keys)
