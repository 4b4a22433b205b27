"""Why a road network could not be loaded or a route could not be found.

Hierarchy::

    ValueError
    └── RoadDataError     a road file (or folder) the simulator cannot use: missing,
                          unknown extension, malformed XML (with its line), no
                          drivable roads, a projection it cannot undo
    LookupError
    └── RouteError        no route between two nodes, or a node the network lacks

Both carry a message a person can act on; :class:`RoadDataError` names the file.
"""

from __future__ import annotations

from pathlib import Path


class RoadDataError(ValueError):
    """A road data file or folder that cannot be turned into a road network.

    ``reason`` says what is wrong; ``path`` names the file (``None`` while a parser
    that does not know it raises; the loader fills it in); ``line`` is the 1-based
    line of malformed XML when known.
    """

    def __init__(self, reason: str, *, path: Path | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        super().__init__(self._message())

    def _message(self) -> str:
        where = "" if self.path is None else str(self.path)
        if self.line is not None:
            where = f"{where}, line {self.line}" if where else f"line {self.line}"
        return f"{where}: {self.reason}" if where else self.reason

    def with_path(self, path: Path) -> RoadDataError:
        """The same error, naming the file it came from."""
        if self.path is not None:
            return self
        return RoadDataError(self.reason, path=path, line=self.line)

    def __str__(self) -> str:
        return self._message()


class RouteError(LookupError):
    """No drivable route between two nodes, or a node id the network does not have."""
