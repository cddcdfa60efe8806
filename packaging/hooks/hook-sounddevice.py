# Replaces pyinstaller-hooks-contrib's hook for sounddevice on Linux, which
# collects the system's libportaudio (linked with JACK, which brings Berkeley
# DB along). The spec bundles the ALSA-only build of scripts/build_portaudio.sh
# instead; the spec adds this folder to the hook path on Linux only, so the
# Windows and macOS bundles keep the library of sounddevice's wheel.
# ruff: noqa
