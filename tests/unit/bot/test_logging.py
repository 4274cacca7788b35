"""Logs are JSON lines without message contents, secrets or BSNs."""

from __future__ import annotations

import io
import json
import logging

from bot.bootstrap import App
from bot.logging_setup import JsonFormatter, configure_logging
from core.messages import Invocation


def test_bsn_is_redacted_from_log_lines() -> None:
    record = logging.makeLogRecord(
        {"msg": "oops %s", "args": ("111 222 333",), "levelname": "INFO"}
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "oops [BSN verwijderd]"


async def test_a_failing_handler_logs_no_message_text(app: App) -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream)
    try:
        from handlers.base import CommandSpec

        async def explode(cmd: object, deps: object) -> object:
            raise RuntimeError("internal")

        app.deps.registry.command(CommandSpec("boem", explode, "x", "/boem", public=True))  # type: ignore[arg-type]
        reply = await app.dispatcher.handle(
            Invocation(platform="console", account="a", chat="c", text="/boem geheime inhoud")
        )
    finally:
        logging.getLogger().handlers.clear()
    assert "Probeer het zo nog eens" in reply.text
    logged = stream.getvalue()
    assert "handler failed" in logged and "RuntimeError" in logged
    assert "geheime inhoud" not in logged
