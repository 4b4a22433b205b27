"""The import graph of src/safenet has floors: no circles, no service in the pure parts.

The graph is read from the source (every ``import`` and ``from … import`` anywhere in
a module: at the top, inside a function, under ``TYPE_CHECKING``), so an import that
is deferred to dodge a circle still counts. ``from a.b import c`` is an edge to the
module ``a.b.c`` when there is one, else to ``a.b`` (as grimp reads it); a package's
``__init__`` running before its modules is not an edge.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

PURE = ("safenet.plates", "safenet.matching", "safenet.tracking", "safenet.cctv")
"""Pure parts (docs: no I/O, no service imports)."""

SERVICES = ("safenet.center", "safenet.police", "safenet.demo", "safenet.commands")
"""The service parts and the entry points that compose them."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _graph() -> dict[str, frozenset[str]]:
    files = {_module_name(p): p for p in (SRC / "safenet").rglob("*.py")}

    def known(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, frozenset[str]] = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(t for a in node.names if (t := known(a.name)))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    target = full if full in files else known(base)
                    if target:
                        targets.add(target)
        targets.discard(module)
        graph[module] = frozenset(targets)
    return graph


def _circles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def _inside(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_graph_is_read_from_the_source() -> None:
    graph = _graph()
    # Edges the code is known to have: deferred, type-only and relative imports count.
    assert "safenet.center.pipeline" in graph["safenet.center.service"]
    assert "safenet.link.outbox" in graph["safenet.link.relay"]
    assert "safenet.center.service" in graph["safenet.center.app"]


def test_the_walk_finds_a_circle_when_there_is_one() -> None:
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset()}
    assert _circles(graph) == [["a", "b", "c"]]


def test_no_module_imports_one_that_imports_it_back() -> None:
    circles = _circles(_graph())
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles)


def test_the_consoles_import_no_service() -> None:
    graph = _graph()
    wrong = sorted(
        f"{m} imports {t}"
        for m, targets in graph.items()
        if _inside(m, ("safenet.web",))
        for t in targets
        if _inside(t, SERVICES)
    )
    assert not wrong, wrong


def test_the_pure_parts_import_no_service_and_no_store() -> None:
    graph = _graph()
    wrong = sorted(
        f"{m} imports {t}"
        for m, targets in graph.items()
        if _inside(m, PURE)
        for t in targets
        if _inside(t, (*SERVICES, "safenet.store", "safenet.link", "safenet.web"))
    )
    assert not wrong, wrong
