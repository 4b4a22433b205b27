"""The catalogue words every vocabulary value and every explanation code, in both languages.

Issue 18: the consoles word the matcher's structured explanation and the decision's
factor codes from lib/i18n.js, and label colours, body types and makes from the
controlled vocabulary. A value or code without a Korean and an English entry would
show as a bare code on an operator's screen.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from safenet.matching.decision import Rule
from safenet.matching.explain import DIFFERENCES, KINDS
from safenet.plates import PART_CODES
from safenet.vehicles import BodyType, Colour
from safenet.vehicles.vocabulary import MAKES
from tests.matching.test_decision_codes import CODES

LIB = Path(__file__).parents[2] / "src/safenet/web/static/lib"
CATALOGUE = LIB / "words_explain.js"  # the catalogue's part for explanations and labels
_ENTRY = re.compile(r"^\s*'([a-z0-9_.]+)':\s*\[\s*'((?:[^'\\]|\\.)*)',\s*'((?:[^'\\]|\\.)*)'", re.M)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
ACRONYMS = {"SUV", "BMW", "KG"}  # Korean writes these in Latin letters too


def _entries() -> dict[str, tuple[str, str]]:
    files = [LIB / "i18n.js", *sorted(LIB.glob("words_*.js"))]
    text = "\n".join(f.read_text(encoding="utf-8") for f in files)
    return {m[1]: (m[2], m[3]) for m in _ENTRY.finditer(text)}


def _block() -> dict[str, tuple[str, str]]:
    text = CATALOGUE.read_text(encoding="utf-8")
    start = text.index("// Match explanations and vehicle labels (h18explain)")
    end = text.index("// end of: Match explanations and vehicle labels (h18explain)")
    return {m[1]: (m[2], m[3]) for m in _ENTRY.finditer(text[start:end])}


def _keys() -> list[str]:
    keys = [f"colour.{c.value}" for c in Colour]
    keys += [f"body.{b.value}" for b in BodyType]
    keys += [f"make.{m}" for m in MAKES]
    keys += [f"why.{k}" for k in KINDS if k != "misread"]  # a misread: its differences
    keys += [f"why.diff.{d}" for d in DIFFERENCES]
    keys += [f"why.part.{p}" for p in PART_CODES]
    keys += [f"rule.{r.value}" for r in Rule]
    for factor, codes in CODES.items():
        for code in codes:
            if factor in ("colour", "type", "make"):
                keys.append(f"factor.part.{code}")
            elif factor in ("base", "plate"):
                keys.append(f"factor.{factor}")
            else:
                keys.append(f"factor.{factor}.{code}")
    return sorted(set(keys))


@pytest.mark.parametrize("key", _keys())
def test_every_value_and_code_has_a_korean_and_an_english_entry(key: str) -> None:
    entries = _entries()
    assert key in entries, f"{key}: not in the catalogue (lib/i18n.js)"
    ko, en = entries[key]
    assert ko.strip(), f"{key}: no Korean text"
    assert en.strip(), f"{key}: no English text"


def test_vocabulary_labels_match_the_python_vocabulary() -> None:
    entries = _entries()
    for c in Colour:
        assert entries[f"colour.{c.value}"] == (c.ko, c.en)
    for b in BodyType:
        assert entries[f"body.{b.value}"] == (b.ko, b.en)
    for code, (ko, en) in MAKES.items():
        assert entries[f"make.{code}"] == (ko, en)


def test_the_korean_texts_of_the_block_have_no_english_words() -> None:
    block = _block()
    assert len(block) > 40
    for key, (ko, _) in block.items():
        words = set(_LATIN_WORD.findall(re.sub(r"\{[a-z_]+\}", "", ko))) - ACRONYMS
        assert not words, f"{key}: English in the Korean text: {sorted(words)}"
