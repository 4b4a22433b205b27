"""``safenet deploy plan``: the files of a country deployment.

A police hub of three clustered nats-servers (JetStream, domain ``hub``; the police's
link requests replicas=3, ``police.nats_replicas``), one leaf nats-server per center
that connects to the hub as that center's fenced user (the same users and permissions
``safenet link nats-config`` writes, plus the center's consumer subjects under
``$JS.hub.API``, where the leaf maps the center's ``$JS.API`` requests: without a
domain the hub denies ``$JS.API`` to its leaves), one PostgreSQL database per site
(``create_databases.sql``), one environment file per service, systemd units for the hub
nodes, leaves, the police and the centers, and ``processes.json``, every process in
start order. With ``workers`` > 0 the centers run in queue mode: each leaf holds its
center's work queue in an account of its own (JetStream of the leaf, never joined to
the hub) and each center gets a worker unit template.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from safenet.link.errors import LinkConfigError
from safenet.link.fencing import permissions_for
from safenet.link.nats_config import (
    ACCOUNT,
    SiteCredentials,
    credentials_text,
    parse_sites,
    read_credentials,
    read_env_file,
    write_nats_config,
)
from safenet.link.queue_fencing import ROLES, Role, queue_user, queue_users_config
from safenet.link.sites import POLICE

HUB_NODES = 3
HUB_CLIENT_PORT = 4222
HUB_CLUSTER_PORT = 6222
HUB_LEAF_PORT = 7422
LEAF_CLIENT_PORT = 4300
QUEUE_ACCOUNT = "QUEUE"
HUB_DOMAIN = "hub"
"""The hub's JetStream domain: a leaf's $JS.API requests are mapped to $JS.hub.API."""


@dataclass(frozen=True)
class PlanOptions:
    """Where the hub nodes listen (host), the base ports, databases and workers.

    ``hub_client_port`` … ``hub_leaf_port`` are the first hub node's; node ``i`` adds
    ``i - 1``. Center ``k`` (1-based) has its leaf's clients on ``leaf_client_port + k``.
    ``database_url`` is the URL prefix each site's database name is appended to;
    ``workers`` > 0 puts the centers in queue mode with that many worker processes.
    """

    host: str = "127.0.0.1"
    store_root: str = "/var/lib/safenet/nats"
    hub_client_port: int = HUB_CLIENT_PORT
    hub_cluster_port: int = HUB_CLUSTER_PORT
    hub_leaf_port: int = HUB_LEAF_PORT
    leaf_client_port: int = LEAF_CLIENT_PORT
    database_url: str = "postgresql+psycopg:///"
    database_prefix: str = "safenet_"
    workers: int = 0
    police_port: int = 8100
    """The police's HTTP port; center ``k`` listens on ``police_port + k``."""
    config_root: str = "/etc/safenet"

    def database_name(self, site: str) -> str:
        return f"{self.database_prefix}{site}"


def center_ids(sites: int, site_ids: str | None) -> list[str]:
    """``--site-ids a,b`` validated, or ``center1 … centerN``; LinkConfigError naming the field."""
    if site_ids:
        ids = parse_sites([site_ids])
        if len(ids) != sites:
            raise LinkConfigError(f"--site-ids: {len(ids)} ids given for --sites {sites}")
        return ids
    if sites < 1:
        raise LinkConfigError("--sites: at least 1 center")
    return [f"center{i}" for i in range(1, sites + 1)]


def _q(text: str) -> str:
    return json.dumps(text)


def hub_config(index: int, hub_conf: str, opts: PlanOptions) -> str:
    """Node ``index`` (1-based) of the hub: the fenced accounts, clustered, leafnodes accepted."""
    port = opts.hub_client_port + index - 1
    routes = ", ".join(
        _q(f"nats-route://{opts.host}:{opts.hub_cluster_port + i}")
        for i in range(HUB_NODES)
        if i != index - 1
    )
    body = hub_conf.replace(
        "jetstream {",
        f"server_name: hub{index}\nlisten: {_q(f'{opts.host}:{port}')}\njetstream {{",
        1,
    ).replace(
        "  sync_interval: always",
        f"  store_dir: {_q(f'{opts.store_root}/hub{index}')}\n  sync_interval: always",
        1,
    )
    return body + (
        "cluster {\n"
        "  name: safenet-hub\n"
        f"  listen: {_q(f'{opts.host}:{opts.hub_cluster_port + index - 1}')}\n"
        f"  routes: [{routes}]\n"
        "}\n"
        f"leafnodes {{ listen: {_q(f'{opts.host}:{opts.hub_leaf_port + index - 1}')} }}\n"
    )


def leaf_config(
    creds: SiteCredentials,
    index: int,
    opts: PlanOptions,
    queue: dict[Role, SiteCredentials] | None = None,
) -> str:
    """A center's leaf: local clients get the same permissions; it joins the hub as the site.

    With ``queue`` (queue mode) the leaf also holds the center's work queue: a second
    account, ``QUEUE``, with JetStream of its own on this server and never joined to the
    hub, so the reads the workers take never leave the center. It has two users, the
    center's ingest and its workers, fenced apart (:mod:`safenet.link.queue_fencing`).
    """
    perms = permissions_for(creds.site, HUB_DOMAIN)
    urls = ", ".join(
        _q(f"nats-leaf://{creds.user}:{creds.password}@{opts.host}:{opts.hub_leaf_port + i}")
        for i in range(HUB_NODES)
    )
    pub = ", ".join(_q(s) for s in perms.publish)
    sub = ", ".join(_q(s) for s in perms.subscribe)
    text = (
        f"# safenet leaf node of center {creds.site} (generated by safenet deploy plan)\n"
        f"server_name: leaf-{creds.site}\n"
        f"listen: {_q(f'127.0.0.1:{opts.leaf_client_port + index}')}\n"
    )
    if queue is not None:
        store = f"{opts.store_root}/leaf-{creds.site}"
        text += (
            f"jetstream {{\n  store_dir: {_q(store)}\n  domain: {_q(f'leaf-{creds.site}')}\n"
            "  sync_interval: always\n}\n"
        )
    text += (
        "accounts {\n"
        f"  {ACCOUNT}: {{ users: [ {{ user: {_q(creds.user)},\n"
        f"    password: {_q(creds.password)},\n"
        f"    permissions: {{ publish: {{ allow: [{pub}] }},\n"
        f"      subscribe: {{ allow: [{sub}] }} }} }} ],\n"
        f'    mappings: {{ "$JS.API.>": "$JS.{HUB_DOMAIN}.API.>" }} }}\n'
    )
    if queue is not None:
        passwords = {role: c.password for role, c in queue.items()}
        text += (
            f"  {QUEUE_ACCOUNT}: {{ jetstream: enabled,\n"
            f"    {queue_users_config(creds.site, passwords)} }}\n"
        )
    return text + (f"}}\nleafnodes {{ remotes: [ {{ urls: [{urls}], account: {ACCOUNT} }} ] }}\n")


def database_sql(names: Sequence[str]) -> str:
    """``CREATE DATABASE`` for the police's and each center's database."""
    return "".join(f"CREATE DATABASE {n};\n" for n in names)


def _unit(description: str, command: str, env_file: str) -> str:
    return (
        "[Unit]\n"
        f"Description={description}\n"
        "After=network-online.target\n\n"
        "[Service]\n"
        f"EnvironmentFile={env_file}\n"
        f"ExecStart={command}\n"
        "Restart=always\n"
        "RestartSec=2\n\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def _queue_credentials(out: Path, site: str) -> dict[Role, SiteCredentials]:
    """The work queue's two users on the center's leaf, reused when the plan is written again.

    ``credentials/<site>-ingest.env`` (the center) and ``credentials/<site>-worker.env``
    (its workers): neither holds the other's password.
    """
    found: dict[Role, SiteCredentials] = {}
    for role in ROLES:
        path = out / "credentials" / f"{site}-{role}.env"
        if path.exists():
            values = read_env_file(path)
            found[role] = SiteCredentials(
                site,
                values["SAFENET_CENTER__QUEUE_NATS_USER"],
                values["SAFENET_CENTER__QUEUE_NATS_PASSWORD"],
            )
            continue
        creds = SiteCredentials(site, queue_user(site, role), secrets.token_urlsafe(24))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"SAFENET_CENTER__QUEUE_NATS_USER={creds.user}\n"
            f"SAFENET_CENTER__QUEUE_NATS_PASSWORD={creds.password}\n"
        )
        path.chmod(0o600)
        found[role] = creds
    return found


def _queue_env(url: str, creds: SiteCredentials) -> str:
    return (
        "SAFENET_CENTER__INGEST_MODE=queue\n"
        f"SAFENET_CENTER__QUEUE_NATS_URL={url}\n"
        f"SAFENET_CENTER__QUEUE_NATS_USER={creds.user}\n"
        f"SAFENET_CENTER__QUEUE_NATS_PASSWORD={creds.password}\n"
    )


def _process(
    name: str,
    kind: str,
    site: str,
    argv: list[str],
    env: str | None,
    unit: str,
    listen: str,
) -> dict[str, object]:
    return {
        "name": name,
        "kind": kind,
        "site": site,
        "argv": argv,
        "env_file": env,
        "unit": unit,
        "listen": listen,
    }


def write_plan(centers: Sequence[str], out: Path, opts: PlanOptions | None = None) -> list[Path]:
    """Write every file of the topology under ``out``; return their paths.

    ``processes.json`` lists every process of the topology in start order (hub nodes,
    leaves, police, centers, workers): its command, environment file (relative to
    ``out``), systemd unit and listen address. ``safenet deploy local`` runs that list.
    """
    opts = opts or PlanOptions()
    if opts.workers < 0:
        raise LinkConfigError("--workers: 0 or more")
    written: list[Path] = []
    processes: list[dict[str, object]] = []
    nats_dir = out / "nats"
    hub_path, cred_paths = write_nats_config(
        centers,
        nats_dir / "hub-accounts.conf",
        credentials_dir=out / "credentials",
        js_domain=HUB_DOMAIN,
    )
    hub_text = hub_path.read_text()
    hub_path.unlink()
    for i in range(1, HUB_NODES + 1):
        path = nats_dir / f"hub{i}.conf"
        path.write_text(hub_config(i, hub_text, opts))
        path.chmod(0o600)
        written.append(path)
        processes.append(
            _process(
                f"hub{i}",
                "nats",
                POLICE,
                ["nats-server", "-c", f"nats/hub{i}.conf"],
                None,
                f"safenet-nats-hub{i}.service",
                f"{opts.host}:{opts.hub_client_port + i - 1}",
            )
        )
    hub_urls = ",".join(f"nats://{opts.host}:{opts.hub_client_port + i}" for i in range(HUB_NODES))
    env_dir = out / "env"
    env_dir.mkdir(parents=True, exist_ok=True)
    units = out / "systemd"
    units.mkdir(parents=True, exist_ok=True)
    sites = [POLICE, *centers]
    services: list[dict[str, object]] = []
    for index, site in enumerate(sites):
        creds = read_credentials(cred_paths[site])
        envf = f"{opts.config_root}/env/{site}.env"
        http = f"127.0.0.1:{opts.police_port + index}"
        section = "POLICE" if site == POLICE else "CENTER"
        queue_env = ""
        queue: dict[Role, SiteCredentials] | None = None
        if site == POLICE:
            url = hub_urls
        else:
            leaf_url = f"nats://127.0.0.1:{opts.leaf_client_port + index}"
            if opts.workers:
                queue = _queue_credentials(out, site)
                queue_env = _queue_env(leaf_url, queue["ingest"])
            leaf = nats_dir / f"leaf-{site}.conf"
            leaf.write_text(leaf_config(creds, index, opts, queue))
            leaf.chmod(0o600)
            written.append(leaf)
            url = leaf_url
            processes.append(
                _process(
                    f"leaf-{site}",
                    "nats",
                    site,
                    ["nats-server", "-c", f"nats/leaf-{site}.conf"],
                    None,
                    f"safenet-nats-leaf-{site}.service",
                    leaf_url.removeprefix("nats://"),
                )
            )
            (units / f"safenet-nats-leaf-{site}.service").write_text(
                _unit(
                    f"safenet leaf nats of center {site}",
                    f"nats-server -c {opts.config_root}/nats/leaf-{site}.conf",
                    "-/dev/null",
                )
            )
            written.append(units / f"safenet-nats-leaf-{site}.service")
        env = (
            credentials_text(creds, url)
            + (
                f"SAFENET_{section}__DATABASE_URL={opts.database_url}{opts.database_name(site)}\n"
                f"SAFENET_{section}__PORT={opts.police_port + index}\n"
            )
            + queue_env
        )
        if site == POLICE:
            env += f"SAFENET_POLICE__CENTERS={json.dumps(list(centers))}\n"
            env += f"SAFENET_POLICE__NATS_REPLICAS={HUB_NODES}\n"
        env_path = env_dir / f"{site}.env"
        env_path.write_text(env)
        env_path.chmod(0o600)
        written.append(env_path)
        if site == POLICE:
            name = "safenet-police.service"
            (units / name).write_text(_unit("safenet police", "safenet police serve", envf))
            services.append(
                _process(
                    "police",
                    "police",
                    site,
                    ["safenet", "police", "serve"],
                    f"env/{site}.env",
                    name,
                    http,
                )
            )
            written.append(units / name)
            continue
        name = f"safenet-center-{site}.service"
        (units / name).write_text(_unit(f"safenet center {site}", "safenet center serve", envf))
        written.append(units / name)
        services.append(
            _process(
                f"center-{site}",
                "center",
                site,
                ["safenet", "center", "serve"],
                f"env/{site}.env",
                name,
                http,
            )
        )
        if queue is not None:
            # The workers' own file: the database and the worker's queue identity, not
            # the center's link password nor its ingest identity.
            worker_env = env_dir / f"{site}-worker.env"
            worker_env.write_text(
                f"# safenet pipeline workers of center {site}\n"
                f"SAFENET_CENTER__SITE={site}\n"
                f"SAFENET_CENTER__DATABASE_URL={opts.database_url}{opts.database_name(site)}\n"
                + _queue_env(url, queue["worker"])
            )
            worker_env.chmod(0o600)
            written.append(worker_env)
            template = f"safenet-worker-{site}@.service"
            (units / template).write_text(
                _unit(
                    f"safenet center {site} pipeline worker %i",
                    f"safenet center worker --site {site}",
                    f"{opts.config_root}/env/{site}-worker.env",
                ).replace(
                    "After=network-online.target",
                    f"After=network-online.target safenet-nats-leaf-{site}.service",
                )
            )
            written.append(units / template)
            for k in range(1, opts.workers + 1):
                services.append(
                    _process(
                        f"worker-{site}-{k}",
                        "worker",
                        site,
                        ["safenet", "center", "worker", "--site", site],
                        f"env/{site}-worker.env",
                        f"safenet-worker-{site}@{k}.service",
                        "",
                    )
                )
    for i in range(1, HUB_NODES + 1):
        name = f"safenet-nats-hub{i}.service"
        (units / name).write_text(
            _unit(
                f"safenet hub nats {i}",
                f"nats-server -c {opts.config_root}/nats/hub{i}.conf",
                "-/dev/null",
            )
        )
        written.append(units / name)
    sql = out / "create_databases.sql"
    sql.write_text(database_sql([opts.database_name(s) for s in sites]))
    written.append(sql)
    listing = out / "processes.json"
    listing.write_text(json.dumps({"processes": processes + services}, indent=2) + "\n")
    written.append(listing)
    return written
