"""Bringing a plate as typed or read into its one canonical spelling.

Only differences that cannot change which plate is meant are folded: separators
(spaces, hyphens, dots, middle dots), full-width digits and decomposed Hangul.
Anything else that cannot appear on a plate is an error, never dropped: a read
with a stray Latin letter is a misread, and a public-safety system must not guess.
"""

from __future__ import annotations

import unicodedata

from safenet.plates.alphabet import PLATE_CHARS
from safenet.plates.errors import PlateError

MAX_PLATE_LENGTH = 16
"""Longest normalized plate accepted. The longest real one has 9 characters."""

MAX_INPUT_LENGTH = 256
"""Longest raw input looked at; bounds the work spent on hostile or broken input."""

SEPARATORS: frozenset[str] = frozenset(
    " \u00a0\u3000"  # space, no-break space, ideographic (full-width) space
    "-\u2010\u2011\u2012\u2013\u2212\uff0d"  # hyphen-minus, hyphens, figure/en dash, minus
    ".\uff0e"  # full stop, full-width full stop
    "\u00b7\u2027\u2219\u30fb\uff65"  # middle dot, hyphenation point, bullet operator, katakana
    "\u318d"  # ㆍ (arae-a), which Korean keyboards type as a middle dot
)
"""Characters removed before parsing. Tabs, newlines and other controls are not here."""

_FULL_WIDTH_DIGITS: dict[str, str] = {chr(0xFF10 + i): str(i) for i in range(10)}


def normalize(text: str) -> str:
    """The canonical spelling of a plate as typed or read; raises :class:`PlateError`.

    Removes separators, folds full-width digits to ASCII and composes decomposed
    Hangul (NFC). Raises for any character that cannot appear in a plate, for
    empty input and for more than 16 characters after folding. Does not check the
    plate grammar (see :func:`safenet.plates.parse`). Idempotent.
    """
    if not isinstance(text, str):
        raise PlateError(f"plate must be text, not {type(text).__name__}", code="plate.not_text")
    # Fast path for reads that are already canonical, which is nearly all of them.
    if 0 < len(text) <= MAX_PLATE_LENGTH and PLATE_CHARS.issuperset(text):
        return text
    return _fold(text, keep_syllables=False)


def fold_keeping_syllables(text: str) -> str:
    """Like :func:`normalize`, but lets any Hangul syllable through; raises :class:`PlateError`.

    Only for diagnosis: the grammar then names the part an unknown syllable sits in
    (``unknown usage syllable '차'``) instead of just refusing the character.
    """
    return _fold(text, keep_syllables=True)


def _fold(text: str, *, keep_syllables: bool) -> str:
    if len(text) > MAX_INPUT_LENGTH:
        raise PlateError(
            f"plate is too long: {len(text)} characters (at most {MAX_PLATE_LENGTH})",
            field="length",
            code="plate.too_long",
            params={"length": len(text), "max": MAX_PLATE_LENGTH},
        )
    folded: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in SEPARATORS:
            continue
        ch = _FULL_WIDTH_DIGITS.get(ch, ch)
        if ch not in PLATE_CHARS and not (keep_syllables and _is_hangul_syllable(ch)):
            raise PlateError(
                f"character {show_char(ch)} cannot appear in a plate",
                field="character",
                code="plate.character",
                params={"char": show_char(ch)},
            )
        folded.append(ch)
    if not folded:
        raise PlateError(
            "plate is empty" if not text else "plate is empty after removing separators",
            code="plate.empty",
        )
    if len(folded) > MAX_PLATE_LENGTH:
        raise PlateError(
            f"plate is too long: {len(folded)} characters after removing separators "
            f"(at most {MAX_PLATE_LENGTH})",
            field="length",
            code="plate.too_long",
            params={"length": len(folded), "max": MAX_PLATE_LENGTH},
        )
    return "".join(folded)


def _is_hangul_syllable(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def show_char(ch: str) -> str:
    """A character as an error message may safely quote it: ``'x' (U+0078)`` or ``U+0007``.

    Control characters, lone surrogates, combining marks and other characters that
    would not show on their own are given by code point only, so that a message
    never carries them into a log or terminal.
    """
    code = f"U+{ord(ch):04X}"
    if ch.isprintable() and not ch.isspace() and not unicodedata.category(ch).startswith("M"):
        return f"'{ch}' ({code})"
    return code
