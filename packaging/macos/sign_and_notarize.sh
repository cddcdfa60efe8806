#!/usr/bin/env bash
# Signs the .app with the hardened runtime and the entitlements, then
# notarises and staples it. Runs only where the signing secrets exist
# (the release workflow); a local build stays unsigned.
#   sign_and_notarize.sh dist/softphone.app
set -euo pipefail
APP=$1
HERE=$(cd "$(dirname "$0")" && pwd)
: "${MACOS_CERTIFICATE:?} ${MACOS_CERTIFICATE_PASSWORD:?} ${MACOS_SIGNING_IDENTITY:?}"
: "${APPLE_ID:?} ${APPLE_TEAM_ID:?} ${APPLE_APP_PASSWORD:?}"

KEYCHAIN=build.keychain
KEYCHAIN_PASSWORD=$(uuidgen)
echo "$MACOS_CERTIFICATE" | base64 --decode > certificate.p12
security create-keychain -p "$KEYCHAIN_PASSWORD" "$KEYCHAIN"
security default-keychain -s "$KEYCHAIN"
security unlock-keychain -p "$KEYCHAIN_PASSWORD" "$KEYCHAIN"
security import certificate.p12 -k "$KEYCHAIN" -P "$MACOS_CERTIFICATE_PASSWORD" -T /usr/bin/codesign
security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$KEYCHAIN_PASSWORD" "$KEYCHAIN"
rm certificate.p12

# Inside out: every library first, then the app, all with the hardened runtime.
find "$APP/Contents" -type f \( -name '*.so' -o -name '*.dylib' \) -print0 |
  xargs -0 codesign --force --timestamp --options runtime --sign "$MACOS_SIGNING_IDENTITY"
codesign --force --timestamp --options runtime --entitlements "$HERE/entitlements.plist" \
  --sign "$MACOS_SIGNING_IDENTITY" "$APP"
codesign --verify --deep --strict "$APP"

ditto -c -k --keepParent "$APP" softphone.zip
xcrun notarytool submit softphone.zip --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
  --password "$APPLE_APP_PASSWORD" --wait
xcrun stapler staple "$APP"
rm softphone.zip
