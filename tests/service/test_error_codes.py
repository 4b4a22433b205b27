"""Every error code the server can send is registered, worded in both languages, documented.

The codes come from one table (:data:`safenet.service.codes.CODES`); the consoles word
them from ``err.<code>`` in ``web/static/lib/i18n.js``. A code used in ``src/`` but not
registered, a registered code no one uses, one the catalogue lacks in Korean or English,
or one docs/api.md does not list, fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from safenet.service.codes import CODES

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "safenet"
CATALOGUE = SRC / "web" / "static" / "lib" / "words_errors.js"  # the catalogue's error part
CODES_FILE = SRC / "service" / "codes.py"
PREFIXES = sorted({code.split(".")[0] for code in CODES})
# A code as the raisers write it: key="…", code="…", default_key = "…", or a table value.
USE = re.compile(
    r"""(?:\bkey|\bcode|\bdefault_key)\s*=\s*"([a-z_]+\.[a-z_.]+)"|:\s*"([a-z_]+\.[a-z_.]+)",?\s*$""",
    re.MULTILINE,
)
ENTRY = re.compile(
    r"""'(err\.[a-z0-9_.]+)':\s*\[\s*'((?:[^'\\]|\\.)*)',\s*'((?:[^'\\]|\\.)*)',?\s*\]""",
    re.DOTALL,
)
HANGUL = re.compile(r"[가-힣]")


def _catalogue() -> dict[str, tuple[str, str]]:
    return {key: (ko, en) for key, ko, en in ENTRY.findall(CATALOGUE.read_text("utf-8"))}


def _used_codes() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if path == CODES_FILE:
            continue
        for match in USE.finditer(path.read_text("utf-8")):
            code = match.group(1) or match.group(2)
            if code.split(".")[0] in PREFIXES:
                used.setdefault(code, []).append(str(path.relative_to(ROOT)))
    return used


def test_the_catalogue_parser_finds_the_block() -> None:
    catalogue = _catalogue()
    assert len(catalogue) >= len(CODES)
    assert catalogue["err.plate.serial_length"][0].startswith("일련번호")


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_worded_in_korean_and_english(code: str) -> None:
    catalogue = _catalogue()
    assert f"err.{code}" in catalogue, f"i18n.js has no 'err.{code}'"
    ko, en = catalogue[f"err.{code}"]
    assert HANGUL.search(ko), f"err.{code}: the Korean text has no Hangul: {ko!r}"
    assert en.strip(), f"err.{code}: no English text"
    assert en != ko, f"err.{code}: no English text of its own: {en!r}"
    # The two languages fill in the same parameters.
    assert set(re.findall(r"\{(\w+)\}", ko)) == set(re.findall(r"\{(\w+)\}", en)), code


def test_every_code_used_in_the_source_is_registered() -> None:
    used = _used_codes()
    assert "registry.approver_same" in used  # the scan finds the raisers
    unknown = {code: where for code, where in used.items() if code not in CODES}
    assert not unknown, f"codes used but not in safenet/service/codes.py: {unknown}"


def test_every_registered_code_is_used_somewhere() -> None:
    text = "\n".join(p.read_text("utf-8") for p in SRC.rglob("*.py") if p != CODES_FILE)
    unused = [code for code in CODES if f'"{code}"' not in text]
    assert not unused, f"registered but never sent: {unused}"


def test_every_code_is_listed_in_the_api_docs() -> None:
    docs = (ROOT / "docs" / "api.md").read_text("utf-8")
    missing = [code for code in CODES if f"`{code}`" not in docs]
    assert not missing, f"docs/api.md does not list: {missing}"


def test_plate_and_pattern_errors_carry_registered_codes() -> None:
    from safenet.matching.patterns import PatternError, parse_pattern
    from safenet.plates import PlateError, parse

    bad_plates = [
        "",
        "12가345",
        "12가",
        "12",
        "12차3456",
        "12가가3456",
        "서울",
        "서울123가4567",
        "1가3456",
        "1234가5678",
        "000가1234",
        "12가3456789",
        "외교",
        "외교12",
        "외교123456가",
        "가3456",
        "부잔12가3456",
        "ab12가3456",
        "12가3456x",
        "12가\t3456",
        "1" * 40,
        "12가3456 7",
    ]
    for text in bad_plates:
        with pytest.raises(PlateError) as caught:
            parse(text)
        assert caught.value.code in CODES, (text, caught.value.code)
        assert caught.value.code != "plate.invalid", text
    for text in ["", "12가**", "1*2가34", "*", "12가3@??", "가나다?"]:
        with pytest.raises(PatternError) as refused:
            parse_pattern(text)
        assert refused.value.code in CODES, (text, refused.value.code)
