"""Linking by proof: codes are single-use, short-lived, hashed, and guessing is stopped."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import App
from core.audit import AuditEntry
from core.clock import FrozenClock
from directory import linking
from directory.identity import IdentityRepository
from directory.models import Account
from directory.models_linking import LinkCode
from tests.support import make_person


async def _issue(app: App, person_id: int) -> linking.IssuedCode:
    async with app.deps.uow() as uow:
        issued = await linking.issue(
            uow.session, person_id, issued_by=person_id, now=app.deps.clock.now(), origin="console"
        )
        await uow.commit()
    return issued


async def _redeem(app: App, account: str, code: str) -> linking.Redemption:
    async with app.deps.uow() as uow:
        result = await linking.redeem(uow.session, "telegram", account, code, app.deps.clock.now())
        await uow.commit()
    return result


async def _telegram_person(app: App, account: str) -> int | None:
    async with app.deps.uow() as uow:
        person = await uow.repo(IdentityRepository).person_for_account("telegram", account)
    return None if person is None else person.id


def test_codes_are_random_readable_and_normalised() -> None:
    codes = {linking.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 9 and code[4] == "-"
        assert linking.looks_like_code(code)
        assert not set(code.replace("-", "")) & set("01OIL")
    assert linking.code_hash("abcd efgh") == linking.code_hash("ABCD-EFGH")


async def test_only_a_hash_is_stored(app: App) -> None:
    person = await make_person(app, "Fatima el Amrani")
    issued = await _issue(app, person.id)
    async with app.deps.uow() as uow:
        stored = list(await uow.session.scalars(select(LinkCode.code_hash)))
    assert stored == [linking.code_hash(issued.code)]
    assert issued.code.replace("-", "") not in stored[0].upper()


async def test_right_code_links_once(app: App) -> None:
    person = await make_person(app, "Fatima el Amrani")
    issued = await _issue(app, person.id)
    assert (await _redeem(app, "4242", issued.code.lower())).outcome == "linked"
    assert await _telegram_person(app, "4242") == person.id
    assert (await _redeem(app, "4242", issued.code)).outcome == "used"
    # Someone else who saw the code cannot use it afterwards either.
    assert (await _redeem(app, "5555", issued.code)).outcome == "used"
    assert await _telegram_person(app, "5555") is None


async def test_wrong_and_expired_codes_link_nothing(app: App, clock: FrozenClock) -> None:
    person = await make_person(app, "Fatima el Amrani")
    issued = await _issue(app, person.id)
    assert (await _redeem(app, "4242", "ZZZZ-ZZZZ")).outcome == "wrong"
    clock.advance(linking.CODE_LIFETIME + timedelta(seconds=1))
    assert (await _redeem(app, "4242", issued.code)).outcome == "expired"
    assert await _telegram_person(app, "4242") is None


async def test_a_new_code_replaces_the_old_one(app: App) -> None:
    person = await make_person(app, "Fatima el Amrani")
    first = await _issue(app, person.id)
    second = await _issue(app, person.id)
    assert (await _redeem(app, "4242", first.code)).outcome == "wrong"
    assert (await _redeem(app, "4242", second.code)).outcome == "linked"


async def test_guessing_is_stopped_per_account(app: App, clock: FrozenClock) -> None:
    person = await make_person(app, "Fatima el Amrani")
    issued = await _issue(app, person.id)
    for _ in range(linking.MAX_FAILURES):
        assert (await _redeem(app, "6666", "ZZZZ-ZZZZ")).outcome == "wrong"
    # Even the right code is refused while the account is blocked…
    assert (await _redeem(app, "6666", issued.code)).outcome == "too_many"
    # …another account is not affected…
    assert (await _redeem(app, "7777", "ZZZZ-ZZZZ")).outcome == "wrong"
    # …and the block lifts after the window.
    clock.advance(linking.FAILURE_WINDOW)
    fresh = await _issue(app, person.id)
    assert (await _redeem(app, "6666", fresh.code)).outcome == "linked"


async def test_an_account_of_someone_else_cannot_be_taken_over(app: App) -> None:
    fatima = await make_person(app, "Fatima el Amrani")
    joost = await make_person(app, "Joost de Wit")
    assert (await _redeem(app, "4242", (await _issue(app, fatima.id)).code)).outcome == "linked"
    assert (await _redeem(app, "4242", (await _issue(app, joost.id)).code)).outcome == "taken"
    assert await _telegram_person(app, "4242") == fatima.id


async def test_a_new_phone_replaces_the_old_link(app: App) -> None:
    person = await make_person(app, "Fatima el Amrani")
    assert (await _redeem(app, "1111", (await _issue(app, person.id)).code)).outcome == "linked"
    assert (await _redeem(app, "2222", (await _issue(app, person.id)).code)).outcome == "linked"
    async with app.deps.uow() as uow:
        accounts = await uow.repo(IdentityRepository).accounts_of(person.id)
    assert sorted(a.external_id for a in accounts if a.platform == "telegram") == ["2222"]


async def test_burned_codes_stop_working(app: App) -> None:
    person = await make_person(app, "Fatima el Amrani")
    issued = await _issue(app, person.id)
    async with app.deps.uow() as uow:
        assert await linking.burn(uow.session, issued.code, app.deps.clock.now(), "telegram")
        await uow.commit()
    assert (await _redeem(app, "4242", issued.code)).outcome == "used"


async def test_an_imported_username_links_nothing_by_itself(app: App) -> None:
    person = await make_person(app, "Fatima el Amrani")
    now = app.deps.clock.now()
    async with app.deps.uow() as uow:
        uow.session.add(
            Account(
                person_id=person.id,
                platform="telegram",
                external_id="@fatima_ea",
                username="fatima_ea",
                linked_at=now,
            )
        )
        await uow.commit()
    async with app.deps.uow() as uow:
        assert await linking.username_placeholder(uow.session, "telegram", "77", "someone") is None
        found = await linking.username_placeholder(uow.session, "telegram", "4242", "Fatima_EA")
        assert found is not None and found.person_id == person.id
    # The name alone links nothing: the account is still nobody's.
    assert await _telegram_person(app, "4242") is None
    # Once the code links it, a later holder of the username finds no placeholder.
    issued = await _issue(app, person.id)
    assert (await _redeem(app, "4242", issued.code)).outcome == "linked"
    async with app.deps.uow() as uow:
        assert (
            await linking.username_placeholder(uow.session, "telegram", "88", "fatima_ea") is None
        )


async def test_every_attempt_is_audited_without_the_code(app: App) -> None:
    person = await make_person(app, "Fatima el Amrani")
    issued = await _issue(app, person.id)
    await _redeem(app, "4242", "ZZZZ-ZZZZ")
    await _redeem(app, "4242", issued.code)
    async with app.deps.uow() as uow:
        entries = list(await uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    actions = [(e.action, e.result) for e in entries]
    assert ("link_code.issued", "ok") in actions
    assert ("account.link_refused", "wrong") in actions
    assert ("account.linked_by_code", "ok") in actions
    for entry in entries:
        for value in (entry.actor, entry.object_id, entry.origin, entry.result):
            assert issued.code not in value and "ZZZZ" not in value
