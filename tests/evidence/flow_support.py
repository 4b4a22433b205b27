"""Helpers of the evidence flow tests: the officer's request body, the register, a hit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from safenet.evidence import decode_manifest
from safenet.evidence.tables import evidence_provisions
from tests.evidence.stack import EvidenceStack, evidence_stack

PLATE = "12가3456"


def ask(site: str, entry_id: str, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "site": site,
        "entry_id": entry_id,
        "items": items,
        "purpose": "약취 피의차량 현장 사진 및 도주경로 확인",
        "legal_basis": {"kind": "pipa_18_2", "item": 7},
        "rank": "경위",
        "agency": "서울서초경찰서 형사과",
        **extra,
    }


def released(stack: EvidenceStack, site: str) -> list[Any]:
    """Every (package id, file) that left this center's evidence store."""
    with stack.centers[site].db.read() as conn:
        rows = conn.execute(sa.select(evidence_provisions.c.manifest)).all()
    out = []
    for row in rows:
        manifest = decode_manifest(row.manifest)
        out += [(manifest.package_id, f) for f in manifest.files]
    return out


def register_rows(stack: EvidenceStack, site: str) -> list[Any]:
    return stack.centers[site].evidence.records()


@asynccontextmanager
async def one_hit(tmp_path: Path, **kwargs: Any) -> AsyncIterator[tuple[EvidenceStack, str, str]]:
    async with evidence_stack(tmp_path, **kwargs) as stack:
        entry = await stack.wanted(PLATE, category=kwargs.pop("category", "kidnapping"))
        hit = await stack.hit("seocho", PLATE, "SC-01", "r-1")
        yield stack, entry, hit
