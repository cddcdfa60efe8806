"""What can go wrong with a sound device, as sentence templates.

The media layer writes English and cannot use the core's ``Sentence``; an
``AudioDeviceError`` keeps the template and its values instead, and the core
lists these templates among its own (``core/sentences.py``) so the desktop
UI shows them in the agent's language. Values (a device's name, PortAudio's
own words) stay as written.
"""

from __future__ import annotations

DEVICE_NO_SOUNDDEVICE = (
    "The Python package sounddevice is not installed, so no sound card can be used"
    " (pip install sounddevice; on Debian/Ubuntu also apt-get install libportaudio2)."
)
DEVICE_NO_PORTAUDIO = (
    "The PortAudio library is not installed, so no sound card can be used"
    " (on Debian/Ubuntu: apt-get install libportaudio2)."
)
DEVICE_LIST_UNREADABLE = "The list of sound devices could not be read: {error}."
DEVICE_NO_MICROPHONE = (
    "No microphone was found: this computer has no sound input device"
    " (plug in a headset, or run with the null audio device)."
)
DEVICE_NO_SPEAKER = (
    "No speaker was found: this computer has no sound output device"
    " (plug in a headset, or run with the null audio device)."
)
DEVICE_NO_MICROPHONE_MATCHES = 'No microphone matches "{name}". The input devices are: {listing}.'
DEVICE_NO_SPEAKER_MATCHES = 'No speaker matches "{name}". The output devices are: {listing}.'
DEVICE_INPUT_NOT_OPENED = "The input device {device} could not be opened: {error}."
DEVICE_OUTPUT_NOT_OPENED = "The output device {device} could not be opened: {error}."
DEVICE_INPUT_FORMAT = (
    "The input device {device} supports neither 48000 Hz nor its own default rate"
    " in 16-bit mono or stereo."
)
DEVICE_OUTPUT_FORMAT = (
    "The output device {device} supports neither 48000 Hz nor its own default rate"
    " in 16-bit mono or stereo."
)
