"""What goes wrong with evidence, each error carrying the HTTP status a service maps it to.

::

    EvidenceError                 400  base: a problem a person can act on
    ├── RequestRefused            403  the request may not be answered (no live lawful
    │                                  basis, another center's, a hit not under its entry);
    │                                  carries the denial code and every problem
    ├── InvalidDecision           422  the operator's decision does not fit the request,
    │   │                              or a file would leave beyond what was approved
    │   └── (subclasses none)
    ├── PackageRefused            502  a package from a center fails verification: bad
    │                                  signature, a hash, a missing part; never shown
    └── RegisterFormatError       422  a register CSV that cannot be read back (row, column)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from safenet.link.messages import DenialCode


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, naming the field and the reason."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class EvidenceError(Exception):
    """A problem with an evidence request, package or register a person can act on."""

    status = 400

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RequestRefused(EvidenceError):
    """The request may not be answered; nothing leaves the center."""

    status = 403

    def __init__(self, code: DenialCode, problems: Sequence[Problem]) -> None:
        self.code: DenialCode = code
        self.problems = tuple(problems)
        text = "; ".join(str(p) for p in self.problems)
        super().__init__(text, field=self.problems[0].field if self.problems else "")


class InvalidDecision(EvidenceError):
    """The operator's decision, or the files offered with it, do not fit the request."""

    status = 422


class PackageRefused(EvidenceError):
    """A package that failed verification on receipt: refused, alarmed, never shown."""

    status = 502


class RegisterFormatError(EvidenceError):
    """A provision register CSV that cannot be read back."""

    status = 422
