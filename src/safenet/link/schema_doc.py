"""The message reference in docs/link.md, generated from the message classes themselves.

The section between the two markers is rewritten by ``safenet link schemas``; a test
runs the same generation and fails when a message changed and the doc did not.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import msgspec

from safenet.link.messages import (
    MESSAGE_TYPES,
    REPORT_SCHEMA_VERSION,
    SCHEMA_VERSION,
    LinkMessage,
    message_type,
)

BEGIN = "<!-- BEGIN GENERATED MESSAGE SCHEMAS: edit with `safenet link schemas` -->"
END = "<!-- END GENERATED MESSAGE SCHEMAS -->"

_TO_CENTERS = "police → centers, `safenet.v1.hotlist.all` or `safenet.v1.hotlist.<center>`"
_ROUTES: dict[str, str] = {
    "hotlist_snapshot": _TO_CENTERS,
    "hotlist_delta": _TO_CENTERS,
    "hotlist_ack": "center → police, `safenet.v1.ack.<center>`",
    "location_report": "center → police, `safenet.v1.report.<center>`",
    "hit_update": "center → police, `safenet.v1.update.<center>`",
    "lookup_cap_exceeded": "center → police, `safenet.v1.update.<center>`",
    "evidence_request": "police → one center, `safenet.v1.evidence.request.<center>`",
    "evidence_package": "center → police, `safenet.v1.evidence.reply.<center>`",
    "evidence_part": "center → police, `safenet.v1.evidence.reply.<center>`",
    "evidence_denial": "center → police, `safenet.v1.evidence.reply.<center>`",
    "heartbeat": "both ways, `safenet.v1.heartbeat.<site>`",
    "camera_registry": "center → police, `safenet.v1.registry.<center>`",
    "audit_head": "both ways, `safenet.v1.audit.<site>`",
    "heads_up": "police → one center, `safenet.v1.headsup.<center>`",
    "transition_counts": "center → police, `safenet.v1.transitions.<center>`",
}

_KEYS: dict[str, str] = {
    "hotlist_snapshot": "target, version, part",
    "hotlist_delta": "target, version",
    "hotlist_ack": "site, version",
    "location_report": "site, hit_id",
    "hit_update": "site, hit_id, decision, decided_at",
    "lookup_cap_exceeded": "site, entry_id, hotlist_version",
    "evidence_request": "site, request_id",
    "evidence_package": "site, request_id",
    "evidence_part": "site, request_id, part",
    "evidence_denial": "site, request_id",
    "heartbeat": "site, sent_at",
    "camera_registry": "site, version, part",
    "audit_head": "site, kind, seq",
    "heads_up": "site, heads_up_id",
    "transition_counts": "site, issued_at",
}


def _clean(node: Any) -> Any:
    # Docstrings arrive with their source indentation; the doc wants them flush.
    if isinstance(node, dict):
        return {
            k: inspect.cleandoc(v) if k == "description" and isinstance(v, str) else _clean(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


def _section(cls: type[LinkMessage]) -> str:
    tag = message_type(cls)
    summary = (inspect.getdoc(cls) or "").splitlines()[0]
    schema = _clean(msgspec.json.schema(cls))
    body = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False)
    return (
        f"### `{tag}` — {cls.__name__}\n\n"
        f"{summary}\n\n"
        f"- Route: {_ROUTES[tag]}\n"
        f"- Message id: UUIDv5 of `{tag}` and ({_KEYS[tag]})\n\n"
        f"```json\n{body}\n```\n"
    )


def generated_section() -> str:
    """The text that belongs between the markers."""
    parts = [
        BEGIN,
        "",
        f"Schema version {SCHEMA_VERSION}; `location_report` {REPORT_SCHEMA_VERSION} (version 1 "
        "still read). Generated from `safenet.link.messages`; do not edit by hand.",
        "",
    ]
    parts += [_section(cls) for cls in MESSAGE_TYPES]
    parts.append(END)
    return "\n".join(parts)


def update_doc(path: Path, *, write: bool = True) -> bool:
    """Replace the generated section of ``path``; return True if it was (or would be) changed."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    else:
        head, tail = (text.rstrip("\n") + "\n\n" if text else ""), "\n"
    new = head + generated_section() + tail
    changed = new != text
    if changed and write:
        path.write_text(new, encoding="utf-8")
    return changed
