"""How every benchmark reports: a rich table on the terminal and the same figures as JSON.

A benchmark builds a :class:`BenchReport`, adds rows (one per measured configuration,
each a flat mapping of column name to value) and notes (what the figures mean, which
targets hold), then calls :meth:`BenchReport.emit`.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:,.2f}"
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


@dataclass
class BenchTable:
    """One table of a benchmark: a title and rows sharing the same columns."""

    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, **row: Any) -> None:
        self.rows.append(row)

    def columns(self) -> list[str]:
        cols: list[str] = []
        for row in self.rows:
            for key in row:
                if key not in cols:
                    cols.append(key)
        return cols


@dataclass
class BenchReport:
    """The figures of one ``safenet bench`` run."""

    name: str
    parameters: dict[str, Any] = field(default_factory=dict)
    tables: list[BenchTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)

    def table(self, title: str) -> BenchTable:
        t = BenchTable(title)
        self.tables.append(t)
        return t

    def note(self, text: str) -> None:
        self.notes.append(text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.name,
            "parameters": self.parameters,
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
            "started_unix": self.started,
            "duration_s": round(time.time() - self.started, 3),
            "tables": {t.title: t.rows for t in self.tables},
            "notes": self.notes,
        }

    def emit(self, json_path: Path | None = None, console: Console | None = None) -> None:
        """Print every table and note, and write the JSON file when asked."""
        # Benchmark tables are wide; piped output would otherwise be cut at 80 columns.
        console = console or Console(width=None if sys.stdout.isatty() else 160)
        for t in self.tables:
            table = Table(title=f"{self.name}: {t.title}", title_justify="left")
            cols = t.columns()
            for col in cols:
                table.add_column(
                    col, justify="left" if col in {"case", "name", "kind"} else "right"
                )
            for row in t.rows:
                table.add_row(*(_fmt(row.get(c)) for c in cols))
            console.print(table)
        for n in self.notes:
            console.print(f"• {n}")
        if json_path is not None:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n")
            console.print(f"JSON written to {json_path}")
