"""The cameras' pictures: the TRUE plate in its kind's style, deterministic, a few KB."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from safenet.plates import PlateKind, VehicleType, parse
from safenet.sim import fonts
from safenet.sim.events import ReadEvent, ReadTruth
from safenet.sim.fonts import SnapshotFontMissing, draws_hangul, find_font
from safenet.sim.noise import NoiseKind
from safenet.sim.plate_style import GREEN, NAVY, ORANGE, WHITE, YELLOW, plate_style
from safenet.sim.snapshot import HEIGHT, WIDTH, SnapshotRenderer, SnapshotScene

TS = datetime(2026, 11, 25, 3, 0, 0, 764_000, tzinfo=UTC)  # 12:00:00.764 KST

# One plate of every kind safenet.plates knows.
PLATES = {
    PlateKind.PRIVATE: "123가4567",
    PlateKind.RENTAL: "34하5678",
    PlateKind.COMMERCIAL: "서울12바3456",
    PlateKind.DELIVERY: "12배3456",
    PlateKind.DIPLOMATIC: "외교123456",
    PlateKind.CONSTRUCTION: "012바3456",
    PlateKind.EMERGENCY: "998가1234",
    PlateKind.OLD_REGIONAL: "서울12가3456",
}


@pytest.fixture(scope="module")
def renderer() -> SnapshotRenderer:
    return SnapshotRenderer()


def _scene(plate: str, **changes: object) -> SnapshotScene:
    parsed = parse(plate)
    scene = SnapshotScene(parsed, "흰색", parsed.vehicle_type, "EP-0101", TS)
    return replace(scene, **changes)  # type: ignore[arg-type]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_plate_list_covers_every_kind() -> None:
    assert set(PLATES) == set(PlateKind)
    assert {parse(text).kind for text in PLATES.values()} == set(PlateKind)


@pytest.mark.parametrize("kind", list(PlateKind))
def test_every_kind_renders_a_small_jpeg_of_the_frame_size(
    renderer: SnapshotRenderer, kind: PlateKind
) -> None:
    jpeg = renderer.render(_scene(PLATES[kind]))
    assert jpeg.startswith(b"\xff\xd8\xff")
    assert 2_000 < len(jpeg) < 16_000, "a few KB, as a read's snapshot should be"
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.format == "JPEG"
        assert image.size == (WIDTH, HEIGHT)


def test_the_same_read_gives_the_same_bytes_even_from_another_renderer(
    renderer: SnapshotRenderer,
) -> None:
    scene = _scene("123가4567", colour="검정", vehicle_type=VehicleType.VAN)
    first = renderer.render(scene)
    assert _sha(renderer.render(scene)) == _sha(first)
    assert _sha(SnapshotRenderer().render(scene)) == _sha(first)


def test_plate_camera_time_colour_and_type_each_change_the_picture(
    renderer: SnapshotRenderer,
) -> None:
    base = _scene("123가4567")
    variants = [
        base,
        replace(base, plate=parse("123가4568")),
        replace(base, camera_id="EP-0102"),
        replace(base, ts=TS.replace(microsecond=765_000)),
        replace(base, colour="빨강"),
        replace(base, vehicle_type=VehicleType.TRUCK),
    ]
    hashes = [_sha(renderer.render(scene)) for scene in variants]
    assert len(set(hashes)) == len(hashes)


@pytest.mark.parametrize(
    ("plate", "background", "ink_is_light"),
    [
        ("123가4567", WHITE, False),
        ("34하5678", WHITE, False),
        ("998가1234", WHITE, False),
        ("서울12바3456", YELLOW, False),
        ("12배3456", YELLOW, False),
        ("외교123456", NAVY, True),
        ("012바3456", ORANGE, False),
        ("012가3456", WHITE, False),
        ("서울12가3456", GREEN, True),
    ],
)
def test_each_kind_has_its_real_colour_scheme(
    plate: str, background: tuple[int, int, int], ink_is_light: bool
) -> None:
    style = plate_style(parse(plate))
    assert style.background == background
    assert (sum(style.ink) > 600) is ink_is_light


def test_regional_plates_have_two_lines_and_new_plates_the_film_mark() -> None:
    assert plate_style(parse("서울12바3456")).lines == ("서울 12", "바 3456")
    assert plate_style(parse("123가4567")).lines == ("123가 4567",)
    assert plate_style(parse("외교123456")).lines == ("외교 123-456",)
    assert plate_style(parse("123가4567")).film_mark
    assert not plate_style(parse("12가3456")).film_mark  # 2-digit class: the 2006 plate


def _plate_corner(jpeg: bytes, scene: SnapshotScene) -> tuple[int, int, int]:
    """The colour just inside the plate's right edge (no text there)."""
    two_line = plate_style(scene.plate).two_line
    half_w, h = (48, 44) if two_line else (75, 32)
    bottom = {VehicleType.PASSENGER: 204, VehicleType.VAN: 206}.get(scene.vehicle_type, 208)
    y = bottom - 20 - h + 5
    x = WIDTH // 2 + half_w - 4
    with Image.open(io.BytesIO(jpeg)) as image:
        pixel = image.convert("RGB").getpixel((x, y))
    assert isinstance(pixel, tuple)
    return (int(pixel[0]), int(pixel[1]), int(pixel[2]))


@pytest.mark.parametrize("kind", [PlateKind.PRIVATE, PlateKind.COMMERCIAL, PlateKind.DIPLOMATIC])
def test_the_picture_shows_the_plate_in_its_colours(
    renderer: SnapshotRenderer, kind: PlateKind
) -> None:
    scene = _scene(PLATES[kind], vehicle_type=VehicleType.PASSENGER)
    got = _plate_corner(renderer.render(scene), scene)
    want = plate_style(scene.plate).background
    assert all(abs(g - w) <= 40 for g, w in zip(got, want, strict=True)), (got, want)


def test_a_misread_still_shows_the_true_plate(renderer: SnapshotRenderer) -> None:
    truth = ReadTruth("123가4567", NoiseKind.VOWEL, "bg-1", None)
    read = {
        "id": "sim-seocho-1",
        "camera_id": "EP-0101",
        "ts": TS.isoformat(),
        "plate": "123거4567",  # what the OCR made of it
        "confidence": 0.8,
        "vehicle": {"colour": "은색", "type": "passenger"},
    }
    event = ReadEvent("seocho", "EP-0101", 0.0, TS, read, truth)
    scene = SnapshotScene.of_event(event)
    assert scene.plate.text == "123가4567"
    assert scene.colour == "은색"
    assert renderer.render_event(event) == renderer.render(scene)
    assert renderer.render_event(event) != renderer.render(replace(scene, plate=parse("123거4567")))


def test_an_unknown_colour_or_type_still_renders(renderer: SnapshotRenderer) -> None:
    truth = ReadTruth("123가4567", NoiseKind.NONE, "bg-1", None)
    read = {"id": "r", "camera_id": "c", "vehicle": {"colour": "무지개", "type": "hovercraft"}}
    event = ReadEvent("seocho", "c", 0.0, TS, read, truth)
    assert SnapshotScene.of_event(event).vehicle_type is VehicleType.PASSENGER
    assert renderer.render_event(event).startswith(b"\xff\xd8\xff")


def test_a_configured_font_must_exist_and_draw_hangul(tmp_path: Path) -> None:
    with pytest.raises(SnapshotFontMissing, match="is not a file"):
        find_font(tmp_path / "none.ttf")
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin.is_file():
        assert not draws_hangul(latin)
        with pytest.raises(SnapshotFontMissing, match="cannot draw Hangul"):
            find_font(latin)
    not_a_font = tmp_path / "bad.ttf"
    not_a_font.write_bytes(b"not a font")
    assert not draws_hangul(not_a_font)


def test_no_korean_font_on_the_machine_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fonts, "DEBIAN_FONTS", ("/nonexistent/font.ttf",))
    monkeypatch.setattr(fonts, "_fc_match", lambda: None)
    find_font.cache_clear()
    try:
        with pytest.raises(SnapshotFontMissing, match="fonts-nanum"):
            find_font()
    finally:
        find_font.cache_clear()


def test_the_centers_ingest_takes_the_picture_as_sent(renderer: SnapshotRenderer) -> None:
    import base64

    from safenet.center.ingest.schema import parse_read
    from safenet.center.settings import CenterSettings
    from tests.sim.simdata import pictured

    truth = ReadTruth("서울12바3456", NoiseKind.NONE, "bg-1", None)
    read = {
        "id": "sim-seocho-7",
        "camera_id": "EP-0101",
        "ts": TS.isoformat(),
        "plate": "서울12바3456",
        "confidence": 0.97,
        "vehicle": {"colour": "노랑", "type": "passenger"},
    }
    event = ReadEvent("seocho", "EP-0101", 0.0, TS, read, truth)
    sent = pictured(renderer, event)
    parsed = parse_read(sent, max_snapshot_bytes=CenterSettings().max_snapshot_bytes)
    assert parsed.snapshot_jpeg == renderer.render_event(event)
    assert base64.b64decode(sent["snapshot_jpeg"]) == parsed.snapshot_jpeg
