"""Log lines are readable or JSON, as configured."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from safenet.config import LogSettings
from safenet.logs import configure


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    # configure() replaces the root handlers, pytest's capture handlers included.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in handlers:
        root.addHandler(h)
    root.setLevel(level)


def test_json_lines() -> None:
    buf = io.StringIO()
    configure(LogSettings(level="info", json_lines=True), stream=buf)
    logging.getLogger("safenet.test").info("purged %d reads", 12)
    line = json.loads(buf.getvalue().strip().splitlines()[-1])
    assert line["msg"] == "purged 12 reads"
    assert line["level"] == "info"
    assert line["logger"] == "safenet.test"


def test_level_filters() -> None:
    buf = io.StringIO()
    configure(LogSettings(level="warning"), stream=buf)
    logging.getLogger("safenet.test").info("hidden")
    logging.getLogger("safenet.test").warning("shown")
    assert "hidden" not in buf.getvalue()
    assert "shown" in buf.getvalue()


def test_file_gets_everything_terminal_only_warnings(tmp_path: Path) -> None:
    buf = io.StringIO()
    log_file = tmp_path / "var" / "demo.log"
    configure(LogSettings(level="info"), stream=buf, file=log_file)
    logging.getLogger("safenet.test").info("center seocho: 41 cameras")
    logging.getLogger("safenet.test").warning("link down")
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = log_file.read_text(encoding="utf-8")
    assert "41 cameras" in written
    assert "link down" in written
    assert "41 cameras" not in buf.getvalue()
    assert "link down" in buf.getvalue()
