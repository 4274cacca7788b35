"""Reminders go out exactly once: on time, after a restart, with two bots, and late within grace."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import UTC, timedelta

from bot.bootstrap import App, build
from core.clock import FrozenClock
from core.config import Settings
from core.messages import Recipient, Reply
from core.outbox import OutboxMessage
from handlers.meetings import reminders as meeting_reminders
from handlers.meetings.texts import ref
from scheduler import reminders
from scheduler.models import Reminder
from tests.integration.scheduler.helpers import (
    count,
    local,
    outbox_rows,
    plan,
    press,
    reminder_rows,
    rsvp,
    say_yes,
)
from tests.support import Chat, make_person

TUESDAY_14 = local(2026, 12, 1, 14, 0)  # a week after the test clock's Tuesday morning
DUE = TUESDAY_14 - timedelta(hours=24)


async def _meeting_with_a_yes(app: App) -> int:
    organiser = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(app, "Joost de Wit", email="joost@example.org", organisation="Wijkteam")
    meeting = await plan(app, organiser.id, TUESDAY_14)
    reply = await rsvp(app, "joost", meeting.id, TUESDAY_14.astimezone(UTC), "ja")
    assert "Genoteerd: je komt" in reply.text
    return meeting.id


async def test_day_before_reminder_goes_out_at_its_moment_and_only_once(
    app: App, clock: FrozenClock, chat: Chat
) -> None:
    await _meeting_with_a_yes(app)
    clock.set(DUE - timedelta(seconds=1))
    assert await meeting_reminders.tick(app.deps, clock.now()) == 0
    clock.set(DUE)
    assert await meeting_reminders.tick(app.deps, clock.now()) == 1
    assert await meeting_reminders.tick(app.deps, clock.now()) == 0
    await chat.deliver()
    [message] = chat.messages_for("joost")
    assert "Herinnering: Netwerk Schulden is dinsdag 1 december 14:00–15:30." in message
    assert "Ik kom niet" in message
    [row] = [r for r in await reminder_rows(app) if r.kind == "day_before"]
    assert (row.status, row.fired_at) == ("sent", DUE.astimezone(UTC))


async def test_a_restarted_bot_does_not_send_it_again(
    app: App, clock: FrozenClock, settings: Settings
) -> None:
    await _meeting_with_a_yes(app)
    clock.set(DUE + timedelta(seconds=2))
    assert await meeting_reminders.tick(app.deps, clock.now()) == 1
    await app.close()
    restarted = build(settings, clock=clock, rng=random.Random(1))
    try:
        assert await meeting_reminders.tick(restarted.deps, clock.now()) == 0
        clock.advance(timedelta(minutes=5))
        assert await meeting_reminders.tick(restarted.deps, clock.now()) == 0
        assert len(await outbox_rows(restarted, "reminder")) == 1
    finally:
        await restarted.close()


async def test_two_bots_on_one_database_send_each_reminder_once(
    app: App, clock: FrozenClock, settings: Settings
) -> None:
    organiser = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    guests = [
        await make_person(app, f"Gast {i}", email=f"gast{i}@example.org", organisation=f"Org {i}")
        for i in range(12)
    ]
    for offset in range(10):
        start = TUESDAY_14 + timedelta(minutes=offset)
        meeting = await plan(app, organiser.id, start)
        await say_yes(app, meeting.id, start.astimezone(UTC), [g.id for g in guests])
    other = build(settings, clock=clock, rng=random.Random(2))
    try:
        clock.set(DUE + timedelta(minutes=10))
        # Both bots run passes at once, without the leader lock: the claims alone must hold.
        passes = [
            meeting_reminders.tick(bot.deps, clock.now()) for _ in range(4) for bot in (app, other)
        ]
        done = await asyncio.gather(*passes)
        assert sum(done) == 120
        assert await count(app, OutboxMessage) == 120
        rows = await reminder_rows(app)
        assert {r.status for r in rows if r.kind == "day_before"} == {"sent"}
        keys = [m.dedupe_key for m in await outbox_rows(app, "reminder")]
        assert len(set(keys)) == 120
    finally:
        await other.close()


async def test_missed_while_down_is_sent_late_within_the_grace_period(
    app: App, clock: FrozenClock, chat: Chat
) -> None:
    await _meeting_with_a_yes(app)
    clock.set(DUE + timedelta(hours=5, minutes=59))  # grace is 6 hours by default
    assert await meeting_reminders.tick(app.deps, clock.now()) == 1
    await chat.deliver()
    assert len(chat.messages_for("joost")) == 1
    assert (await outbox_rows(app, "reminder"))[0].created_at == clock.now()


async def test_missed_beyond_the_grace_period_is_skipped_and_recorded(
    app: App, clock: FrozenClock, chat: Chat
) -> None:
    await _meeting_with_a_yes(app)
    clock.set(DUE + timedelta(hours=6, seconds=1))
    assert await meeting_reminders.tick(app.deps, clock.now()) == 1
    await chat.deliver()
    assert chat.messages_for("joost") == []
    [row] = [r for r in await reminder_rows(app) if r.kind == "day_before"]
    assert row.status == "skipped"


async def test_no_reminder_after_saying_nee_or_when_the_occurrence_is_cancelled(
    app: App, clock: FrozenClock
) -> None:
    meeting_id = await _meeting_with_a_yes(app)
    await rsvp(app, "joost", meeting_id, TUESDAY_14.astimezone(UTC), "nee")
    await make_person(app, "Anja Bos", email="anja@example.org", organisation="Cliëntenraad")
    await rsvp(app, "anja", meeting_id, TUESDAY_14.astimezone(UTC), "ja")
    from handlers.meetings.texts import ref
    from tests.integration.scheduler.helpers import press

    done = await press(
        app,
        "f.elamrani",
        "meetings.cancel_one",
        ref(meeting_id, TUESDAY_14.astimezone(UTC), "zeker"),
    )
    assert "Afgezegd" in done.text
    clock.set(DUE)
    assert await meeting_reminders.tick(app.deps, clock.now()) == 0
    assert await outbox_rows(app, "reminder") == []
    assert {r.status for r in await reminder_rows(app) if r.kind == "day_before"} == {"cancelled"}


async def test_a_moved_occurrence_moves_its_reminder_and_tells_who_comes(
    app: App, clock: FrozenClock, chat: Chat
) -> None:
    meeting_id = await _meeting_with_a_yes(app)
    await press(app, "f.elamrani", "meetings.edit_one", ref(meeting_id, TUESDAY_14.astimezone(UTC)))
    chat.as_("f.elamrani")
    await chat.script(
        [
            ("do 3 dec 10:00", ["Vraag 2 van 2", "Nieuwe plek"]),
            (
                "Stadhuis, zaal 2",
                [
                    "Gewijzigd. Ik heb 1 persoon op de hoogte gebracht.",
                    "donderdag 3 december 10:00",
                ],
            ),
        ]
    )
    assert (
        "Gewijzigd: Netwerk Schulden is nu op donderdag 3 december 10:00–11:30, Stadhuis, zaal 2."
        in chat.messages_for("joost")[-1]
    )
    [row] = [r for r in await reminder_rows(app) if r.kind == "day_before"]
    assert row.due_at == local(2026, 12, 2, 10, 0).astimezone(UTC)
    clock.set(DUE)
    assert await meeting_reminders.tick(app.deps, clock.now()) == 0
    clock.set(local(2026, 12, 2, 10, 0))
    assert await meeting_reminders.tick(app.deps, clock.now()) == 1


async def test_exact_wake_ups_are_asked_for_the_next_due_moments(
    app: App, clock: FrozenClock
) -> None:
    await _meeting_with_a_yes(app)
    asked: list[object] = []
    app.deps.wake_at = asked.append
    clock.set(DUE - timedelta(seconds=20))
    await meeting_reminders.tick(app.deps, clock.now())
    assert asked == [DUE.astimezone(UTC)]
    await meeting_reminders.tick(app.deps, clock.now())
    assert asked == [DUE.astimezone(UTC)]  # asked once, not on every pass


async def test_weekly_post_lists_the_weeks_meetings_in_their_channel(
    app: App, clock: FrozenClock, chat: Chat
) -> None:
    organiser = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await plan(
        app,
        organiser.id,
        TUESDAY_14,
        platform="console",
        chat="kanaal-noord",
        title="Netwerk Noord",
    )
    await plan(
        app,
        organiser.id,
        local(2026, 12, 3, 10, 0),
        platform="console",
        chat="kanaal-noord",
        kind="intervisie",
        title="Intervisie wijkteams",
    )
    await plan(
        app,
        organiser.id,
        local(2026, 12, 9, 10, 0),
        platform="console",
        chat="kanaal-noord",
        title="Volgende week",
    )
    await plan(
        app, organiser.id, TUESDAY_14, platform="console", chat="kanaal-zuid", title="Netwerk Zuid"
    )
    monday_nine = local(2026, 11, 30, 9, 0)
    clock.set(monday_nine - timedelta(seconds=1))
    await meeting_reminders.tick(app.deps, clock.now())
    await chat.deliver()
    assert chat.messages_for("kanaal-noord") == []
    clock.set(monday_nine)
    assert await meeting_reminders.tick(app.deps, clock.now()) == 2
    await chat.deliver()
    [north] = chat.messages_for("kanaal-noord")
    assert "Deze week" in north
    assert "Netwerk Noord" in north and "Intervisie wijkteams" in north
    assert "Volgende week" not in north and "Netwerk Zuid" not in north
    assert "Netwerk Zuid" in chat.messages_for("kanaal-zuid")[0]
    clock.advance(timedelta(hours=1))
    assert await meeting_reminders.tick(app.deps, clock.now()) == 0


async def test_planned_weekly_posts_follow_a_changed_day_and_time(
    app: App, clock: FrozenClock, settings: Settings, chat: Chat
) -> None:
    organiser = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await plan(app, organiser.id, local(2026, 12, 4, 10, 0), platform="console", chat="kanaal")
    clock.set(local(2026, 11, 30, 7, 0))
    await meeting_reminders.tick(app.deps, clock.now())
    assert {r.due_at for r in await reminder_rows(app)} == {
        local(2026, 11, 30, 9, 0).astimezone(UTC),
        local(2026, 12, 7, 9, 0).astimezone(UTC),
    }
    # The bot restarts with the post on Wednesday 08:30.
    moved = replace(
        settings, meetings=replace(settings.meetings, weekly_day="wo", weekly_time="08:30")
    )
    restarted = build(moved, clock=clock, rng=random.Random(3))
    try:
        await meeting_reminders.tick(restarted.deps, clock.now())
        assert {r.due_at for r in await reminder_rows(app)} == {
            local(2026, 12, 2, 8, 30).astimezone(UTC),
            local(2026, 12, 9, 8, 30).astimezone(UTC),
        }
        clock.set(local(2026, 11, 30, 9, 0))
        assert await meeting_reminders.tick(restarted.deps, clock.now()) == 0
        clock.set(local(2026, 12, 2, 8, 30))
        assert await meeting_reminders.tick(restarted.deps, clock.now()) == 1
        # Changed back on Thursday: this week's post is sent, next week's moves again.
        clock.set(local(2026, 12, 3, 12, 0))
        await meeting_reminders.tick(app.deps, clock.now())
        assert sorted(r.due_at for r in await reminder_rows(app)) == [
            local(2026, 12, 2, 8, 30).astimezone(UTC),
            local(2026, 12, 7, 9, 0).astimezone(UTC),
        ]
    finally:
        await restarted.close()


async def test_a_channel_without_meetings_this_week_gets_no_post(
    app: App, clock: FrozenClock
) -> None:
    organiser = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await plan(app, organiser.id, local(2026, 12, 15, 10, 0), platform="console", chat="kanaal")
    clock.set(local(2026, 11, 30, 9, 0))
    await meeting_reminders.tick(app.deps, clock.now())
    assert await outbox_rows(app, "reminder") == []
    assert [r.status for r in await reminder_rows(app) if r.occurrence_start <= clock.now()] == [
        "empty"
    ]
    assert await count(app, Reminder) == 2  # this week (empty) and next week (pending)


async def test_a_message_that_cannot_be_built_fails_alone(app: App, clock: FrozenClock) -> None:
    first = await _meeting_with_a_yes(app)
    second = await plan(app, 1, TUESDAY_14, title="Tweede")
    await rsvp(app, "joost", second.id, TUESDAY_14.astimezone(UTC), "ja")

    async def compose(
        _session: object, rows: list[Reminder]
    ) -> dict[int, tuple[Recipient, Reply] | None]:
        if any(r.meeting_id == first for r in rows):
            raise RuntimeError("a bug in one message")
        return {r.id: (Recipient(person_id=2), Reply(text="herinnering")) for r in rows}

    report = await reminders.fire_due(app.deps.uow, DUE, timedelta(hours=6), compose)  # type: ignore[arg-type]
    assert report == reminders.FireReport(sent=1, skipped=0, dropped=1)
    statuses = {r.meeting_id: r.status for r in await reminder_rows(app) if r.kind == "day_before"}
    assert statuses == {first: "failed", second.id: "sent"}


async def test_the_running_ticker_schedules_a_timer_job_at_the_due_moment(
    app: App, clock: FrozenClock
) -> None:
    await _meeting_with_a_yes(app)
    clock.set(DUE - timedelta(seconds=30))
    assert app.ticker is not None
    app.ticker.start()
    # APScheduler runs on the real clock, which is past the frozen one: paused, it keeps the
    # date job instead of firing (and dropping) it at once.
    app.ticker.scheduler.pause()
    try:
        await app.ticker.run_pass()
        runs = [job.next_run_time for job in app.ticker.scheduler.get_jobs()]
        assert DUE.astimezone(UTC) in runs  # an APScheduler date job, besides the interval job
    finally:
        await app.ticker.stop()
