"""The adapter as `krokodil run` starts it, and proactive posts to stored conversations."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.adapters.teams import TeamsAdapter
from bot.bootstrap import App
from bot.runtime import platform_adapters
from core import outbox
from core.messages import Recipient, Reply
from tests.adapters.teams.harness import BOT_ID, CHANNEL, TeamsHarness
from tests.adapters.teams.standin import TENANT_ID, ConnectorStandIn, Member

ELS = Member("29:els", "d0000000-0000-4000-8000-0000000000d1", "Els")


def test_krokodil_run_starts_teams_when_the_app_id_is_set(app: App) -> None:
    [adapter] = platform_adapters(app)
    assert isinstance(adapter, TeamsAdapter)
    assert adapter.supports_modals


async def _queue_post(app: App, chat: str) -> None:
    async with app.deps.uow() as uow:
        await outbox.enqueue(
            uow.session,
            Recipient(platform="teams", chat=chat),
            Reply(title="Deze week", text="Netwerk Schulden, dinsdag 14:00"),
            now=app.deps.clock.now(),
            kind="meeting.weekly",
        )
        await uow.commit()


async def test_a_channel_post_goes_to_the_conversation_the_bot_was_added_to(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    added = {
        **teams.base(ELS, CHANNEL),
        "type": "conversationUpdate",
        "membersAdded": [{"id": BOT_ID}],
        "channelData": {"tenant": {"id": TENANT_ID}, "eventType": "teamMemberAdded"},
    }
    assert (await teams.post(added)).status in (200, 202)
    await _queue_post(app, CHANNEL["id"])
    assert await app.delivery.run_once() == 1
    [post] = standin.sent(CHANNEL["id"])
    assert "Netwerk Schulden" in post.text


async def test_a_post_to_a_conversation_the_bot_never_saw_waits_in_the_outbox(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    await _queue_post(app, "19:unknown@thread.tacv2")
    assert await app.delivery.run_once() == 0
    async with app.deps.uow() as uow:
        [row] = list(await uow.session.scalars(select(outbox.OutboxMessage)))
    assert row.sent_at is None and row.attempts == 1 and standin.sent() == []


async def test_a_teams_user_found_by_email_keeps_one_entry_across_platforms(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    from directory.identity import IdentityRepository
    from tests.support import make_person

    person = await make_person(app, "Els Jansen", email="els@example.org", themes=["wonen"])
    async with app.deps.uow() as uow:
        identity = uow.repo(IdentityRepository)
        found = await identity.person_by_email("els@example.org")
        assert found is not None
        await identity.link(found, "slack", "u0els", app.deps.clock.now())
        await uow.commit()
    standin.add_member(replace(ELS, email="Els@Example.org"))
    assert (await teams.say(ELS, "/ik")).status == 202
    async with app.deps.uow() as uow:
        accounts = await uow.repo(IdentityRepository).accounts_of(person.id)
    platforms = {(a.platform, a.external_id) for a in accounts}
    assert ("slack", "u0els") in platforms
    assert ("teams", ELS.aad_object_id) in platforms
