"""Ranking: theme match, reachable now, wijk, acquaintance, stand-ins, holidays, fallback.

Every search here runs both ways (tests.integration.directory.paths): on the database and
in the in-memory index, which must give exactly the same answer.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from bot.bootstrap import App
from core.clock import FrozenClock
from directory.identity import record_acquaintance
from directory.models import Person
from directory.search import DROPPED, oliemannetje_for
from tests.integration.directory.paths import roles, search
from tests.support import make_person

WEDNESDAY_ONLY = ((2, 540, 1020),)


def names(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.person.name for m in result.matches]


async def away_until_january(app: App, person_id: int, stand_in_id: int) -> None:
    """Absent from 1 November 2026 to 11 January 2027, with a stand-in."""
    async with app.deps.uow() as uow:
        await uow.session.execute(
            update(Person)
            .where(Person.id == person_id)
            .values(
                absent_from=datetime(2026, 11, 1, tzinfo=UTC),
                absent_until=datetime(2027, 1, 11, 23, tzinfo=UTC),
                stand_in_id=stand_in_id,
            )
        )
        await uow.commit()


async def test_reachable_now_beats_not_reachable(app: App) -> None:
    await make_person(app, "Wendy Woensdag", themes=["schulden"], availability=WEDNESDAY_ONLY)
    await make_person(app, "Bram Bereikbaar", themes=["schulden"])
    result = await search(app, "schulden")
    assert names(result) == ["Bram Bereikbaar", "Wendy Woensdag"]
    assert [m.reachable_now for m in result.matches] == [True, False]
    assert result.themes == ("schulden",)


async def test_whoever_can_be_called_comes_before_whoever_has_no_phone(app: App) -> None:
    # Same theme, in the asked wijk, known and reachable now: but no phone number.
    await make_person(app, "Mila Mail", themes=["schulden"], wijken=["Noord"], phone=None)
    await make_person(app, "Wendy Woensdag", themes=["schulden"], availability=WEDNESDAY_ONLY)
    result = await search(app, "schulden in Noord")
    assert names(result) == ["Wendy Woensdag", "Mila Mail"]
    assert [m.reachable_now for m in result.matches] == [False, False]


async def test_a_stand_in_replaces_an_absent_person(app: App) -> None:
    stand_in = await make_person(app, "Joost de Wit", themes=["jeugd"])
    absent = await make_person(app, "Anna Afwezig", themes=["schulden"])
    await make_person(app, "Wendy Woensdag", themes=["schulden"], availability=WEDNESDAY_ONLY)
    await away_until_january(app, absent.id, stand_in.id)
    result = await search(app, "schulden")
    assert names(result) == ["Joost de Wit", "Wendy Woensdag"]
    first = result.matches[0]
    assert first.substitute_for is not None and first.substitute_for.name == "Anna Afwezig"
    assert first.matched_themes == ("schulden",)
    assert first.reachable_now


async def test_an_absent_person_without_stand_in_sinks(app: App) -> None:
    absent = await make_person(app, "Anna Afwezig", themes=["schulden"])
    await make_person(app, "Wendy Woensdag", themes=["schulden"], availability=WEDNESDAY_ONLY)
    async with app.deps.uow() as uow:
        await uow.session.execute(
            update(Person)
            .where(Person.id == absent.id)
            .values(absent_from=datetime(2026, 11, 1, tzinfo=UTC), absent_until=None)
        )
        await uow.commit()
    assert names(await search(app, "schulden")) == ["Wendy Woensdag", "Anna Afwezig"]


async def test_at_night_whoever_can_be_called_sooner_comes_first(
    app: App, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # Monday 23:00 in Amsterdam
    await make_person(app, "Wendy Woensdag", themes=["schulden"], availability=WEDNESDAY_ONLY)
    await make_person(
        app, "Vera Vroeg", themes=["schulden"], availability=((1, 510, 1020), (2, 510, 1020))
    )
    await make_person(app, "Bram Bereikbaar", themes=["schulden"])
    result = await search(app, "schulden")
    # Tuesday 08:30, Tuesday 09:00, Wednesday 09:00.
    assert names(result) == ["Vera Vroeg", "Bram Bereikbaar", "Wendy Woensdag"]
    assert not any(m.reachable_now for m in result.matches)
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # Tuesday 10:00: Vera and Bram can
    result = await search(app, "schulden")
    assert names(result)[2] == "Wendy Woensdag"
    assert [m.reachable_now for m in result.matches] == [True, True, False]


async def test_at_night_role_holders_who_can_be_called_sooner_come_first(
    app: App, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # Monday 23:00 in Amsterdam
    role = ["vertrouwenspersoon"]
    await make_person(
        app, "Wendy Woensdag", themes=["ggz"], roles=role, availability=WEDNESDAY_ONLY
    )
    await make_person(app, "Bram Bereikbaar", themes=["ggz"], roles=role)  # Tuesday 09:00
    found = await roles(app, "vertrouwenspersoon")
    assert found is not None
    assert names(found[1]) == ["Bram Bereikbaar", "Wendy Woensdag"]


async def test_a_stand_in_is_ranked_by_when_the_stand_in_can_be_called(
    app: App, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # Monday 23:00 in Amsterdam
    await make_person(app, "Wendy Woensdag", themes=["schulden"], availability=WEDNESDAY_ONLY)
    stand_in = await make_person(app, "Joost de Wit", themes=["jeugd"])  # Tuesday 09:00
    absent = await make_person(app, "Anna Afwezig", themes=["schulden"])
    await away_until_january(app, absent.id, stand_in.id)
    assert names(await search(app, "schulden")) == ["Joost de Wit", "Wendy Woensdag"]


async def test_nobody_is_reachable_on_a_public_holiday(app: App, clock: FrozenClock) -> None:
    # Friday 26 December 2025, Tweede Kerstdag, 10:00 in Amsterdam.
    clock.set(datetime(2025, 12, 26, 9, 0, tzinfo=UTC))
    await make_person(app, "Bram Bereikbaar", themes=["schulden"])
    result = await search(app, "schulden")
    assert [m.reachable_now for m in result.matches] == [False]
    clock.set(datetime(2025, 12, 29, 9, 0, tzinfo=UTC))  # the Monday after
    assert [m.reachable_now for m in (await search(app, "schulden")).matches] == [True]


async def test_the_weekend_has_no_call_windows(app: App, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 11, 28, 10, 0, tzinfo=UTC))  # Saturday 11:00
    await make_person(app, "Bram Bereikbaar", themes=["schulden"])
    await make_person(
        app, "Opvang Olga", themes=["schulden"], availability=((5, 480, 1320), (6, 480, 1320))
    )
    result = await search(app, "schulden")
    assert names(result) == ["Opvang Olga", "Bram Bereikbaar"]


async def test_same_wijk_and_acquaintance_break_ties(app: App) -> None:
    asker = await make_person(app, "Fatima el Amrani", themes=["inkomen"])
    await make_person(app, "Noor Noord", themes=["schulden"], wijken=["Noord"])
    molen = await make_person(app, "Mo Molenwijk", themes=["schulden"], wijken=["Molenwijk"])
    friend = await make_person(app, "Kees Kennis", themes=["schulden"], wijken=["Noord"])
    async with app.deps.uow() as uow:
        await record_acquaintance(
            uow.session, asker.id, friend.id, "handover", app.deps.clock.now()
        )
        await uow.commit()
    in_molenwijk = await search(app, "schulden in Molenwijk", asker_id=asker.id)
    assert in_molenwijk.wijk == "Molenwijk"
    assert names(in_molenwijk)[0] == "Mo Molenwijk"
    assert names(in_molenwijk)[1] == "Kees Kennis"
    assert in_molenwijk.matches[1].knows_asker
    anywhere = await search(app, "schulden", asker_id=asker.id, exclude=[asker.id])
    assert names(anywhere)[0] == "Kees Kennis"
    assert molen.id in {m.person.id for m in anywhere.matches}
    assert asker.id not in {m.person.id for m in anywhere.matches}


async def test_free_text_and_typos_find_the_themes(app: App) -> None:
    await make_person(app, "Sanne Schuld", themes=["schulden"])
    await make_person(app, "Willem Wonen", themes=["wonen"])
    await make_person(app, "Beide Tegelijk", themes=["schulden", "wonen"])
    rent = await search(app, "kan de huur niet betalen")
    assert set(rent.themes) == {"schulden", "wonen"}
    assert names(rent)[0] == "Beide Tegelijk"
    assert set(names(rent)) == {"Sanne Schuld", "Willem Wonen", "Beide Tegelijk"}
    typo = await search(app, "schuldhulpverleneing")
    assert typo.themes == ("schulden",)
    english = await search(app, "debt")
    assert english.themes == ("schulden",)


async def test_no_match_names_the_oliemannetje_of_the_closest_domain(app: App) -> None:
    await make_person(app, "Joost de Wit", themes=["jeugd", "opvoeding"], roles=["oliemannetje"])
    await make_person(app, "Olaf Opvang", themes=["dakloosheid"], roles=["oliemannetje"])
    result = await search(app, "verslaving")
    assert result.matches == ()
    assert result.themes == ("verslaving",)
    assert result.fallback is not None and result.fallback.person.name == "Olaf Opvang"
    assert "oliemannetje" in result.fallback_reason
    assert result.fallback_values["domain"] == "Opvang"
    nothing = await search(app, "xyzzy qwerty")
    assert nothing.themes == ()
    assert nothing.fallback is not None
    async with app.deps.uow() as uow:
        jeugd = await oliemannetje_for(uow.session, "leerplicht")
    assert jeugd is not None and jeugd.name == "Joost de Wit"


async def test_entries_dropped_for_freshness_are_hidden(app: App) -> None:
    stale = await make_person(app, "Oud Gegeven", themes=["schulden"])
    async with app.deps.uow() as uow:
        await uow.session.execute(
            update(Person).where(Person.id == stale.id).values(confirm_reminders_sent=DROPPED)
        )
        await uow.commit()
    result = await search(app, "schulden")
    assert result.matches == ()
