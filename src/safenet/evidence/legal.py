"""The lawful bases of a provision and the words the register uses for them.

개인정보보호법 제18조제2항 lets a public body provide personal (video) information to a
third party beyond its purpose in listed cases (items 5–9 for public bodies only; item
4 was deleted in 2020). An emergency wanted case rests on three of them, or on a
warrant (영장):

- 제2호: another law provides for it specially;
- 제3호: clearly needed for the urgent life, body or property of the person or another;
- 제7호: needed for investigating a crime and bringing and keeping a prosecution.

The others (consent, a committee resolution, a treaty, a court's own work, executing a
sentence, public health) are not how the police ask a smart-city center for a wanted
vehicle's pictures, so a request citing them is refused with the reason.
"""

from __future__ import annotations

import re
from typing import Final

from safenet.evidence.errors import Problem
from safenet.link.messages import LegalBasis, PipaBasis, WarrantBasis
from safenet.vocabulary import DANGER_TO_LIFE, LABELS_KO

PIPA_18_2_ITEMS: dict[int, str] = {
    1: "정보주체의 별도 동의",
    2: "다른 법률의 특별한 규정",
    3: "급박한 생명·신체·재산의 이익",
    5: "소관 업무 수행(보호위원회 심의·의결)",
    6: "조약 등 국제협정의 이행",
    7: "범죄의 수사와 공소의 제기 및 유지",
    8: "법원의 재판업무 수행",
    9: "형 및 감호, 보호처분의 집행",
    10: "공중위생 등 공공의 안전과 안녕",
}
"""Items of 개인정보보호법 제18조제2항 in force, in short (item 4 was deleted)."""

POLICE_ITEMS: frozenset[int] = frozenset({2, 3, 7})
"""The items an officer may cite when asking a center for evidence in a wanted case."""

CATEGORY_LABELS: Final[dict[str, str]] = LABELS_KO
"""The register's Korean name for each category: the consoles' (safenet.vocabulary)."""

_LAW = "개인정보보호법 제18조제2항"
_PIPA_TEXT = re.compile(r"^개인정보보호법 제18조제2항제(\d{1,2})호$")
_WARRANT_TEXT = re.compile(r"^영장 (\S.{0,63})$")


def describe_basis(basis: LegalBasis) -> str:
    """The basis as the register writes it: ``개인정보보호법 제18조제2항제7호`` or ``영장 …``."""
    if isinstance(basis, PipaBasis):
        return f"{_LAW}제{basis.item}호"
    return f"영장 {basis.number}"


def explain_basis(basis: LegalBasis) -> str:
    """The basis with what it means, for a person reading a package or a denial."""
    if isinstance(basis, PipaBasis):
        return f"{describe_basis(basis)} ({PIPA_18_2_ITEMS.get(basis.item, '?')})"
    return f"{describe_basis(basis)} (압수·수색영장)"


def parse_basis(text: str) -> LegalBasis:
    """The basis a register cell names; raises ValueError naming what is expected."""
    pipa = _PIPA_TEXT.match(text)
    if pipa is not None:
        return PipaBasis(item=int(pipa.group(1)))
    warrant = _WARRANT_TEXT.match(text)
    if warrant is not None:
        return WarrantBasis(number=warrant.group(1))
    raise ValueError(f"{text!r} is neither '{_LAW}제N호' nor '영장 <number>'")


def basis_problems(basis: LegalBasis, category: str) -> list[Problem]:
    """Why this basis cannot carry an officer's request in a wanted case, if it cannot."""
    if isinstance(basis, WarrantBasis):
        if not basis.number.strip():
            return [Problem("legal_basis.number", "the warrant number is empty")]
        return []
    if basis.item not in PIPA_18_2_ITEMS:
        return [Problem("legal_basis.item", f"{_LAW}제{basis.item}호 does not exist")]
    if basis.item not in POLICE_ITEMS:
        allowed = ", ".join(f"제{i}호" for i in sorted(POLICE_ITEMS))
        return [
            Problem(
                "legal_basis.item",
                f"{explain_basis(basis)} is not a basis for a police evidence request in a "
                f"wanted case; cite {allowed} or a warrant number",
            )
        ]
    if basis.item == 3 and category not in DANGER_TO_LIFE and category != "kidnapping":
        return [
            Problem(
                "legal_basis.item",
                f"제3호 (urgent danger to life) does not fit category {category!r}; cite 제7호 "
                "(criminal investigation) or a warrant",
            )
        ]
    return []
