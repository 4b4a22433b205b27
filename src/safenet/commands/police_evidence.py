"""``safenet police evidence``: ask a center for evidence, and see its answer (HTTP).

Like ``safenet police wanted``, it works against a running police service under the
token's identity (a field officer's or dispatcher's): the request goes through the
same lawful-basis check, audit and link as one made from the alert card.
"""

from __future__ import annotations

import json
from typing import Any

import typer

app = typer.Typer(
    help="Evidence requests to a center, against a running police service (HTTP).",
    no_args_is_help=True,
)

_URL = typer.Option(
    "http://127.0.0.1:8100",
    "--url",
    envvar="SAFENET_POLICE_URL",
    help="The police service's base URL.",
)
_TOKEN = typer.Option(
    ...,
    "--token",
    envvar="SAFENET_POLICE_TOKEN",
    help="Bearer token of the officer asking (from 'safenet police token').",
)
_JSON = typer.Option(False, "--json", help="Print the service's JSON answer instead of a summary.")


def _line(view: dict[str, Any]) -> str:
    text = f"{view['request_id']} to {view['site']}: {view['state']}"
    if view.get("denial_reason"):
        text += f" — {view['denial_reason']}"
    if view.get("files"):
        text += f"; {len(view['files'])} files (package {view['package_id']})"
    return text


def _run(call: Any, as_json: bool) -> None:
    import httpx

    from safenet.police.client import PoliceApiError

    try:
        body = call()
    except PoliceApiError as exc:
        typer.echo(f"refused (HTTP {exc.status}): {exc.message}", err=True)
        raise typer.Exit(1) from exc
    except httpx.TransportError as exc:
        typer.echo(f"cannot reach the police service: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(body, ensure_ascii=False, indent=2) if as_json else _line(body))


@app.command("request")
def request(
    site: str = typer.Option(..., "--site", help="The center asked (the hit's center)."),
    entry_id: str = typer.Option(..., "--entry", help="The wanted entry the request is under."),
    photos: list[str] = typer.Option(
        [], "--photos", help="A hit id whose scene photos are asked for; repeat."
    ),
    window_s: int = typer.Option(
        60, "--window-s", min=0, max=1800, help="Seconds of photos either side of each hit."
    ),
    route: list[str] = typer.Option(
        [], "--route", help="A hit id from which the escape route is asked for; repeat."
    ),
    video: list[str] = typer.Option(
        [],
        "--video",
        help="CAMERA,FROM,TO (RFC 3339 times, at most 2 h): the camera's stored pictures.",
    ),
    purpose: str = typer.Option(..., "--purpose", help="The purpose, in words (recorded)."),
    pipa_item: int | None = typer.Option(
        7, "--pipa-item", help="개인정보보호법 제18조제2항 item (7: criminal investigation)."
    ),
    warrant: str | None = typer.Option(
        None, "--warrant", help="A warrant number (instead of --pipa-item)."
    ),
    rank: str = typer.Option(..., "--rank", help="The officer's rank (계급)."),
    agency: str = typer.Option(..., "--agency", help="The officer's unit (소속)."),
    retain_days: int = typer.Option(30, "--retain-days", min=1, max=365, help="Provision period."),
    url: str = _URL,
    token: str = _TOKEN,
    as_json: bool = _JSON,
) -> None:
    """Ask a center for scene photos, the escape route or video (refused without a basis)."""
    from safenet.police.client import PoliceClient

    items: list[dict[str, Any]] = [
        {"kind": "scene_photos", "hit_id": h, "window_s": window_s} for h in photos
    ]
    items += [{"kind": "escape_route", "hit_id": h} for h in route]
    for spec in video:
        parts = spec.split(",")
        if len(parts) != 3:
            raise typer.BadParameter(f"{spec!r} is not CAMERA,FROM,TO", param_hint="--video")
        items.append(
            {"kind": "video", "camera_id": parts[0], "time_from": parts[1], "time_to": parts[2]}
        )
    if not items:
        raise typer.BadParameter("ask for something: --photos, --route or --video")
    basis: dict[str, Any] = (
        {"kind": "warrant", "number": warrant}
        if warrant
        else {"kind": "pipa_18_2", "item": pipa_item}
    )
    body = {
        "site": site,
        "entry_id": entry_id,
        "items": items,
        "purpose": purpose,
        "legal_basis": basis,
        "rank": rank,
        "agency": agency,
        "retain_days": retain_days,
    }
    with PoliceClient(url, token) as client:
        _run(lambda: client.evidence_request(body), as_json)


@app.command("show")
def show(
    request_id: str = typer.Argument(
        ..., help="The request (from 'safenet police evidence request')."
    ),
    url: str = _URL,
    token: str = _TOKEN,
    as_json: bool = _JSON,
) -> None:
    """Where a request stands: sent, received (with its files), denied (why) or refused."""
    from safenet.police.client import PoliceClient

    with PoliceClient(url, token) as client:
        _run(lambda: client.evidence(request_id), as_json)
