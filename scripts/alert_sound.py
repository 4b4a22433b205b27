"""Writes the consoles' alert sound: a 0.4 s two-tone chime, as a small mono WAV.

The file is committed (src/safenet/web/static/sounds/alert.wav) and served with the
consoles' static files, so a console never fetches a sound from the network. Run this
again only to change the sound:

    .venv/bin/python scripts/alert_sound.py [path]

Two short tones, high then higher (880 Hz, then 1320 Hz), each with a soft attack and
release so the speaker does not click; 16 kHz, 16-bit, about 13 KB.
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

RATE = 16_000
TONES = ((880.0, 0.17), (1320.0, 0.17))  # (Hz, seconds)
GAP_S = 0.04
TAIL_S = 0.02
RAMP_S = 0.012
LEVEL = 0.45  # of full scale: clear, not harsh
STATIC = Path(__file__).resolve().parents[1] / "src" / "safenet" / "web" / "static"
DEFAULT_PATH = STATIC / "sounds" / "alert.wav"


def tone(frequency: float, seconds: float) -> list[float]:
    """One tone with a linear attack and release, as samples in -1..1."""
    count = round(seconds * RATE)
    ramp = max(1, round(RAMP_S * RATE))
    out = []
    for i in range(count):
        envelope = min(1.0, i / ramp, (count - 1 - i) / ramp)
        # A little of the octave above makes it carry on small laptop speakers.
        phase = 2 * math.pi * frequency * i / RATE
        out.append(envelope * (0.8 * math.sin(phase) + 0.2 * math.sin(2 * phase)))
    return out


def chime() -> list[float]:
    """The whole sound: tone, gap, tone, a short silent tail."""
    samples: list[float] = []
    for index, (frequency, seconds) in enumerate(TONES):
        if index:
            samples += [0.0] * round(GAP_S * RATE)
        samples += tone(frequency, seconds)
    return samples + [0.0] * round(TAIL_S * RATE)


def write(path: Path) -> int:
    """Write the chime to ``path``; returns the file's size in bytes."""
    frames = b"".join(
        struct.pack("<h", max(-32767, min(32767, round(s * LEVEL * 32767)))) for s in chime()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)
    return path.stat().st_size


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    size = write(path)
    seconds = len(chime()) / RATE
    print(f"wrote {path} ({size} bytes, {seconds:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
