"""The docs stay true: every CLI command and option, and every setting, is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.main

from safenet.cli import app
from safenet.config import Settings, iter_setting_paths

ROOT = Path(__file__).resolve().parent.parent


def _docs_text() -> str:
    parts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    parts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md"))]
    return "\n".join(parts)


def _walk(command: Any, path: list[str]) -> list[tuple[str, Any]]:
    # Typer vendors its own click: test for a group by its commands, not by click's class.
    found = [(" ".join(path), command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _walk(sub, [*path, name])
    return found


def _commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    return [(p, c) for p, c in _walk(root, ["safenet"]) if not c.hidden]


def _options(command: Any) -> list[str]:
    return [
        opt
        for param in command.params
        if param.param_type_name == "option" and not getattr(param, "hidden", False)
        for opt in param.opts
        if opt.startswith("--") and opt != "--help"
    ]


HEADING = re.compile(r"^(#+)\s+(.*)$")


def _command_sections() -> dict[str, list[str]]:
    """Each command named in backticks in a heading: the text of its section(s).

    A section runs from its heading to the next heading of the same or a higher level
    (its subsections belong to it). The generated message schemas are left out.
    """
    sections: dict[str, list[str]] = {}
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        lines = path.read_text(encoding="utf-8").splitlines()
        heads = [(i, len(m[1]), m[2]) for i, line in enumerate(lines) if (m := HEADING.match(line))]
        for k, (start, level, title) in enumerate(heads):
            end = next((i for i, lv, _ in heads[k + 1 :] if lv <= level), len(lines))
            for named in re.findall(r"`(safenet [^`]+)`", title):
                sections.setdefault(named.strip(), []).append("\n".join(lines[start:end]))
    return sections


def _own_section(path: str, sections: dict[str, list[str]]) -> str | None:
    """The command's section, or its nearest parent command's (a group documented whole)."""
    words = path.split()
    for n in range(len(words), 1, -1):
        named = " ".join(words[:n])
        if named in sections:
            return "\n".join(sections[named])
    return None


def test_the_command_walk_reaches_every_subcommand() -> None:
    # The walk once stopped at the root (Typer's click is not click's), which made the
    # check below pass over every command; this keeps it honest.
    found = dict(_commands())
    assert "safenet center serve" in found
    assert "safenet police wanted add" in found
    assert "--site" in _options(found["safenet center serve"])


def test_every_cli_command_is_documented() -> None:
    docs = _docs_text()
    missing = [f"command `{p}`" for p, _ in _commands() if p != "safenet" and p not in docs]
    assert not missing, "undocumented in README.md or docs/*.md: " + ", ".join(missing)


def test_every_option_is_documented_in_its_commands_own_section() -> None:
    sections = _command_sections()
    problems: list[str] = []
    for path, command in _commands():
        options = _options(command)
        if path == "safenet":
            text: str | None = _docs_text()  # --version: the command table in docs/cli.md
        else:
            text = _own_section(path, sections)
        if not options:
            continue
        if text is None:
            problems.append(f"`{path}` has no section (a heading naming it in backticks)")
            continue
        problems += [f"option {o} of `{path}`" for o in options if o not in text]
    assert not problems, "not in their command's section of the docs: " + ", ".join(problems)


def test_every_setting_is_documented() -> None:
    # docs/configuration.md holds the common settings; each service's page holds its own
    # section (`center.retention_hours` in docs/center.md, and so on).
    text = _docs_text()
    missing = [p for p in iter_setting_paths(Settings) if f"`{p}`" not in text]
    assert not missing, f"settings missing from docs/*.md: {missing}"


def test_readme_gives_exactly_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme
    assert "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_configuration_md_is_the_settings_tree_as_generated() -> None:
    from safenet.config_doc import DOC, render_table, updated

    text = DOC.read_text(encoding="utf-8")
    assert updated(text) == text, "docs/configuration.md is stale: run python -m safenet.config_doc"
    # The check can fail: a page missing a row (or with an old default) differs.
    stale = text.replace("| `log.json_lines` |", "| `log.jsonlines` |")
    assert updated(stale) != stale
    assert render_table().count("\n| `") == len(iter_setting_paths(Settings))


def test_every_environment_name_in_the_table_is_read_by_the_settings(
    monkeypatch: Any,
) -> None:
    from safenet.config import load_settings

    monkeypatch.setenv("SAFENET_CENTER__NATS_USER", "seocho")
    monkeypatch.setenv("SAFENET_POLICE__NATS_PASSWORD", "from-the-env-file")
    settings = load_settings()
    assert settings.center.nats_user == "seocho"
    assert settings.police.nats_password is not None
    assert settings.police.nats_password.get_secret_value() == "from-the-env-file"
