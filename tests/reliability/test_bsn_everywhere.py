"""A valid BSN typed into every free-text field the bot has (console, Slack, Telegram, forms,
buttons, the CSV import, HTTP paths), with every logger at DEBUG: afterwards no log line,
no database row and no message the bot sent out holds one."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import JSON, String, Text, inspect, text

from bot.bootstrap import App
from bot.logging_setup import JsonFormatter
from core.bsn import contains_bsn
from core.config import Settings
from core.messages import Action, FormSubmission, Invocation
from directory.csv_io import import_csv
from handlers import build_registry
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.telegram.harness import User
from tests.adapters.telegram.standin import BotApiStandIn
from tests.integration.handovers.helpers import send, trio
from tests.reliability.conftest import Platforms, serve_platforms, stop_platforms, with_platforms
from tests.support import Chat, make_person

# Valid BSNs (they pass the 11-proef), written the ways people write them.
BSNS = ("111222333", "111 222 333", "1112.22.333", "123-456-782", "BSN:111222333")
FIELDS = (
    "need",
    "reference",
    "label",
    "note",
    "reason",
    "title",
    "text",
    "when",
    "wijk",
    "explanation",
    "description",
    "place",
    "question",
    "agenda",
    "choice",
    "receiver",
)


@pytest.fixture
def settings(settings: Settings, fake_slack: FakeSlack, bot_api: BotApiStandIn) -> Settings:
    """Both platforms on their stand-ins."""
    return with_platforms(settings, fake_slack, bot_api)


@pytest.fixture
def debug_log() -> Iterator[tuple[io.StringIO, list[logging.LogRecord]]]:
    """Every logger at DEBUG: the JSON lines production would write, and the raw records."""
    stream, records = io.StringIO(), []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    lines = logging.StreamHandler(stream)
    lines.setFormatter(JsonFormatter())
    keep = Keep()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(lines)
    root.addHandler(keep)
    root.setLevel(logging.DEBUG)
    try:
        yield stream, records
    finally:
        root.removeHandler(lines)
        root.removeHandler(keep)
        root.setLevel(old_level)


@pytest.fixture
async def platforms(
    app: App, fake_slack: FakeSlack, bot_api: BotApiStandIn
) -> AsyncIterator[Platforms]:
    """The bot serving Slack and Telegram."""
    running = await serve_platforms(app, fake_slack, bot_api)
    yield running
    await stop_platforms(running)


def test_the_numbers_used_are_bsns() -> None:
    assert all(contains_bsn(b) for b in BSNS)


async def test_no_bsn_reaches_a_log_line_a_table_or_a_chat_platform(
    app: App,
    platforms: Platforms,
    fake_slack: FakeSlack,
    bot_api: BotApiStandIn,
    debug_log: tuple[io.StringIO, list[logging.LogRecord]],
) -> None:
    sender, receiver, _ = await trio(app)
    started = await send(app, sender, receiver)
    hid = started.handover.id
    fake_slack.add_user("U1", email="f.elamrani@example.org")
    telegram_user = User(4242, "Fatima", username="fatima_ea")
    chat = Chat(app, "f.elamrani")
    registry = build_registry()
    for bsn in BSNS:
        # Console: every command with the number in its arguments, and plain questions.
        for word in sorted(registry.words()):
            await chat.say(f"/{word} {bsn}")
        await chat.say(f"wie kan helpen met schulden voor {bsn}")
        # Step-by-step forms: start one, answer with the number.
        await chat.say("/overdracht")
        await chat.say(f"Hulp bij huur voor {bsn}")
        await chat.say("stop")
        # Every form submitted with the number in every field; every button with it as value.
        for form_id in sorted(registry.forms):
            values: dict[str, str | list[str]] = {f: f"zie {bsn}" for f in FIELDS}
            values["themes"] = [bsn]
            await app.dispatcher.handle(
                Invocation(
                    platform="console",
                    account="joost",
                    chat="console:joost",
                    submission=FormSubmission(form_id, values, {"handover": str(hid)}),
                )
            )
        for action in sorted(registry.actions):
            await app.dispatcher.handle(
                Invocation(
                    platform="console",
                    account="joost",
                    chat="console:joost",
                    action=Action(action, bsn),
                )
            )
        # Slack: a slash command, a direct message, a modal, a button.
        await platforms.slack.command("/knelpunt", f"formulier kwijt van {bsn}")
        await platforms.slack.event(
            {"type": "message", "channel": "D1", "channel_type": "im", "user": "U1", "text": bsn}
        )
        await platforms.slack.interaction(_modal(bsn))
        await platforms.slack.click("handover.accept~0", bsn)
        # Telegram: a message and a button.
        await platforms.telegram.say(telegram_user, f"/wie schulden {bsn}")
        await platforms.telegram.post(_tap(platforms, bsn))
        # HTTP: the number in a path.
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{platforms.base_url}/agenda/{bsn}.ics") as response,
        ):
            assert response.status == 404
        # The directory import: the number in every cell it could hide in.
        report = await import_csv(app.deps.uow, _csv(bsn), now=app.deps.clock.now())
        assert not report.imported and report.errors
    await platforms.slack.settle()
    await app.delivery.flush()

    stream, records = debug_log
    leaked_lines = [line for line in stream.getvalue().splitlines() if contains_bsn(line)]
    assert not leaked_lines, leaked_lines[:5]
    ours = [r for r in records if r.name.startswith("krokodil") and contains_bsn(_raw(r))]
    assert not ours, [(r.name, r.getMessage()) for r in ours[:5]]
    assert not await _rows_with_bsn(app)
    sent_out = [c.params for c in fake_slack.calls] + [c.params for c in bot_api.calls]
    assert not [p for p in sent_out if contains_bsn(json.dumps(p, ensure_ascii=False))]


_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _raw(record: logging.LogRecord) -> str:
    """A record's message and structured extras, before any redaction."""
    extras = [str(v) for k, v in vars(record).items() if k not in _STANDARD]
    return " ".join([record.getMessage(), *extras])


async def _rows_with_bsn(app: App) -> list[tuple[str, str]]:
    """(table, column) of every stored text value that holds a BSN."""
    found: list[tuple[str, str]] = []
    async with app.engine.connect() as conn:
        tables = await conn.run_sync(
            lambda sync: {
                t: [
                    c["name"]
                    for c in inspect(sync).get_columns(t)
                    if isinstance(c["type"], String | Text | JSON)
                ]
                for t in inspect(sync).get_table_names()
            }
        )
        for table, columns in tables.items():
            if not columns or table == "alembic_version":
                continue
            quoted = ", ".join(f'"{c}"' for c in columns)
            for row in await conn.execute(text(f'SELECT {quoted} FROM "{table}"')):
                for column, value in zip(columns, row, strict=True):
                    shown = value if isinstance(value, str) else json.dumps(value)
                    if value is not None and contains_bsn(shown):
                        found.append((table, column))
    return found


def _modal(bsn: str) -> dict[str, Any]:
    state = {"values": {"need": {"need": {"type": "plain_text_input", "value": bsn}}}}
    return {
        "type": "view_submission",
        "user": {"id": "U1"},
        "view": {
            "id": "V1",
            "hash": "h1",
            "type": "modal",
            "callback_id": "krokodil.form",
            "private_metadata": json.dumps({"form": {"form_id": "handover.question"}}),
            "blocks": [],
            "state": state,
        },
    }


def _tap(platforms: Platforms, bsn: str) -> dict[str, Any]:
    update_id = platforms.telegram.next_update_id()
    chat = {"id": 4242, "type": "private", "first_name": "Fatima"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "from": {"id": 4242, "is_bot": False, "first_name": "Fatima"},
            "chat_instance": "ci",
            "message": {"message_id": 1, "date": 0, "chat": chat, "text": "…"},
            "data": f"handover.accept|{bsn}",
        },
    }


def _csv(bsn: str) -> str:
    header = "naam,organisatie,afdeling,functie,telefoon,email,themas,wijken,bereikbaar,rollen"
    rows = [
        f"Anna {bsn},Gemeente,Schulden,consulent,038 001 0157,a@example.org,schulden,,,",
        f"Bram Bos,Gemeente {bsn},Schulden,consulent,038 001 0158,b@example.org,schulden,,,",
        f"Carla Kok,Gemeente,Afdeling {bsn},consulent,038 001 0159,c@example.org,schulden,,,",
        f"Daan Dijk,Gemeente,Schulden,functie {bsn},038 001 0160,d@example.org,schulden,,,",
        f"Esra Eker,Gemeente,Schulden,consulent,038 001 0161,e@example.org,schulden;{bsn},,,",
        f"Fleur Fit,Gemeente,Schulden,consulent,038 001 0162,f@example.org,schulden,{bsn},,",
    ]
    return "\n".join([header, *(r.replace(f",{bsn}", f',"{bsn}"') for r in rows)]) + "\n"


async def test_debug_logging_as_configured_holds_no_message_contents(
    app: App, platforms: Platforms, fake_slack: FakeSlack
) -> None:
    """KROKODIL_LOG_LEVEL=DEBUG still keeps what people typed out of the log."""
    from bot.logging_setup import configure_logging

    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org", themes=["schulden"])
    fake_slack.add_user("U1", email="f.elamrani@example.org")
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("DEBUG", stream)
    try:
        chat = Chat(app, "f.elamrani")
        await chat.say("/knelpunt ZEBRAMARKER formulier kwijt")
        await chat.say("/ik afwezig tot maandag ZEBRAMARKER")
        await platforms.slack.command("/wie", "ZEBRAMARKER schulden")
        await platforms.slack.settle()
        logging.getLogger("krokodil.test").debug("debug is on")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    assert "debug is on" in stream.getvalue()
    assert "ZEBRAMARKER" not in stream.getvalue()
