#!/usr/bin/env bash
# Builds the PortAudio the Linux bundle ships: Debian's own source of
# libportaudio2 (with Debian's patches), configured for ALSA only.
#   bash scripts/build_portaudio.sh [OUT_DIR]      (default: build/portaudio)
# Leaves OUT_DIR/libportaudio.so.2. Does nothing when that file is already
# there (delete it to rebuild); the downloaded source stays in OUT_DIR/src, so
# a rebuild needs no network either.
#
# Why not the system's libportaudio2: Debian and Ubuntu build it with JACK,
# and the first PortAudio call then loads libjack and Berkeley DB (~8 MiB
# resident in the app against ~5.5 for an ALSA-only build; bench/README.md).
# An agent's audio goes through ALSA to PulseAudio/PipeWire; JACK users reach
# JACK through those as well. OSS is left out for the same reason.
#
# The source comes through apt with a private list and cache directory: the
# machine's own package lists are not touched (an `apt-get update` with another
# source list would replace them). apt checks the signed Release file and the
# .dsc's hashes; the tarballs are checked against the .dsc here again.
# PORTAUDIO_DEB_SRC overrides the deb-src line (another mirror or release).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-build/portaudio}
LIB=libportaudio.so.2
SOURCE_PACKAGE=portaudio19
DEB_SRC=${PORTAUDIO_DEB_SRC:-"deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main"}

fail() {
  echo "build_portaudio: $*" >&2
  exit 1
}

# A library built for the bundle never needs JACK (nor OSS, which is in libc).
check_needed() {
  local needed
  needed=$(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
  [[ $needed == *libasound.so.2* ]] || fail "$1 does not link ALSA (needs: $needed)"
  [[ $needed != *libjack* ]] || fail "$1 links JACK (needs: $needed); delete it to rebuild"
  echo "  it needs: $needed"
}

if [[ -f $OUT/$LIB ]]; then
  echo "PortAudio already built: $OUT/$LIB"
  check_needed "$OUT/$LIB"
  exit 0
fi
[[ $(uname -s) == Linux ]] || fail "builds the Linux library only"
for tool in apt-get dpkg-source gcc make readelf strip sha256sum; do
  command -v "$tool" >/dev/null || fail "$tool is missing (bash scripts/install-deps.sh)"
done
[[ -f /usr/include/alsa/asoundlib.h ]] || fail "ALSA headers are missing: apt-get install libasound2-dev"

mkdir -p "$OUT/src"
OUT=$(cd "$OUT" && pwd)
SRC=$OUT/src

dsc=$(find "$SRC" -maxdepth 1 -name "${SOURCE_PACKAGE}_*.dsc" | sort | tail -n 1)
if [[ -z $dsc ]]; then
  echo "fetching the $SOURCE_PACKAGE source ($DEB_SRC)"
  apt_dir=$SRC/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  echo "$DEB_SRC" >"$apt_dir/sources.list"
  apt_opts=(
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=-"
    -o "APT::Sandbox::User=root"
  )
  apt-get -qq "${apt_opts[@]}" update || fail "cannot read the source index ($DEB_SRC)"
  (cd "$SRC" && apt-get -qq "${apt_opts[@]}" source --download-only "$SOURCE_PACKAGE") ||
    fail "cannot download the $SOURCE_PACKAGE source"
  rm -rf "$apt_dir"
  dsc=$(find "$SRC" -maxdepth 1 -name "${SOURCE_PACKAGE}_*.dsc" | sort | tail -n 1)
  [[ -n $dsc ]] || fail "apt left no .dsc in $SRC"
fi

# Every file the .dsc lists, against its SHA-256 there.
files=$(sed -n '/^Checksums-Sha256:/,/^[^ ]/s/^ \([0-9a-f]\{64\}\) [0-9]* \(.*\)$/\1  \2/p' "$dsc")
[[ -n $files ]] || fail "$dsc lists no SHA-256 checksums"
(cd "$SRC" && sha256sum --check --quiet <<<"$files") || fail "the source does not match $dsc (delete $SRC to fetch it again)"

tree=$SRC/tree
rm -rf "$tree"
# Debian's quilt patches are applied as libportaudio2 is built (an ALSA xrun fix among them).
dpkg-source --no-check -x "$dsc" "$tree" >/dev/null || fail "cannot unpack $dsc"

echo "building $(basename "$dsc" .dsc) for ALSA only"
(
  cd "$tree"
  # Debian's compiler and linker flags (hardening included), as libportaudio2 is built.
  if command -v dpkg-buildflags >/dev/null; then
    eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
  fi
  ./configure --with-alsa --without-jack --without-oss --without-asihpi \
    --disable-static --disable-cxx
  make -j"$(nproc)" lib/libportaudio.la
) >"$SRC/build.log" 2>&1 || {
  tail -n 30 "$SRC/build.log" >&2
  fail "the build failed in $tree (log: $SRC/build.log)"
}

built=$tree/lib/.libs/$LIB
[[ -f $built ]] || fail "the build left no $built"
strip --strip-unneeded -o "$OUT/$LIB.tmp" "$(readlink -f "$built")"
check_needed "$OUT/$LIB.tmp"
mv "$OUT/$LIB.tmp" "$OUT/$LIB"
basename "$dsc" .dsc >"$OUT/$LIB.source"
rm -rf "$tree"
echo "PortAudio built: $OUT/$LIB ($(cat "$OUT/$LIB.source"), ALSA only)"
