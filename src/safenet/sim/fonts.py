"""Finding a font with Hangul for the cameras' burnt-in text and plates, with no network.

Run time never downloads anything: the font comes from the machine. The search order:

1. the ``sim.snapshot_font`` setting (``SAFENET_SIM__SNAPSHOT_FONT``), when set;
2. Debian's Korean font packages, bold faces first: ``fonts-nanum`` (installed at set-up
   by ``scripts/fonts.sh`` and ``scripts/browser.sh``), ``fonts-noto-cjk``,
   ``fonts-unfonts-core``, ``fonts-baekmuk``;
3. whatever ``fc-match`` names for Korean, when fontconfig is installed.

A candidate counts only when it really draws Hangul (a font without it would draw the
same empty box for every syllable). With none found, :class:`SnapshotFontMissing` says
what to install.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from PIL import ImageFont

DEBIAN_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    "/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf",
    "/usr/share/fonts/truetype/nanum/NanumSquareB.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/unfonts-core/UnDotumBold.ttf",
    "/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf",
    "/usr/share/fonts/truetype/baekmuk/dotum.ttf",
)
"""Where Debian's Korean font packages put a usable face, most wanted first."""

INSTALL_HINT = (
    "install Debian's fonts-nanum (as root: apt-get install -y fonts-nanum; "
    "scripts/fonts.sh does it) or set SAFENET_SIM__SNAPSHOT_FONT to a TrueType/OpenType "
    "file that has Hangul"
)


class SnapshotFontMissing(RuntimeError):
    """No font on this machine can draw the Hangul of a plate."""


def draws_hangul(path: Path) -> bool:
    """Whether the font file at ``path`` has real glyphs for Hangul syllables."""
    try:
        font = ImageFont.truetype(str(path), 24, layout_engine=ImageFont.Layout.BASIC)
    except OSError:
        return False
    # A missing glyph is drawn as the font's one "notdef" box, so two different
    # syllables would come out identical.
    ga, ho = font.getmask("가"), font.getmask("호")
    if ga.size == (0, 0) or ga.getbbox() is None:
        return False
    return bytes(ga) != bytes(ho) or ga.size != ho.size


def _fc_match() -> Path | None:
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "-f", "%{file}", ":lang=ko:weight=bold"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out) if out else None


@functools.cache
def find_font(configured: Path | None = None) -> Path:
    """The font file snapshots are drawn with; raises :class:`SnapshotFontMissing`."""
    if configured is not None:
        if not configured.is_file():
            raise SnapshotFontMissing(f"sim.snapshot_font: {configured} is not a file")
        if not draws_hangul(configured):
            raise SnapshotFontMissing(
                f"sim.snapshot_font: {configured} cannot draw Hangul; {INSTALL_HINT}"
            )
        return configured
    for name in DEBIAN_FONTS:
        path = Path(name)
        if path.is_file() and draws_hangul(path):
            return path
    matched = _fc_match()
    if matched is not None and matched.is_file() and draws_hangul(matched):
        return matched
    raise SnapshotFontMissing(
        "no font with Hangul found for the camera snapshots (looked at "
        f"{', '.join(DEBIAN_FONTS[:2])} … and fc-match): {INSTALL_HINT}"
    )
