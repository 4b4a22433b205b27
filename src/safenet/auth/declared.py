"""Central enforcement: every API route is checked against its one declaration.

:func:`declared` turns a route table (:data:`~safenet.auth.permissions.CENTER_ROUTES`,
:data:`~safenet.auth.permissions.POLICE_ROUTES`) into one dependency. The composition
root hangs it on every API router (``include_router(…, dependencies=[…])``), so a
route is admitted only by the rule its method and path template are declared with:
a route that nobody declared is refused (403) rather than left open, and
:func:`assert_declared` makes building such an app fail in the first place.

The handler that needs the caller takes the same dependency object as a parameter;
FastAPI runs a dependency once per request, so the check (and the rate allowance it
spends) happens once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from starlette.datastructures import URL
from starlette.routing import compile_path

from safenet.auth.guard import Dependency, require
from safenet.auth.permissions import Route, undeclared
from safenet.auth.types import Principal
from safenet.service.errors import Forbidden

API_PREFIX = "/api/"
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def declared(table: Mapping[tuple[str, str], Route]) -> Dependency:
    """The dependency that enforces ``table`` on whichever route the request matched.

    The matched route is known by its path template as its router declared it (without
    the prefix it was included under) and by the request path: exactly one declared
    template must end with the one and match the other, else the request is refused.
    """
    checks = {
        key: (
            compile_path(key[1])[0],
            require(rule.permission, site_from=rule.site_from, site_field=rule.site_field),
        )
        for key, rule in table.items()
    }

    # The declared templates a matched route can be, by (method, route template): found
    # once per route instead of by scanning the whole table on every request.
    candidates: dict[tuple[str, str], list[tuple[re.Pattern[str], Dependency]]] = {}

    def candidates_of(method: str, raw: str) -> list[tuple[re.Pattern[str], Dependency]]:
        found = candidates.get((method, raw))
        if found is None:
            template = _plain(raw)
            found = [
                (pattern if raw == template else _with(declared_path, template, raw), check)
                for (m, declared_path), (pattern, check) in checks.items()
                if m == method and template and declared_path.endswith(template)
            ]
            if len(candidates) < 4096:  # routes are few; a bound all the same
                candidates[(method, raw)] = found
        return found

    async def enforce_declared_permission(request: Request) -> Principal:
        route = request.scope.get("route")
        raw = str(getattr(route, "path", "") or "")
        method = request.method.upper()
        path = _url_path(request.scope)
        found = [check for pattern, check in candidates_of(method, raw) if pattern.match(path)]
        if len(found) != 1:
            template = _plain(raw)
            raise Forbidden(f"{method} {template or path} has no declared permission")
        return await found[0](request)

    return enforce_declared_permission


def _url_path(scope: Mapping[str, object]) -> str:
    """``request.url.path`` without building the URL: the scope's path, escaped as it is."""
    path = str(scope["path"])
    if "?" in path or "#" in path or "\\" in path:
        return str(URL(scope=dict(scope)).path)
    return path


_CONVERTER = re.compile(r"\{(\w+):[^}]+\}")


def _plain(template: str) -> str:
    """A path template without its converters (``{name:path}`` → ``{name}``)."""
    return _CONVERTER.sub(r"{\1}", template)


@lru_cache(maxsize=256)
def _with(declared_path: str, plain: str, raw: str) -> re.Pattern[str]:
    """The declared path's pattern with the router's own converters put back."""
    return compile_path(declared_path[: len(declared_path) - len(plain)] + raw)[0]


def api_routes(app: FastAPI, prefix: str = API_PREFIX) -> list[tuple[str, str]]:
    """Every (method, path template) of ``app`` under ``prefix``, from its OpenAPI document."""
    document = get_openapi(title=app.title, version=app.version, routes=app.routes)
    return [
        (method.upper(), path)
        for path, item in document.get("paths", {}).items()
        if path.startswith(prefix)
        for method in item
        if method.upper() in HTTP_METHODS
    ]


def assert_declared(
    app: FastAPI, table: Mapping[tuple[str, str], Route], *, extra: Iterable[str] = ()
) -> None:
    """Refuse to build an app with an API route that has no declared permission."""
    missing = [m for m in undeclared(table, api_routes(app)) if m not in set(extra)]
    if missing:
        raise RuntimeError(f"routes without a declared permission: {', '.join(missing)}")
