#!/usr/bin/env bash
# Builds the one-folder app bundle with PyInstaller (dist/softphone) and, on
# Debian/Ubuntu, the .deb beside it (dist/softphone_<version>_<arch>.deb).
#   bash scripts/build_bundle.sh [--no-deb] [--dist DIR] [--work DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
DIST=dist
WORK=build
MAKE_DEB=1
while (($#)); do
  case $1 in
    --no-deb) MAKE_DEB=0 ;;
    --dist) DIST=$2; shift ;;
    --work) WORK=$2; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

"$PYTHON" -m pip install -q 'pyinstaller>=6.10,<7' 'pillow>=10'
"$PYTHON" packaging/render_icons.py packaging/icons
# Linux: the bundle's PortAudio is built for ALSA only (once; then reused).
if [[ $(uname -s) == Linux ]]; then
  bash scripts/build_portaudio.sh build/portaudio
fi
# Bytecode without column positions (PEP 657): tracebacks keep their line
# numbers, and every code object the app loads is smaller (~1 MiB resident).
# The spec checks that this process compiles that way.
PYTHONNODEBUGRANGES=1 "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/softphone.spec
echo "bundle: $DIST/softphone ($(du -sh "$DIST/softphone" | cut -f1))"

if ((MAKE_DEB)) && [[ $(uname -s) == Linux ]] && command -v dpkg-deb >/dev/null; then
  bash packaging/linux/build_deb.sh "$DIST/softphone" "$DIST"
fi
