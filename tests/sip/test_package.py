"""The SIP core stays standard-library only (the sans-IO contract)."""

from __future__ import annotations

import subprocess
import sys


def test_import_loads_no_third_party_module() -> None:
    probe = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import softphone.sip, softphone.sip.ua, softphone.sip.auth, softphone.sip.sdp,"
        " softphone.sip.body\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "foreign = sorted(m for m in new if m not in sys.stdlib_module_names"
        " and m != 'softphone')\n"
        "print(','.join(foreign))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"softphone.sip imported third-party modules: {out}"
