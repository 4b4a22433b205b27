"""How a Korean plate looks, by kind: background, ink, one or two lines, the film mark.

The colour schemes follow the MOLIT plate notice (국토교통부고시 「자동차 등록번호판
등의 기준에 관한 고시」) as the public describes it:

- private 비사업용, rental 대여사업용 (하·허·호), emergency vehicles 긴급 (998/999):
  white, black characters;
- commercial 사업용 (바·사·아·자), delivery 택배용 (배): yellow, black characters,
  the region name on regional plates;
- diplomatic 외교용 (외교, 영사 …): navy (감청색), white characters;
- construction machinery 건설기계 (0NN): orange (주황색), black characters, for
  business use (바·사·아·자); white, black characters otherwise;
- old regional 구 지역 번호판 (서울12가3456, issued until 2006): green (녹색), white
  characters, two lines.

Plates with a 3-digit class (issued since 2019) carry the reflective film's mark on the
left: the 태극 symbol and ``KOR``. Electric and hydrogen cars (sky blue) and corporate
cars over 80 million won (연두색, 2024) have their own colours, but a plate number does
not say which car is electric or corporate, so ``safenet.plates`` knows no such kind and
none is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from safenet.plates import Plate, PlateKind
from safenet.plates.alphabet import COMMERCIAL_SYLLABLES

RGB = tuple[int, int, int]

WHITE: RGB = (250, 250, 246)
YELLOW: RGB = (244, 194, 0)
NAVY: RGB = (28, 40, 96)
ORANGE: RGB = (234, 116, 28)
GREEN: RGB = (36, 108, 60)
BLACK_INK: RGB = (18, 18, 18)
WHITE_INK: RGB = (246, 246, 242)
TAEGEUK_RED: RGB = (205, 46, 58)
TAEGEUK_BLUE: RGB = (0, 71, 160)


@dataclass(frozen=True, slots=True)
class PlateStyle:
    """The look of one plate: colours, layout, and the lines of text it carries."""

    background: RGB
    ink: RGB
    lines: tuple[str, ...]
    film_mark: bool
    name: str

    @property
    def two_line(self) -> bool:
        """Regional plates stack region and class above usage and serial."""
        return len(self.lines) == 2


def plate_style(plate: Plate) -> PlateStyle:
    """The style a camera would see on ``plate``."""
    kind = plate.kind
    film = len(plate.class_number) == 3 and kind is not PlateKind.DIPLOMATIC
    if kind is PlateKind.DIPLOMATIC:
        return PlateStyle(
            NAVY, WHITE_INK, (f"{plate.usage} {plate.class_number}-{plate.serial}",), False, kind
        )
    lines: tuple[str, ...]
    if plate.region is not None:
        lines = (f"{plate.region} {plate.class_number}", f"{plate.usage} {plate.serial}")
    else:
        lines = (f"{plate.class_number}{plate.usage} {plate.serial}",)
    if kind in (PlateKind.COMMERCIAL, PlateKind.DELIVERY):
        return PlateStyle(YELLOW, BLACK_INK, lines, False, kind)
    if kind is PlateKind.OLD_REGIONAL:
        return PlateStyle(GREEN, WHITE_INK, lines, False, kind)
    if kind is PlateKind.CONSTRUCTION:
        business = plate.usage in COMMERCIAL_SYLLABLES
        return PlateStyle(ORANGE if business else WHITE, BLACK_INK, lines, False, kind)
    # private, rental and emergency vehicles all carry the white plate.
    return PlateStyle(WHITE, BLACK_INK, lines, film, kind)
