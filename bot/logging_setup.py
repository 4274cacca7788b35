"""Structured logs: one JSON object per line, no message contents, no secrets, no BSNs."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

from core.bsn import redact_bsn

# Attributes every LogRecord has; anything else was passed with extra= and is structured data.
_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON line; BSN-like numbers are redacted as a last line of defence."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": redact_bsn(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = (
                    value if isinstance(value, int | float | bool) else redact_bsn(str(value))
                )
        if record.exc_info:
            payload["traceback"] = redact_bsn(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(level: str | None = None, stream: object = None) -> None:
    """Send JSON logs to stderr (or the given stream); quiet chatty libraries."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel((level or os.environ.get("KROKODIL_LOG_LEVEL") or "WARNING").upper())
    # Kept at WARNING even at DEBUG: several of these log request bodies or SQL parameters,
    # which is where message contents would otherwise end up.
    noisy = (
        "httpx",
        "apscheduler",
        "aiohttp.access",
        "telegram",
        "slack_bolt",
        "sqlalchemy",
        "microsoft_agents",
    )
    for name in (*noisy, "aiosqlite", "asyncpg", "slack_sdk", "krokodil.slack.bolt"):
        logging.getLogger(name).setLevel(logging.WARNING)
