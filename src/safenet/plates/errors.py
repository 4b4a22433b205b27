"""Why a text is not a Korean plate number.

Hierarchy::

    ValueError
    └── PlateError        the text is not a plate: a character that cannot appear,
                          empty or overlong input, or a grammar rule it breaks

There is one error type on purpose: a caller either has a plate or it does not,
and :attr:`PlateError.reason` says why in words an operator can act on.
"""

from __future__ import annotations


class PlateError(ValueError):
    """A text that is not a valid Korean plate number, with the reason.

    ``reason`` is the human message (``unknown usage syllable '차'``); ``field`` names
    the part of the plate it concerns (``"character"``, ``"length"``, ``"region"``,
    ``"class"``, ``"usage"``, ``"serial"``, ``"diplomatic"``) or is ``None`` when the
    whole text is at fault. ``code`` is the stable key the console words the reason
    with (``plate.serial_length``), ``params`` the values the wording fills in.
    """

    def __init__(
        self,
        reason: str,
        *,
        field: str | None = None,
        code: str | None = None,
        params: dict[str, object] | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.code = code or "plate.invalid"
        self.params: dict[str, object] = dict(params or {})

    def __repr__(self) -> str:
        return f"PlateError({self.reason!r}, field={self.field!r})"
