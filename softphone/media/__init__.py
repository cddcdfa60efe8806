"""softphone.media

Every import of aiortc goes through this package, so this is where its
dependencies' rarely used modules are kept out (``softphone.imports``):
aioice imports dnspython (~45 modules, ~2.5 MiB kept all day) only to
resolve mDNS candidates (``name.local``, which browsers send instead of
their local address). Our calls go to the platform's media gateway, which
sends addresses, but a peer may still send one; so dnspython is not hidden
but loaded on first use: at the first ``.local`` candidate the app meets.
aioice's module needs ``dns.rdataclass`` at import, which stays eager.
"""

from softphone.imports import loaded_on_first_use

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
