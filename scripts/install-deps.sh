#!/usr/bin/env bash
# Installs everything the app and its whole test suite need on a fresh
# Debian/Ubuntu machine: system packages (Kamailio, Chromium, PulseAudio,
# PortAudio), the Python package with its test extra, and the npm packages
# of the JsSIP browser peer. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  kamailio kamailio-websocket-modules   # real SIP registrar/proxy for tests
  rtpengine-daemon                      # WebRTC-to-RTP media gateway (rtpengine) for tests
  chromium                              # real WebRTC peer (JsSIP) for tests
  pulseaudio libasound2-plugins alsa-utils  # paced null sound card
  libportaudio2                         # sounddevice's native library (running from source)
  libasound2-dev dpkg-dev make binutils # build the bundle's ALSA-only PortAudio
                                        # (scripts/build_portaudio.sh)
  sox espeak-ng                         # test audio material
  gcc python3-dev                       # builds pesq (speech-quality tests)
  desktop-file-utils                    # checks the .deb's desktop entry
  nodejs npm                            # builds the JsSIP bundle
  libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3
  dbus-daemon                           # a private session bus for the notification tests
  xvfb libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0   # Xvfb and what Qt's
  libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1      # xcb plugin loads,
  libx11-xcb1 libxcb-sync1 libxcb-shm0 libxcb-util1                 # for the screenshots
  gnome-keyring dbus-daemon              # a real Secret Service for the self-test's keyring check
  xdotool x11-utils x11-xkb-utils        # global-shortcut test: typed keys (XTEST), xmessage as
                                         # "the CRM", setxkbmap for other keyboard layouts
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# nodejs/npm may come from elsewhere (nodesource, nvm): accept working binaries.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for pkg in "${missing[@]}"; do
    [[ $pkg == nodejs || $pkg == npm ]] || filtered+=("$pkg")
  done
  missing=("${filtered[@]}")
fi
if ((${#missing[@]})); then
  echo "installing system packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
"$PYTHON" -m pip install -q --upgrade pip
"$PYTHON" -m pip install -q -e '.[test,bundle]'

if [[ -f tests/peers/js/package.json ]]; then
  (cd tests/peers/js && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
fi
