"""Why a camera file cannot be read at all (a bad row is skipped, never raised).

Hierarchy::

    ValueError
    └── CameraFileError     the file as a whole is unusable: not UTF-8 or CP949,
                            empty, a header that matches no known layout, or a
                            JSON document that is not a list of cameras

One bad row never raises: it becomes a :class:`~safenet.cctv.types.SkippedRow`
and the rest of the file imports.
"""

from __future__ import annotations


class CameraFileError(ValueError):
    """A camera file that cannot be imported, with the file and what to fix."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
