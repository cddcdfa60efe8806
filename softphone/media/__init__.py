"""softphone.media

Every import of aiortc goes through this package, so this is where its
dependencies' rarely used modules are kept out (``softphone.imports``):
aioice imports dnspython (~45 modules, ~2.5 MiB kept all day) only to
resolve mDNS candidates (``name.local``, which browsers send instead of
their local address). Our calls go to the platform's media gateway, which
sends addresses, but a peer may still send one; so dnspython is not hidden
but loaded on first use: at the first ``.local`` candidate the app meets.
aioice's module needs ``dns.rdataclass`` at import, which stays eager.

aiortc's SRTP runs on our ``media/srtp.py`` instead of pylibsrtp, whose
binding carries libsrtp and a third copy of OpenSSL (~4 MiB resident in a
call): ``import pylibsrtp`` in aiortc binds ours, and the binding is never
loaded. pylibsrtp stays installed (aiortc requires it) and is the
reference of tests/media/test_srtp_libsrtp.py.
"""

from softphone.imports import loaded_on_first_use, standing_in_for

DNS_FOR_MDNS = (
    "dns.flags",
    "dns.message",
    "dns.name",
    "dns.rdata",
    "dns.rdataset",
    "dns.rdatatype",
    "dns.zone",
)
"""The dnspython modules aioice's ``mdns`` imports and uses only inside its functions."""

loaded_on_first_use(DNS_FOR_MDNS)
standing_in_for("pylibsrtp", "softphone.media.srtp")
