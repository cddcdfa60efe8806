"""A web page in headless Chromium, driven by a list of user steps (``js/browse.mjs``).

For testing pages we ship (``examples/crm.html``) the way a user meets them:
the real browser's WebSocket, Origin header and DOM.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from tests.peers.errors import PeerError, require_binary, require_path
from tests.peers.jssip import CHROMIUM, JS_DIR

log = logging.getLogger("tests.peers.browser")

SCRIPT = JS_DIR / "browse.mjs"
Step = dict[str, Any]


class PageStepFailed(PeerError):
    """A step did not pass; the message has the page's text and console."""


async def browse(url: str, steps: list[Step], timeout: float = 90.0) -> list[dict[str, Any]]:
    """Run ``steps`` on ``url``; returns each step's result (``text`` for text steps)."""
    node = require_binary("node", "nodejs")
    require_path(CHROMIUM, "install the Debian package 'chromium'")
    require_path(
        JS_DIR / "node_modules" / "playwright-core",
        "npm package 'playwright-core' missing: run `cd tests/peers/js && npm ci`",
    )
    proc = await asyncio.create_subprocess_exec(
        node, str(SCRIPT), url, json.dumps(steps), "--chromium", str(CHROMIUM),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise PageStepFailed(f"the browser did not finish {url} in {timeout:g} s") from None
    lines = [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
    console = [line["console"] for line in lines if "console" in line]
    results = [line for line in lines if "step" in line]
    for line in console:
        log.info("page console: %s", line)
    if proc.returncode != 0 or len(results) != len(steps):
        raise PageStepFailed(
            f"page steps failed (exit {proc.returncode}): {results[-1:]}\n"
            f"console: {console}\nstderr: {err.decode()[-2000:]}"
        )
    return results
