"""The consoles' catalogue (static/lib/i18n.js) as texts a page may show, per language.

A page text passes when it is made of catalogue texts of the page's language (each
``{param}`` a wildcard for the value put in), and characters that are no letters
(digits, punctuation, the separators between catalogue texts). Data — plates, names,
case numbers, camera ids, addresses — is recognised by the DOM (``data-value``), not
here: the walk test never shows this module a text inside a data element.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "src" / "safenet" / "web" / "static" / "lib"
I18N = LIB / "i18n.js"
# The one catalogue in several files: i18n.js merges the words_*.js parts into WORDS.
PARTS = (I18N, *sorted(LIB.glob("words_*.js")))
LANGUAGES = ("ko", "en")

# Symbols that are the same in both languages and in the catalogue's own texts: the
# time zone every time is written in, and units (the Korean texts write km as well).
UNITS = ("KST", "km/h", "km")

# The extract runs the catalogue file's object literal through Node, so that what is
# tested is exactly what the browser evaluates (comments, quotes, trailing commas).
_EXTRACT = r"""
const all = {};
for (const file of process.argv.slice(1)) {
  const src = require('fs').readFileSync(file, 'utf8');
  const m = src.match(/const [A-Z_]*WORDS = (\{[\s\S]*?\n\});/);
  if (!m) { console.error('no WORDS object in ' + file); process.exit(2); }
  Object.assign(all, eval('(' + m[1] + ')'));
}
process.stdout.write(JSON.stringify(all));
"""


@cache
def words() -> dict[str, tuple[str, str]]:
    """Every catalogue key with its Korean and English texts."""
    out = subprocess.run(
        ["node", "-e", _EXTRACT, *map(str, PARTS)], capture_output=True, text=True, check=True
    ).stdout
    return {key: (pair[0], pair[1]) for key, pair in json.loads(out).items()}


_PARAM = re.compile(r"\{[a-z_]+\}")
_NOT_A_LETTER = re.compile(r"[\W\d_]")
# A wildcard ends where a letter cannot continue the text it stands for.
_END = r"(?![^\W\d_])"


@dataclass
class Catalogue:
    """The texts of one language, indexed for matching page texts against."""

    language: str
    literals: set[str] = field(default_factory=set)
    by_first: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    _seen: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def of(cls, language: str) -> Catalogue:
        catalogue = cls(language)
        index = LANGUAGES.index(language)
        texts = [pair[index] for pair in words().values()] + list(UNITS)
        for text in texts:
            text = " ".join(text.split())
            if not text:
                continue
            if _PARAM.search(text):
                parts = _PARAM.split(text)
                body = "(.+?)".join(re.escape(p) for p in parts)
                catalogue.patterns.append(re.compile(body + _END))
                if text.endswith("}"):  # a value at the end may hold letters, spaces …
                    catalogue.patterns.append(re.compile(body[: -len("(.+?)")] + "(.+)$"))
            else:
                catalogue.literals.add(text)
                catalogue.by_first[text[0]].append(text)
        for firsts in catalogue.by_first.values():
            firsts.sort(key=len, reverse=True)
        return catalogue

    def passes(self, text: str) -> bool:
        """Whether a page text is catalogue texts and non-letters only (see the module)."""
        text = " ".join(text.split())
        known = self._seen.get(text)
        if known is None:
            known = self._seen[text] = self._passes(text)
        return known

    def _passes(self, text: str) -> bool:
        if text in self.literals or not any(c.isalpha() for c in text):
            return True
        return self._segments(text, with_params=False) or self._segments(text, with_params=True)

    def _segments(self, text: str, *, with_params: bool) -> bool:
        n = len(text)
        reach = [False] * (n + 1)
        reach[0] = True
        for i in range(n):
            if not reach[i]:
                continue
            if _NOT_A_LETTER.match(text[i]):
                reach[i + 1] = True
            for literal in self.by_first.get(text[i], ()):
                if text.startswith(literal, i):
                    reach[i + len(literal)] = True
            if with_params:
                for pattern in self.patterns:
                    found = pattern.match(text, i)
                    if found:
                        reach[found.end()] = True
        return reach[n]


LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# An address or a command line in a text (…/console/#token=…) is code, not words.
CODE_TOKEN = re.compile(r"\S*[/#=]\S*")


def latin_words(text: str) -> list[str]:
    """The Latin words of three letters or more in a text, outside addresses and code."""
    return LATIN_WORD.findall(CODE_TOKEN.sub(" ", text))
