"""The one way a safenet package exports names it imports only on first use.

A package whose parts are heavy (a web framework, the store, a road graph) but whose
names should still be one import away lists them three times, each for its reader:
the imports under ``TYPE_CHECKING`` (type checkers and people), ``__all__`` (``import
*`` and linters) and the map of module to names that :func:`lazy_exports` turns into
the package's ``__getattr__`` and ``__dir__``::

    from safenet.lazy import lazy_exports

    if TYPE_CHECKING:
        from safenet.police.client import PoliceApiError, PoliceClient

    __all__ = ["PoliceApiError", "PoliceClient"]

    __getattr__, __dir__ = lazy_exports(
        __name__, {"safenet.police.client": ("PoliceApiError", "PoliceClient")}
    )

``import safenet.police`` then loads nothing else; ``safenet.police.PoliceClient``
imports its module once and keeps the value in the package. The map must name exactly
the package's ``__all__``: :func:`lazy_exports` refuses to build otherwise, so the two
lists cannot drift apart.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, Sequence[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``; see the module docstring."""
    where: dict[str, str] = {}
    for module, names in exports.items():
        for name in names:
            if name in where:
                raise ValueError(f"{package}: {name} is exported from {where[name]} and {module}")
            where[name] = module
    listed = set(getattr(sys.modules[package], "__all__", ()))
    if listed != set(where):
        raise ValueError(
            f"{package}: __all__ and the lazy exports differ: "
            f"only in __all__ {sorted(listed - set(where))}, "
            f"only in the exports {sorted(set(where) - listed)}"
        )

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__
