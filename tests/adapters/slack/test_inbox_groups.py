"""The inbox is written in groups: a burst of requests that all miss the acknowledgement
window at once is one statement on one connection, not one connection per request (under
load, some of those were not written within Slack's three seconds)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.bootstrap import App
from core import inbox
from core.db import make_engine
from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person

DEAD = "dead0000dead0000dead0000dead0000"


def _fields(app: App, n: int) -> dict[str, object]:
    return inbox.new_row(
        platform="slack",
        kind="command",
        account=f"U{n}",
        payload={"n": n},
        instance=DEAD,
        now=app.deps.clock.now(),
    )


async def test_rows_asked_for_at_once_are_written_together_each_with_its_own_id(
    app: App,
) -> None:
    writer = inbox.Writer(app.deps.uow.engine)
    ids = await asyncio.gather(*(writer.store(_fields(app, n)) for n in range(25)))
    # The first row starts a group; the 24 asked for meanwhile are the next one.
    assert writer.groups <= 2
    assert len(set(ids)) == 25
    async with app.deps.uow() as uow:
        rows = {r.id: r for r in await uow.session.scalars(select(inbox.InboxItem))}
    # Each asker got the id of its own row.
    assert [rows[item].payload["n"] for item in ids] == list(range(25))
    assert [rows[item].account for item in ids] == [f"U{n}" for n in range(25)]


async def test_a_failed_group_fails_every_row_in_it_and_the_next_group_is_tried(
    app: App, tmp_path: object
) -> None:
    nowhere = make_engine(f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/inbox.db")
    writer = inbox.Writer(nowhere)
    try:
        outcomes = await asyncio.gather(
            *(writer.store(_fields(app, n)) for n in range(3)), return_exceptions=True
        )
        assert all(isinstance(outcome, Exception) for outcome in outcomes)
        # The writer is not stuck: a later row is tried again (and fails as clearly).
        later = await asyncio.gather(writer.store(_fields(app, 9)), return_exceptions=True)
        assert isinstance(later[0], Exception)
        assert writer.groups >= 2
    finally:
        await nowhere.dispose()


async def test_a_burst_of_slow_commands_is_stored_in_few_statements_and_all_answered(
    slack: SlackHarness,
) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="fatima@example.org")
    for n in range(12):
        slack.fake.add_user(f"U{n}", email="fatima@example.org" if n == 0 else None)
    window = slack.adapter.listeners.window
    window.seconds = 0.0  # nothing is ready in time: every command goes to the inbox
    answers = await asyncio.gather(*(slack.command("/help", user=f"U{n}") for n in range(12)))
    assert all(a.json()["text"] == "Even zoeken…" for a in answers)
    assert window.writer.groups < 12
    await slack.settle()
    assert len(slack.fake.posted()) == 12
    async with slack.app.deps.uow() as uow:
        assert list(await uow.session.scalars(select(inbox.InboxItem))) == []
