"""Logging set-up, done once at the entry point (CLI commands, services, the demo).

Modules log with ``logging.getLogger(__name__)``, one line per unit of work; only
:func:`configure` touches handlers. Lines are human-readable by default, or one JSON
object per line (``log.json_lines``) for log shippers. Plates are personal data: log
counts and ids, never the plate text of non-hit reads.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from safenet.config import LogSettings

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            body["exc"] = self.formatException(record.exc_info)
        return json.dumps(body, ensure_ascii=False)


def configure(
    settings: LogSettings | None = None, stream: object = None, *, file: Path | None = None
) -> None:
    """Install the root logger's handlers according to ``settings``.

    With ``file``, every line goes to that file and only warnings and errors to the
    terminal (the demo's live view keeps the terminal for itself).
    """
    settings = settings or LogSettings()
    formatter: logging.Formatter = (
        _JsonFormatter()
        if settings.json_lines
        else logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    handlers: list[logging.Handler] = []
    terminal = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(file, encoding="utf-8"))
        terminal.setLevel(logging.WARNING)
    handlers.append(terminal)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(_LEVELS[settings.level])
    # Third-party chatter stays at warning unless we debug.
    for noisy in ("uvicorn.access", "nats", "aiomqtt", "sqlalchemy.engine", "alembic"):
        logging.getLogger(noisy).setLevel(
            logging.DEBUG if settings.level == "debug" else logging.WARNING
        )
