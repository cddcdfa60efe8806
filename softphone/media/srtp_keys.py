"""SRTP profiles and session keys (RFC 3711 §4.3, RFC 7714 §11-12), for ``media/srtp.py``.

DTLS-SRTP hands each direction one master key and salt; every packet is
protected with session keys derived from them by the AES-CM pseudo-random
function. Only key derivation rate 0 is used in WebRTC (RFC 5764 §4.1.2),
so the keys are derived once, when a session is created.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


@dataclass(frozen=True)
class Profile:
    """One SRTP protection profile: its libsrtp number and the lengths it uses, in bytes."""

    number: int
    """libsrtp's ``srtp_profile_t`` value, which aiortc passes as ``srtp_profile``."""
    key_length: int
    salt_length: int
    rtp_tag_length: int
    rtcp_tag_length: int
    aead: bool
    """AES-GCM (RFC 7714): the cipher authenticates; otherwise AES-CM with HMAC-SHA1."""

    @property
    def master_length(self) -> int:
        """How many bytes of master key and salt a policy needs."""
        return self.key_length + self.salt_length


AES128_CM_SHA1_80 = Profile(1, 16, 14, 10, 10, aead=False)
AES128_CM_SHA1_32 = Profile(2, 16, 14, 4, 10, aead=False)  # SRTCP keeps 80 bits (RFC 5764 §4.1.2)
AEAD_AES_128_GCM = Profile(7, 16, 12, 16, 16, aead=True)
AEAD_AES_256_GCM = Profile(8, 32, 12, 16, 16, aead=True)
PROFILES = {
    p.number: p for p in (AES128_CM_SHA1_80, AES128_CM_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM)
}

HMAC_SHA1_KEY_LENGTH = 20


class Label:
    """The key derivation labels of RFC 3711 §4.3.1 (RFC 7714 §12 uses the same)."""

    RTP_ENCRYPTION = 0
    RTP_AUTHENTICATION = 1
    RTP_SALT = 2
    RTCP_ENCRYPTION = 3
    RTCP_AUTHENTICATION = 4
    RTCP_SALT = 5


def derive(master_key: bytes, master_salt: bytes, label: int, length: int) -> bytes:
    """``length`` bytes of the AES-CM PRF for ``label`` at index 0 (RFC 3711 §4.3.1, §4.3.3).

    x = (label || r) XOR master salt, with r = 0 (key derivation rate 0), and
    the keystream starts at x·2^16. A 96-bit master salt (AES-GCM) is padded
    with zeros to the 112 bits of the PRF, as RFC 7714 §12 and libsrtp do.
    """
    salt = int.from_bytes(master_salt.ljust(14, b"\0"), "big")
    x = salt ^ (label << 48)
    keystream = Cipher(algorithms.AES(master_key), modes.CTR((x << 16).to_bytes(16, "big")))
    return keystream.encryptor().update(bytes(length))


@dataclass(frozen=True)
class SessionKeys:
    """The six session keys of one master key; never printed (``repr=False``)."""

    rtp_key: bytes = field(repr=False)
    rtp_salt: bytes = field(repr=False)
    rtp_auth: bytes = field(repr=False)
    rtcp_key: bytes = field(repr=False)
    rtcp_salt: bytes = field(repr=False)
    rtcp_auth: bytes = field(repr=False)


def session_keys(profile: Profile, master: bytes) -> SessionKeys:
    """The session keys of ``master`` (master key then master salt, as DTLS-SRTP exports them).

    AES-GCM has no authentication keys (the cipher's own tag is used), so
    theirs are empty.
    """
    key, salt = master[: profile.key_length], master[profile.key_length : profile.master_length]
    auth_length = 0 if profile.aead else HMAC_SHA1_KEY_LENGTH

    def of(label: int, length: int) -> bytes:
        return derive(key, salt, label, length) if length else b""

    return SessionKeys(
        rtp_key=of(Label.RTP_ENCRYPTION, profile.key_length),
        rtp_salt=of(Label.RTP_SALT, profile.salt_length),
        rtp_auth=of(Label.RTP_AUTHENTICATION, auth_length),
        rtcp_key=of(Label.RTCP_ENCRYPTION, profile.key_length),
        rtcp_salt=of(Label.RTCP_SALT, profile.salt_length),
        rtcp_auth=of(Label.RTCP_AUTHENTICATION, auth_length),
    )
