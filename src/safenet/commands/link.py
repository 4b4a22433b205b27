"""``safenet link``: tools for the police-center link (fenced NATS configuration, schemas).

Also registers ``safenet bench link`` (outbox + NATS JetStream throughput and latency,
with the in-process link as baseline).
"""

from __future__ import annotations

from pathlib import Path

import typer

from safenet.commands.bench import app as bench_app

app = typer.Typer(
    help="The police-center link: NATS configuration and diagnostics.", no_args_is_help=True
)


@app.command("nats-config")
def nats_config(
    sites: list[str] = typer.Option(
        ...,
        "--sites",
        help="Center site ids (e.g. seocho gangnam): repeat the option, separate with "
        "commas, or list them after it. The police user is always added.",
    ),
    more_sites: list[str] = typer.Argument(None, hidden=True, metavar="SITE"),
    out: Path = typer.Option(..., "--out", help="Where to write the nats-server configuration."),
    tls_dir: Path | None = typer.Option(
        None,
        "--tls-dir",
        help="Require TLS with client certificates: the directory holding server-cert.pem, "
        "server-key.pem and ca.pem (sites use <site>-cert.pem and <site>-key.pem).",
    ),
    credentials_dir: Path | None = typer.Option(
        None,
        "--credentials-dir",
        help="Where each site's <site>.env credentials file goes "
        "(default: a credentials/ directory next to --out).",
    ),
    store_dir: str | None = typer.Option(
        None, "--store-dir", help="JetStream store directory written into the configuration."
    ),
    listen: str | None = typer.Option(
        None, "--listen", help="host:port the server listens on (default: nats-server's 4222)."
    ),
    rotate: bool = typer.Option(
        False, "--rotate", help="Make new passwords even where a credentials file exists."
    ),
    server: str | None = typer.Option(
        None,
        "--server",
        help="The nats-server binary whose version is checked (2.10+ needed; default: the "
        "one installed with safenet, else the one on PATH).",
    ),
) -> None:
    """Write a fenced nats-server configuration: one user per site, subject permissions."""
    from safenet.link.errors import LinkConfigError
    from safenet.link.nats_config import check_installed_server, server_binary, write_nats_config

    try:
        binary = server or server_binary()
        if binary is None:
            typer.echo("note: no nats-server found here; the configuration needs 2.10 or newer")
        else:
            version = check_installed_server(binary)
            typer.echo(f"{binary}: version {'.'.join(map(str, version))} (2.10+ needed): ok")
        path, creds = write_nats_config(
            [*sites, *(more_sites or [])],
            out,
            credentials_dir=credentials_dir,
            tls_dir=tls_dir,
            store_dir=store_dir,
            listen=listen,
            rotate=rotate,
        )
    except LinkConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"nats-server configuration written to {path}")
    for site, cred_path in creds.items():
        typer.echo(f"  credentials for {site}: {cred_path} (give it to {site} only)")


@app.command("schemas")
def schemas(
    doc: Path = typer.Option(
        Path("docs/link.md"), "--doc", help="The Markdown file holding the generated schemas."
    ),
    check: bool = typer.Option(
        False, "--check", help="Only check that the file is up to date (exit 1 if not)."
    ),
) -> None:
    """Regenerate the message JSON Schemas section of docs/link.md."""
    from safenet.link.schema_doc import update_doc

    changed = update_doc(doc, write=not check)
    if check and changed:
        typer.echo(f"{doc}: message schemas are out of date; run 'safenet link schemas'")
        raise typer.Exit(1)
    typer.echo(f"{doc}: {'updated' if changed else 'up to date'}")


@bench_app.command("link")
def bench_link(
    json_path: Path | None = typer.Option(None, "--json", help="Also write the figures as JSON."),
    quick: bool = typer.Option(False, "--quick", help="Fewer messages: a short smoke run."),
    messages: int = typer.Option(2000, "--messages", help="LocationReports per throughput case."),
    batch: int = typer.Option(100, "--batch", help="Relay batch size for the batched cases."),
    nats_url: str | None = typer.Option(
        None,
        "--nats-url",
        help="Use this NATS JetStream server (unfenced) instead of starting a private one.",
    ),
) -> None:
    """LocationReports through the outbox: in-process vs NATS JetStream, single vs batched."""
    from safenet.bench.link import run_link_bench

    report = run_link_bench(
        messages=200 if quick else messages, batch=batch, nats_url=nats_url, quick=quick
    )
    report.emit(json_path)


@bench_app.command("e2e")
def bench_e2e(
    rate: float = typer.Option(2000.0, "--rate", help="Target reads per second offered."),
    duration: float = typer.Option(20.0, "--duration", help="Seconds of load."),
    batch: int = typer.Option(1000, "--batch", help="Reads per HTTP POST (an edge gateway)."),
    json_path: Path | None = typer.Option(
        None,
        "--json",
        help="Also write the figures as JSON (sustained_reads_per_s, alert_latency_ms, lost, "
        "duplicates, hotlist_ack_ms at the top level).",
    ),
    pg_url: str = typer.Option(
        "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres",
        "--pg-url",
        help="PostgreSQL server; the benchmark creates and drops its own databases there.",
    ),
    no_baselines: bool = typer.Option(
        False, "--no-baselines", help="Skip the in-run baselines (decode, matcher, COPY, HTTP)."
    ),
    find_max: bool = typer.Option(
        False,
        "--find-max",
        help="Raise the rate by half after each held run (p99 read→alert ≤ 1 s, nothing lost, "
        "≥ 95 %% of the rate accepted) and report the highest held.",
    ),
    centers: int = typer.Option(1, "--centers", min=1, help="Centers in the topology."),
    workers: int = typer.Option(
        0,
        "--workers",
        min=0,
        help="Worker processes per center (queue mode); 0: the in-process pipeline.",
    ),
    ingest: str = typer.Option(
        "http", "--ingest", help="http, mqtt (Mosquitto, 127.0.0.1:1883) or both (half each)."
    ),
    faults: bool = typer.Option(
        False,
        "--faults",
        help="kill -9 and restart a worker, a center, the police and a hub node during the "
        "load, then reconcile; exit status 1 if anything was lost or doubled.",
    ),
    mqtt_port: int = typer.Option(1883, "--mqtt-port", help="The MQTT broker's port."),
) -> None:
    """The deploy local topology on PostgreSQL and NATS: reads/s, read→alert, acks, faults."""
    import json

    from safenet.bench.e2e_run import run_e2e_bench

    report = run_e2e_bench(
        rate=rate,
        duration=duration,
        batch=batch,
        pg_url=pg_url,
        baselines=not no_baselines,
        find_max=find_max,
        centers=centers,
        workers=workers,
        ingest=ingest,
        faults=faults,
        mqtt=("127.0.0.1", mqtt_port),
    )
    report.emit(None)
    figures = report.parameters["figures"]
    if json_path is not None:
        body = {**figures, **report.as_dict()}
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        typer.echo(f"JSON written to {json_path}")
    if figures["lost"] or figures["duplicates"]:
        typer.echo(f"lost {figures['lost']}, doubled {figures['duplicates']}", err=True)
        raise typer.Exit(1)
