"""The picture a plate camera takes with each read: the vehicle as it really is.

Every read the simulator sends carries a JPEG (a few KB, 320×240) drawn from the
read's truth, never from what the OCR made of it: the vehicle's TRUE plate in the
style of its kind (:mod:`safenet.sim.plate_style`), over a simple front view of a
vehicle of its colour and type, with the camera id burnt in at the top and the
camera's time (KST, to the millisecond) at the bottom. An operator comparing a
candidate with its picture therefore sees what the camera saw: a misread of the
wanted car, or another car read right.

The same read always gives the same bytes (on the same Pillow and font): nothing
random is drawn, and text is laid out with Pillow's basic engine so that an optional
shaping library cannot change it.

    renderer = SnapshotRenderer()              # finds a Hangul font or says what to install
    jpeg = renderer.render_event(event)        # bytes, starts with FF D8 FF
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from safenet.plates import Plate, VehicleType, parse
from safenet.sim.events import ReadEvent
from safenet.sim.fonts import find_font
from safenet.sim.plate_style import (
    BLACK_INK,
    RGB,
    TAEGEUK_BLUE,
    TAEGEUK_RED,
    PlateStyle,
    plate_style,
)

KST = timezone(timedelta(hours=9), "KST")
WIDTH, HEIGHT = 320, 240
JPEG_QUALITY = 70
BAND = 16  # the burnt-in text bands at the top and bottom

# The camera classifier's colour names (Korean, as the reads carry them) and English.
COLOURS: dict[str, RGB] = {
    "흰색": (232, 233, 230),
    "white": (232, 233, 230),
    "검정": (28, 29, 32),
    "검은색": (28, 29, 32),
    "black": (28, 29, 32),
    "회색": (112, 115, 120),
    "grey": (112, 115, 120),
    "gray": (112, 115, 120),
    "은색": (178, 182, 188),
    "silver": (178, 182, 188),
    "파랑": (34, 74, 160),
    "파란색": (34, 74, 160),
    "blue": (34, 74, 160),
    "빨강": (168, 30, 34),
    "빨간색": (168, 30, 34),
    "red": (168, 30, 34),
    "노랑": (226, 186, 40),
    "노란색": (226, 186, 40),
    "yellow": (226, 186, 40),
    "초록": (40, 110, 64),
    "녹색": (40, 110, 64),
    "green": (40, 110, 64),
    "갈색": (110, 74, 46),
    "brown": (110, 74, 46),
    "주황": (222, 110, 30),
    "orange": (222, 110, 30),
    "남색": (30, 40, 92),
    "navy": (30, 40, 92),
    "하늘색": (120, 176, 220),
    "베이지": (206, 192, 160),
}
UNKNOWN_COLOUR: RGB = (132, 120, 104)  # 기타: a dull tone that no named colour uses
GLASS: RGB = (46, 56, 70)
TYRE: RGB = (22, 22, 24)


@dataclass(frozen=True, slots=True)
class SnapshotScene:
    """What one camera saw at one moment: the real vehicle, and the camera's stamp."""

    plate: Plate
    colour: str
    vehicle_type: VehicleType
    camera_id: str
    ts: datetime

    @classmethod
    def of_event(cls, event: ReadEvent) -> SnapshotScene:
        """The scene behind a simulated read: its truth's plate, the read's vehicle."""
        plate = parse(event.truth.plate)
        vehicle = event.read.get("vehicle") or {}
        colour = str(vehicle.get("colour") or "기타")
        try:
            kind = VehicleType(str(vehicle.get("type") or plate.vehicle_type.value))
        except ValueError:
            kind = plate.vehicle_type
        return cls(plate, colour, kind, event.camera_id, event.ts)


@dataclass(frozen=True, slots=True)
class _Body:
    """A vehicle type's front view, in pixels of the 320×240 frame."""

    half_width: int
    roof: int  # top of the cabin
    roof_half: int  # half width of the roof line
    hood: int  # where the windscreen meets the bonnet
    bottom: int  # bottom of the bumper
    boxy: bool


_BODIES: dict[VehicleType, _Body] = {
    VehicleType.PASSENGER: _Body(104, 96, 62, 150, 204, False),
    VehicleType.DIPLOMATIC: _Body(104, 96, 62, 150, 204, False),
    VehicleType.EMERGENCY: _Body(104, 96, 62, 150, 204, False),
    VehicleType.VAN: _Body(100, 60, 86, 140, 206, True),
    VehicleType.TRUCK: _Body(112, 50, 106, 128, 208, True),
    VehicleType.SPECIAL: _Body(112, 50, 106, 128, 208, True),
    VehicleType.CONSTRUCTION: _Body(112, 50, 106, 128, 208, True),
}


def _shade(colour: RGB, factor: float) -> RGB:
    r, g, b = (max(0, min(255, round(c * factor))) for c in colour)
    return (r, g, b)


class SnapshotRenderer:
    """Draws the JPEG snapshot of a read; one per feeder, fonts loaded once."""

    def __init__(self, font: Path | None = None, *, quality: int = JPEG_QUALITY) -> None:
        self.font_path = find_font(font)
        self.quality = quality
        self._fonts: dict[int, ImageFont.FreeTypeFont] = {}

    def _font(self, size: int) -> ImageFont.FreeTypeFont:
        font = self._fonts.get(size)
        if font is None:
            font = ImageFont.truetype(
                str(self.font_path), size, layout_engine=ImageFont.Layout.BASIC
            )
            self._fonts[size] = font
        return font

    def _fitted(self, text: str, max_w: float, max_h: int) -> ImageFont.FreeTypeFont:
        # Width grows with the size almost linearly: one measurement, then at most a
        # few steps down.
        width = self._font(40).getlength(text) or 1.0
        size = max(6, min(max_h, int(max_w * 40 / width)))
        while size > 6 and self._font(size).getlength(text) > max_w:
            size -= 1
        return self._font(size)

    def render_event(self, event: ReadEvent) -> bytes:
        """The JPEG of a simulated read."""
        return self.render(SnapshotScene.of_event(event))

    def render(self, scene: SnapshotScene) -> bytes:
        """The JPEG of one scene."""
        local = scene.ts.astimezone(KST)
        night = local.hour >= 19 or local.hour < 6
        image = Image.new("RGB", (WIDTH, HEIGHT), (0, 0, 0))
        draw = ImageDraw.Draw(image)
        self._street(draw, night)
        self._vehicle(draw, scene, night)
        self._stamp(draw, scene.camera_id, local)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=self.quality, optimize=False, subsampling="4:2:0")
        return out.getvalue()

    def _street(self, draw: ImageDraw.ImageDraw, night: bool) -> None:
        horizon = 84
        draw.rectangle((0, 0, WIDTH, horizon), fill=(24, 28, 40) if night else (158, 168, 178))
        draw.rectangle((0, horizon, WIDTH, HEIGHT), fill=(40, 42, 46) if night else (92, 94, 98))
        line = (150, 150, 140) if night else (226, 226, 218)
        for x_far, x_near in ((120, 20), (200, 300)):  # lane edges, converging
            draw.line((x_far, horizon, x_near, HEIGHT), fill=line, width=3)

    def _vehicle(self, draw: ImageDraw.ImageDraw, scene: SnapshotScene, night: bool) -> None:
        body = _BODIES.get(scene.vehicle_type, _BODIES[VehicleType.PASSENGER])
        paint = COLOURS.get(scene.colour.strip().lower(), UNKNOWN_COLOUR)
        edge = _shade(paint, 0.55) if sum(paint) > 150 else _shade(paint, 2.2)
        cx = WIDTH // 2
        left, right = cx - body.half_width, cx + body.half_width
        draw.ellipse((left - 8, body.bottom - 6, right + 8, body.bottom + 14), fill=(14, 14, 16))
        for x in (left + 8, right - 40):  # tyres below the bumper
            draw.rounded_rectangle((x, body.bottom - 10, x + 32, body.bottom + 10), 4, fill=TYRE)
        # Cabin: a trapezoid (a box for vans and trucks), then the windscreen inside it.
        cabin = [
            (cx - body.roof_half, body.roof),
            (cx + body.roof_half, body.roof),
            (right - (2 if body.boxy else 10), body.hood),
            (left + (2 if body.boxy else 10), body.hood),
        ]
        draw.polygon(cabin, fill=paint, outline=edge)
        inset = 8
        draw.polygon(
            [
                (cx - body.roof_half + inset, body.roof + inset),
                (cx + body.roof_half - inset, body.roof + inset),
                (right - (2 if body.boxy else 10) - inset, body.hood - 4),
                (left + (2 if body.boxy else 10) + inset, body.hood - 4),
            ],
            fill=GLASS,
        )
        draw.rounded_rectangle((left, body.hood, right, body.bottom), 10, fill=paint, outline=edge)
        lamp = (250, 240, 190) if night else (214, 218, 222)
        lamp_y = body.hood + 10
        draw.rounded_rectangle((left + 8, lamp_y, left + 46, lamp_y + 14), 5, fill=lamp)
        draw.rounded_rectangle((right - 46, lamp_y, right - 8, lamp_y + 14), 5, fill=lamp)
        draw.rectangle((cx - 40, lamp_y + 2, cx + 40, lamp_y + 14), fill=_shade(edge, 0.7))
        if scene.vehicle_type is VehicleType.EMERGENCY:
            top = body.roof - 10
            draw.rectangle((cx - 36, top, cx, body.roof), fill=(220, 30, 30))
            draw.rectangle((cx, top, cx + 36, body.roof), fill=(30, 70, 220))
        if scene.vehicle_type in (VehicleType.SPECIAL, VehicleType.CONSTRUCTION):
            for i in range(left + 4, right - 8, 16):  # hazard stripes along the bumper
                draw.polygon(
                    [
                        (i, body.bottom - 4),
                        (i + 8, body.bottom - 4),
                        (i + 14, body.bottom - 12),
                        (i + 6, body.bottom - 12),
                    ],
                    fill=(236, 190, 20),
                )
        style = plate_style(scene.plate)
        plate_w, plate_h = (96, 44) if style.two_line else (150, 32)
        top = body.bottom - 20 - plate_h
        self._plate(draw, (cx - plate_w // 2, top, cx + plate_w // 2, top + plate_h), style)

    def _plate(
        self, draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], style: PlateStyle
    ) -> None:
        x0, y0, x1, y1 = box
        draw.rounded_rectangle(box, 4, fill=style.background, outline=_shade(style.ink, 0.9))
        text_left = x0 + 4
        if style.film_mark:
            # The reflective film's mark: the 태극 circle over "KOR".
            r, mx, my = 5, x0 + 10, y0 + 10
            draw.pieslice((mx - r, my - r, mx + r, my + r), 180, 360, fill=TAEGEUK_RED)
            draw.pieslice((mx - r, my - r, mx + r, my + r), 0, 180, fill=TAEGEUK_BLUE)
            draw.text((mx, y1 - 7), "KOR", font=self._font(7), fill=TAEGEUK_BLUE, anchor="mm")
            text_left = x0 + 20
        width = x1 - 4 - text_left
        centre = (text_left + x1 - 4) / 2
        if style.two_line:
            upper, lower = style.lines
            split = y0 + (y1 - y0) * 2 // 5
            small = self._fitted(upper, width * 0.7, split - y0 - 2)
            big = self._fitted(lower, width, y1 - split - 2)
            ink = style.ink
            draw.text((centre, (y0 + split) / 2 + 1), upper, font=small, fill=ink, anchor="mm")
            draw.text((centre, (split + y1) / 2), lower, font=big, fill=ink, anchor="mm")
            return
        (line,) = style.lines
        font = self._fitted(line, width, y1 - y0 - 6)
        draw.text((centre, (y0 + y1) / 2 + 1), line, font=font, fill=style.ink, anchor="mm")

    def _stamp(self, draw: ImageDraw.ImageDraw, camera_id: str, local: datetime) -> None:
        font = self._font(11)
        draw.rectangle((0, 0, WIDTH, BAND), fill=BLACK_INK)
        draw.rectangle((0, HEIGHT - BAND, WIDTH, HEIGHT), fill=BLACK_INK)
        stamp = local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d} KST"
        white = (240, 240, 240)
        draw.text((4, BAND / 2), f"CAM {camera_id}", font=font, fill=white, anchor="lm")
        draw.text((4, HEIGHT - BAND / 2), stamp, font=font, fill=white, anchor="lm")
