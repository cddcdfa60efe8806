"""Screen pop: open the customer's card in the CRM when a call arrives.

Mediatel names the card in ``crmConnectTarget`` (automatic calls) or inside
a ``webServer`` ``javascript:window.external.CRMNavigate('...')`` string.
Only http(s) URLs are ever opened: the value comes from the network, and a
``javascript:`` or ``file:`` URL handed to the browser would run or read
whatever the sender chose. Each call pops at most once per URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from softphone.net.mediatel import AgentState, crm_navigate_url

log = logging.getLogger(__name__)


def open_in_browser(url: str) -> bool:
    """``webbrowser.open``, imported at the first screen pop (most agents' CRMs have none)."""
    import webbrowser

    return webbrowser.open(url)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is a well-formed http(s) URL with a host, else None."""
    if not url:
        return None
    url = url.strip()
    if any(ord(ch) < 0x21 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def pop_urls(agent: AgentState) -> list[str]:
    """The safe URLs this snapshot asks to open, in order, without repeats."""
    out: list[str] = []
    for candidate in (agent.crm_connect_target, crm_navigate_url(agent.web_server)):
        url = safe_url(candidate)
        if url is not None and url not in out:
            out.append(url)
    return out


class ScreenPop:
    def __init__(self, opener: Callable[[str], object], *, enabled: bool = True) -> None:
        self.opener = opener
        self.enabled = enabled
        self._opened: set[tuple[str, str]] = set()

    def on_call(self, call_id: str, agent: AgentState) -> list[str]:
        """Open what ``agent`` names for call ``call_id``; returns the URLs opened now."""
        if not self.enabled:
            return []
        opened = []
        for url in pop_urls(agent):
            if (call_id, url) in self._opened:
                continue
            self._opened.add((call_id, url))
            try:
                self.opener(url)
            except Exception as exc:  # a missing browser must not disturb the call
                log.warning("could not open %s: %s", url, exc)
                continue
            opened.append(url)
        return opened

    def forget(self, call_id: str) -> None:
        self._opened = {k for k in self._opened if k[0] != call_id}
