"""The consoles' alert sound: the committed file is what scripts/alert_sound.py writes."""

from __future__ import annotations

import importlib.util
import wave
from pathlib import Path
from types import ModuleType

from safenet.web.assets import STATIC_DIR
from tests.web.test_console_server import _app, _client

ROOT = Path(__file__).resolve().parents[2]
SOUND = STATIC_DIR / "sounds" / "alert.wav"


def generator() -> ModuleType:
    path = ROOT / "scripts" / "alert_sound.py"
    spec = importlib.util.spec_from_file_location("alert_sound", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundled_sound_is_a_short_small_mono_wav() -> None:
    assert SOUND.stat().st_size < 40_000
    with wave.open(str(SOUND), "rb") as sound:
        assert sound.getnchannels() == 1
        assert sound.getsampwidth() == 2
        seconds = sound.getnframes() / sound.getframerate()
    assert 0.3 <= seconds <= 0.5, seconds


def test_the_committed_sound_is_the_generators_output(tmp_path: Path) -> None:
    written = tmp_path / "alert.wav"
    generator().write(written)
    assert written.read_bytes() == SOUND.read_bytes(), "run scripts/alert_sound.py again"


async def test_the_console_serves_the_sound_from_its_own_static_files(tmp_path: Path) -> None:
    async with _client(_app(tmp_path)) as client:
        response = await client.get("/console/static/sounds/alert.wav")
    assert response.status_code == 200
    assert response.headers["content-type"] in {"audio/wav", "audio/x-wav"}
    assert response.content == SOUND.read_bytes()
