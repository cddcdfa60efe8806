"""``softphone devices``: the sound devices this computer offers.

Support staff need the names that ``--mic``, ``--speaker`` and
``--ring-device`` accept (any part of a name, case-insensitive), and an
admin on a new PC wants to see at a glance whether there is a headset at all.
"""

from __future__ import annotations

import argparse
import json
import sys

from softphone.media.devices import AudioDevice, NoAudioDevice, list_devices


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per device instead of a table"
    )


def run(args: argparse.Namespace) -> int:
    try:
        devices = list_devices()
    except NoAudioDevice as exc:
        print(f"softphone devices: {exc}", file=sys.stderr)
        return 1
    if args.json:
        for device in devices:
            print(json.dumps(_as_json(device), ensure_ascii=False))
        return 0
    if not devices:
        print("No sound devices were found (plug in a headset).")
        return 0
    print(table(devices))
    return 0


def table(devices: tuple[AudioDevice, ...]) -> str:
    rows = [("", "in", "out", "device (system)")]
    for device in devices:
        default = ("mic " if device.is_default_input else "") + (
            "speaker" if device.is_default_output else ""
        )
        rows.append(
            (
                default.strip(),
                str(device.input_channels or "-"),
                str(device.output_channels or "-"),
                str(device),
            )
        )
    width = max(len(r[0]) for r in rows)
    lines = [f"{mark:<{width}}  {i:>3}  {o:>3}  {name}" for mark, i, o, name in rows]
    lines.append("")
    lines.append('"in"/"out" are channels. Name a device by any part of its name, e.g.')
    lines.append('softphone phone --mic "headset" --speaker "headset" ...')
    return "\n".join(lines)


def _as_json(device: AudioDevice) -> dict[str, object]:
    return {
        "name": device.name,
        "host_api": device.host_api,
        "input_channels": device.input_channels,
        "output_channels": device.output_channels,
        "default_samplerate": device.default_samplerate,
        "default_input": device.is_default_input,
        "default_output": device.is_default_output,
    }
