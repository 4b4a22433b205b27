"""What the demo's terminal counts, read from the centers' own records.

The candidates and the decisions come from each center's database (its ``hits`` and
``evidence_requests`` tables), so a decision made by a person at a console counts the
same as one the simulated operators made; ``decided_by`` tells the two apart (the
simulated operator has an identity of its own, :func:`sim_operator_subject`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from safenet.center.tables import hits as center_hits
from safenet.demo.stack import DemoStack, sim_operator_subject
from safenet.evidence.tables import evidence_requests


@dataclass(frozen=True)
class CenterFigures:
    """One center's hits, waiting candidates and decisions, from its database."""

    site: str
    name: str
    manual: bool  # left to a person (no simulated operator works here)
    hits: int
    waiting: int  # candidates (and held hits) waiting for an operator
    confirmed: int
    rejected: int
    at_console: int  # decisions not made by the simulated operator
    evidence_waiting: int  # evidence requests waiting for the center's answer

    @property
    def decided(self) -> int:
        return self.confirmed + self.rejected


def center_figures(stack: DemoStack, manual_sites: Iterable[str] = ()) -> list[CenterFigures]:
    """Every center's figures now (blocking: call it in a thread from the event loop)."""
    manual = frozenset(manual_sites)
    out: list[CenterFigures] = []
    for handle in stack.centers.values():
        with handle.db.read() as conn:
            states: dict[str, int] = {
                str(state): int(n)
                for state, n in conn.execute(
                    sa.select(center_hits.c.state, sa.func.count()).group_by(center_hits.c.state)
                )
            }
            at_console = conn.execute(
                sa.select(sa.func.count())
                .select_from(center_hits)
                .where(
                    center_hits.c.state.in_(("confirmed", "rejected")),
                    center_hits.c.decided_by.is_not(None),
                    center_hits.c.decided_by != sim_operator_subject(handle.site),
                )
            ).scalar_one()
            evidence_waiting = conn.execute(
                sa.select(sa.func.count())
                .select_from(evidence_requests)
                .where(evidence_requests.c.state == "pending")
            ).scalar_one()
        out.append(
            CenterFigures(
                site=handle.site,
                name=handle.name,
                manual=handle.site in manual,
                hits=sum(states.values()),
                waiting=states.get("pending", 0),
                confirmed=states.get("confirmed", 0),
                rejected=states.get("rejected", 0),
                at_console=int(at_console),
                evidence_waiting=int(evidence_waiting),
            )
        )
    return out


def decision_counts(figures: Iterable[CenterFigures]) -> dict[str, int]:
    """Every decision at every center: confirmed, rejected, and how many at a console."""
    rows = list(figures)
    return {
        "confirmed": sum(f.confirmed for f in rows),
        "rejected": sum(f.rejected for f in rows),
        "at_consoles": sum(f.at_console for f in rows),
    }


def progress_line(
    elapsed_s: float, reads: int, alerts: int, figures: Iterable[CenterFigures]
) -> str:
    """One line of headless progress (stderr), e.g. every 10 s."""
    rows = list(figures)
    waiting = sum(f.waiting for f in rows)
    manual = [f for f in rows if f.manual]
    where = ", ".join(f"{f.name} {f.waiting}" for f in manual if f.waiting)
    decided = decision_counts(rows)
    evidence = sum(f.evidence_waiting for f in manual)
    parts = [
        f"progress {elapsed_s:4.0f} s: reads {reads:,}",
        f"hits {sum(f.hits for f in rows):,}",
        f"candidates waiting {waiting:,}" + (f" ({where})" if where else ""),
        f"decided {decided['confirmed'] + decided['rejected']:,} "
        f"({decided['at_consoles']} at a console)",
        f"alerts {alerts:,}",
    ]
    if evidence:
        parts.append(f"evidence requests waiting {evidence}")
    return " · ".join(parts)
