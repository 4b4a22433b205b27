"""Reading a hand-written YAML file field by field, with errors that point at the line.

Scenario files are written by people preparing a demo or an exercise; a mistake
must say where it is and what is wrong (``scenario.yaml:14: wanted[1].category:
'fraud' is not a lawful category (allowed: …)``). PyYAML's composed node tree
keeps the line of every value, so the checks run on nodes rather than on the
plain dicts ``yaml.safe_load`` returns. Unknown and repeated keys are errors.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a YAML file: where (line, field path) and what."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class YamlFileError(ValueError):
    """A YAML file with one or more problems; each line of the message is one :class:`Issue`."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


class Checker:
    """Collects issues while the caller walks a composed YAML tree."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []
        self._constructor = SafeConstructor()

    def error(self, node: yaml.Node | None, path: str, message: str) -> None:
        """Record a problem at a node (line 1 when there is no node)."""
        self.issues.append(Issue(self.file, line_of(node) if node else 1, path, message))

    def error_at(self, line: int, path: str, message: str) -> None:
        """Record a problem at a known line."""
        self.issues.append(Issue(self.file, line, path, message))

    def compose(self, text: str) -> yaml.Node | None:
        """The node tree of a YAML document, or None after recording a syntax error."""
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            self.issues.append(Issue(self.file, line, "", f"not valid YAML: {exc.problem}"))
        except yaml.YAMLError as exc:
            self.issues.append(Issue(self.file, 1, "", f"not valid YAML: {exc}"))
        return None

    def mapping(
        self,
        node: yaml.Node,
        path: str,
        *,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> dict[str, yaml.Node] | None:
        """A mapping's values by key; unknown, repeated and missing keys are issues."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, path, f"must be a mapping (key: value), got {_describe(node)}")
            return None
        required = tuple(required)
        allowed = set(required) | set(optional)
        values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            where = _join(path, str(key))
            if not isinstance(key, str):
                self.error(key_node, path, "keys must be plain text")
            elif key in values:
                self.error(key_node, where, f"repeats (first given on line {line_of(values[key])})")
            elif key not in allowed:
                self.error(
                    key_node, where, f"unknown key (allowed here: {', '.join(sorted(allowed))})"
                )
            else:
                values[key] = value_node
        for key in required:
            if key not in values:
                self.error(node, _join(path, key), "is required")
        return values

    def sequence(self, node: yaml.Node, path: str) -> list[yaml.Node] | None:
        """A sequence's items."""
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, f"must be a list, got {_describe(node)}")
            return None
        return list(node.value)

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError):
            return None

    def string(
        self, node: yaml.Node, path: str, *, max_length: int = 200, allow_empty: bool = False
    ) -> str | None:
        """A text value (numbers are refused: quote them if they are meant as text)."""
        if not isinstance(node, yaml.ScalarNode) or node.tag != _TAG + "str":
            self.error(node, path, f"must be text, got {_describe(node)}")
            return None
        value = str(node.value).strip()
        if not value and not allow_empty:
            self.error(node, path, "must not be empty")
            return None
        if len(value) > max_length:
            self.error(node, path, f"is {len(value)} characters long; at most {max_length}")
            return None
        return value

    def number(
        self,
        node: yaml.Node,
        path: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        above: float | None = None,
        integer: bool = False,
    ) -> float | None:
        """A number within bounds (``above`` is an exclusive lower bound)."""
        tags = (_TAG + "int",) if integer else (_TAG + "int", _TAG + "float")
        value = self._scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if node.tag not in tags or not isinstance(value, int | float) or isinstance(value, bool):
            kind = "a whole number" if integer else "a number"
            self.error(node, path, f"must be {kind}, got {_describe(node)}")
            return None
        number = float(value)
        if not math.isfinite(number):
            self.error(node, path, f"must be a finite number, got {node.value}")
            return None
        if minimum is not None and number < minimum:
            self.error(node, path, f"must be at least {_fmt(minimum)}, got {node.value}")
            return None
        if above is not None and number <= above:
            self.error(node, path, f"must be more than {_fmt(above)}, got {node.value}")
            return None
        if maximum is not None and number > maximum:
            self.error(node, path, f"must be at most {_fmt(maximum)}, got {node.value}")
            return None
        return number

    def boolean(self, node: yaml.Node, path: str) -> bool | None:
        """``true`` or ``false``."""
        if not isinstance(node, yaml.ScalarNode) or node.tag != _TAG + "bool":
            self.error(node, path, f"must be true or false, got {_describe(node)}")
            return None
        return bool(self._scalar(node))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kind = {
        _TAG + "str": "text",
        _TAG + "int": "a whole number",
        _TAG + "float": "a number",
        _TAG + "bool": "true/false",
        _TAG + "null": "nothing",
        _TAG + "timestamp": "a date",
    }.get(node.tag, node.tag)
    value = str(node.value)
    return f"{kind} {value!r}" if value and kind != "nothing" else kind
