"""The Linux bundle and its .deb, built and run as an admin would install them.

Slow (PyInstaller takes minutes), so the bundle is built once per run; the
tests then look at the installed files, not at the source tree: a hidden
import the frozen app lost shows up here and nowhere else.
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import CodeType

import pytest

import softphone
from tests.peers.fixtures import unavailable
from tests.peers.keyring_session import in_keyring_session, keyring_home, missing_tools

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or shutil.which("dpkg-deb") is None,
        reason="the .deb is built on Debian/Ubuntu",
    ),
    # The first test pays for the build (minutes on two cores).
    pytest.mark.timeout(1500),
]


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the bundle and the .deb, and install the .deb into a throwaway root."""
    work = tmp_path_factory.mktemp("bundle")
    dist = work / "dist"
    subprocess.run(
        ["bash", "scripts/build_bundle.sh", "--dist", str(dist), "--work", str(work / "build")],
        cwd=ROOT,
        check=True,
        timeout=1200,
    )
    debs = sorted(dist.glob("softphone_*.deb"))
    assert len(debs) == 1, f"expected one .deb in {dist}, found {debs}"
    root = work / "root"
    subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(root)], check=True)
    return root


def run_installed(
    root: Path,
    *args: str,
    timeout: float = 120,
    wrap: Callable[[list[str]], list[str]] = list,
    **extra: str,
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return subprocess.run(
        wrap([str(root / "opt/softphone/softphone"), *args]),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=root,  # not the source tree: nothing may be imported from it
    )


def test_installed_command_reports_its_version(installed: Path) -> None:
    result = run_installed(installed, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"softphone {softphone.__version__}"


def test_the_command_on_the_path_points_into_the_bundle(installed: Path) -> None:
    link = installed / "usr/bin/softphone"
    assert link.is_symlink()
    assert os.readlink(link) == "/opt/softphone/softphone"


def test_the_desktop_entry_opens_tel_and_sip_links(installed: Path) -> None:
    path = installed / "usr/share/applications/softphone.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(path)
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == "softphone %u"
    assert set(desktop["MimeType"].strip(";").split(";")) == {
        "x-scheme-handler/tel",
        "x-scheme-handler/sip",
    }
    icon = installed / "usr/share/icons/hicolor/scalable/apps/softphone.svg"
    assert icon.read_text().startswith("<svg")
    assert (installed / "usr/share/icons/hicolor/256x256/apps/softphone.png").stat().st_size > 1000
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_the_bundle_runs_python_without_docstrings(installed: Path) -> None:
    """Optimize level 2 (packaging/softphone.spec): the bytecode has no docstrings and the
    bootloader starts Python with -OO, so none are compiled at run time either (~5 MiB)."""
    from PyInstaller.archive.readers import CArchiveReader

    import softphone.logs

    executable = CArchiveReader(str(installed / "opt/softphone/softphone"))
    assert executable.options.count("O") == 2, executable.options
    code = executable.open_embedded_archive("PYZ.pyz").extract("softphone.logs")
    assert softphone.logs.__doc__ is not None  # the tests run at level 0
    assert softphone.logs.__doc__ not in code.co_consts


def test_the_bundle_runs_bytecode_without_column_positions(installed: Path) -> None:
    """Compiled without PEP 657 column positions, and run so (``-X no_debug_ranges``):
    smaller code objects for an app open all day; tracebacks keep their line numbers."""
    from PyInstaller.archive.readers import CArchiveReader

    executable = CArchiveReader(str(installed / "opt/softphone/softphone"))
    assert "X no_debug_ranges" in executable.options, executable.options
    code = executable.open_embedded_archive("PYZ.pyz").extract("softphone.logs")
    positions = [p for c in _code_objects(code) for p in c.co_positions()]
    assert positions and all(p[2] is None for p in positions)
    assert any(p[0] for p in positions)  # line numbers stay


def _code_objects(code: CodeType) -> list[CodeType]:
    nested = [c for c in code.co_consts if isinstance(c, CodeType)]
    return [code, *(inner for c in nested for inner in _code_objects(c))]


BUNDLED_PORTAUDIO = "opt/softphone/_internal/libportaudio.so.2"


def test_the_bundled_portaudio_is_built_for_alsa_without_jack(installed: Path) -> None:
    """scripts/build_portaudio.sh: Debian's libportaudio2 links JACK, and JACK Berkeley DB
    (~2 MiB resident in a call); an agent's audio goes through ALSA."""
    needed = dynamic_needs(installed / BUNDLED_PORTAUDIO)
    assert "libasound.so.2" in needed
    assert not [name for name in needed if "jack" in name], needed
    internal = installed / "opt/softphone/_internal"
    assert not [*internal.glob("libjack*"), *internal.glob("libdb-*")]


def dynamic_needs(library: Path) -> list[str]:
    """The DT_NEEDED entries of an ELF library: what the loader loads with it."""
    dynamic = subprocess.run(
        ["readelf", "--dynamic", str(library)], capture_output=True, text=True, check=True
    )
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic.stdout)


def portaudio_loaded(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The libportaudio files the loader initialised, from its ``LD_DEBUG=libs`` trace."""
    return re.findall(r"calling init: (\S*libportaudio\S*)", result.stderr)


def test_the_installed_app_loads_its_own_portaudio(installed: Path) -> None:
    """Not the system's libportaudio2, which this machine has too (scripts/install-deps.sh)."""
    result = run_installed(installed, "devices", LD_DEBUG="libs")
    assert result.returncode == 0, result.stderr[-2000:]
    assert portaudio_loaded(result) == [str(installed / BUNDLED_PORTAUDIO)]
    assert "Traceback" not in result.stderr


def test_the_installed_app_lists_devices_on_a_pc_without_portaudio(
    installed: Path, tmp_path: Path
) -> None:
    """An agent's PC need not have libportaudio2: the system's is hidden from the app
    (an empty file over it and a loader cache without it, in a private mount namespace)."""
    system = sorted(
        {p.resolve() for p in Path("/usr/lib").glob("**/libportaudio.so*") if p.is_file()}
    )
    if subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode:
        pytest.skip("hiding the system's PortAudio needs a mount namespace (root)")
    hide = "".join(f"mount --bind /dev/null {shlex.quote(str(path))}; " for path in system)
    cache = shlex.quote(str(tmp_path / "ld.so.cache"))
    script = f'set -e; {hide}ldconfig -C {cache}; mount --bind {cache} /etc/ld.so.cache; exec "$@"'

    def without_system_portaudio(command: list[str]) -> list[str]:
        return ["unshare", "--mount", "sh", "-c", script, "sh", *command]

    result = run_installed(installed, "devices", LD_DEBUG="libs", wrap=without_system_portaudio)
    assert result.returncode == 0, result.stderr[-2000:]
    assert portaudio_loaded(result) == [str(installed / BUNDLED_PORTAUDIO)]


def test_installed_self_test_passes(installed: Path, tmp_path: Path) -> None:
    """The frozen core signs in to its own simulator, calls with audio both ways, and finds
    the keyring (a real Secret Service) and its resources: what a lost hidden import breaks."""
    missing = missing_tools()
    if missing:
        unavailable(f"{', '.join(missing)} not installed (scripts/install-deps.sh)")
    result = run_installed(
        installed, "--self-test", timeout=180, wrap=in_keyring_session, **keyring_home(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("All checks passed."), result.stdout
    assert "✓ audio: the customer hears the agent" in result.stdout
    # the call's SRTP ran on softphone/media/srtp.py: pylibsrtp is not in the bundle
    assert not list((installed / "opt/softphone/_internal").glob("pylibsrtp*"))
    # through secretstorage itself, as the app reads the agent's password (core/secret_store.py)
    assert "✓ keyring: stores, reads and deletes passwords (Secret Service (direct))" in (
        result.stdout
    )
    # livekit's native library, found in the bundle without livekit.rtc (media/apm_native.py)
    assert "✓ microphone processing: WebRTC noise suppression (native)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_installed_demo_opens_its_window_signed_in(installed: Path, tmp_path: Path) -> None:
    """Qt's platform plugins, icons and the simulator, frozen: the demo reaches the window."""
    if shutil.which("Xvfb") is None:
        unavailable("Xvfb is not installed (scripts/install-deps.sh)")
    from tests.peers.xvfb import xvfb

    with xvfb() as display:
        result = run_installed(
            installed,
            "--demo",
            QT_QPA_PLATFORM="xcb",
            DISPLAY=display,
            SOFTPHONE_DEMO_EXIT="signed-in",
            HOME=str(tmp_path),
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Demo window: Available" in result.stdout, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
