#!/usr/bin/env bash
# Packs a PyInstaller bundle into a .deb: the bundle in /opt/softphone, the
# command in /usr/bin, a .desktop file that also handles tel: and sip:
# links, and the icons.   build_deb.sh BUNDLE_DIR OUT_DIR
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUNDLE=$(cd "$1" && pwd)
OUT=$(mkdir -p "$2" && cd "$2" && pwd)
VERSION=$(PYTHONPATH="$ROOT" python3 -c 'import softphone; print(softphone.__version__)')
ARCH=$(dpkg --print-architecture)
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$STAGE/opt/softphone"
ln -s /opt/softphone/softphone "$STAGE/usr/bin/softphone"
install -m 644 "$HERE/softphone.desktop" "$STAGE/usr/share/applications/softphone.desktop"
install -m 644 "$ROOT/packaging/icons/softphone.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/"
for png in "$ROOT"/packaging/icons/softphone-*.png; do
  size=$(basename "$png" .png); size=${size#softphone-}
  mkdir -p "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps"
  install -m 644 "$png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/softphone.png"
done
SIZE_KB=$(du -sk "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: softphone
Version: $VERSION
Architecture: $ARCH
Maintainer: softphone developers <softphone@localhost>
Installed-Size: $SIZE_KB
Depends: libxcb-cursor0, libxkbcommon-x11-0, libegl1, libgl1, libfontconfig1, libdbus-1-3, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0
Recommends: pulseaudio | pipewire-pulse
Section: comm
Priority: optional
Homepage: https://localhost/softphone
Description: Desktop phone for Mediatel contact-center agents
 Signs the agent in to Mediatel, registers the SIP extension over WebSocket,
 answers what the platform delivers within a second, and tells the CRM about
 every call through a local integration API.
CONTROL
cat > "$STAGE/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
# Register the tel:/sip: handler and the icon with the desktop.
command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q /usr/share/icons/hicolor || true
exit 0
POSTINST
chmod 755 "$STAGE/DEBIAN/postinst"
cp "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
DEB="$OUT/softphone_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "deb: $DEB ($(du -h "$DEB" | cut -f1))"
