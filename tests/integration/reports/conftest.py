"""A November 2026 worth reporting on, seeded row by row (see test_report_figures for the sums)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.bootstrap import App
from core.clock import FrozenClock
from tests.integration.reports.seed import Seeder, local


@dataclass(frozen=True)
class November:
    """Ids of the seeded people, for tests that need them."""

    people: dict[str, int]


@pytest.fixture
async def november(app: App, clock: FrozenClock) -> November:
    """Seed handovers, meetings, mee-loop rounds, acquaintances, knelpunten and the directory;
    the clock stands on Tuesday 1 December 2026, 09:00."""
    clock.set(local(2026, 12, 1, 9, 0))
    seed = Seeder(app, clock.now())
    p = {
        "anna": await seed.person(
            "Anna Jansen",
            themes=["schulden"],
            wijken=["Molenwijk"],
            confirmed=local(2026, 11, 1),
        ),
        "bram": await seed.person(
            "Bram Smit", themes=["wonen"], wijken=["Havenkwartier"], confirmed=local(2026, 8, 1)
        ),
        "chantal": await seed.person(
            "Chantal Bakker",
            "Wijkteam Noord",
            themes=["jeugd"],
            wijken=["Molenwijk"],
            phone=None,
        ),
        "eva": await seed.person("Eva de Groot", "GGD", themes=["ggz"]),
        "frank": await seed.person(
            "Frank Visser",
            "Wijkteam Noord",
            themes=["werk"],
            wijken=["Zuiderpark"],
            absent=(local(2026, 11, 25), None),
        ),
        "gert": await seed.person(
            "Gert Mulder", themes=["inkomen"], active=False, confirmed=local(2026, 1, 1)
        ),
    }
    p["dirk"] = await seed.person(
        "Dirk Kok",
        "Leger des Heils",
        themes=["dakloosheid"],
        confirmed=local(2026, 6, 1),
        absent=(local(2026, 11, 20), local(2026, 12, 20)),
        stand_in=p["eva"],
    )
    await seed.wijk("Oud-West")

    anna, bram, chantal, eva = p["anna"], p["bram"], p["chantal"], p["eva"]
    # Handovers (working hours 08:30-17:00, 8.5 a day; no holidays in November).
    await seed.handover(
        anna, bram, local(2026, 11, 3, 9), state="accepted", decided=local(2026, 11, 3, 11)
    )  # 2.0 h
    await seed.handover(
        anna, chantal, local(2026, 11, 5, 16), state="accepted", decided=local(2026, 11, 6, 10, 30)
    )  # 1 + 2 = 3.0 h
    await seed.handover(
        bram, eva, local(2026, 11, 13, 15), state="accepted", decided=local(2026, 11, 16, 15)
    )  # 2 + 6.5 = 8.5 h: exactly one day
    await seed.handover(
        eva, anna, local(2026, 11, 16, 9), state="accepted", decided=local(2026, 11, 18, 9)
    )  # 8 + 8.5 + 0.5 = 17.0 h
    await seed.handover(
        anna,
        eva,
        local(2026, 11, 17),
        state="declined",
        decided=local(2026, 11, 17, 12),
        reason="capacity",
    )
    await seed.handover(
        bram,
        anna,
        local(2026, 11, 18),
        state="declined",
        decided=local(2026, 11, 18, 12),
        reason="theme",
    )
    await seed.handover(
        chantal, anna, local(2026, 11, 19), state="declined", decided=local(2026, 11, 19, 12)
    )
    await seed.handover(eva, bram, local(2026, 11, 23), escalated=local(2026, 11, 24, 12))
    await seed.handover(
        bram, chantal, local(2026, 10, 30), state="accepted", decided=local(2026, 11, 2, 9)
    )  # sent in October
    await seed.handover(
        chantal, eva, local(2026, 11, 30, 16, 30), state="accepted", decided=local(2026, 12, 1, 9)
    )  # 0.5 + 0.5 = 1.0 h
    await seed.handover(eva, chantal, local(2026, 12, 1, 8, 30))  # December

    # Meetings: a weekly series on Tuesdays 14:00 (one Tuesday called off), a dialoogtafel,
    # one in October and one cancelled before it took place.
    weekly = await seed.meeting("netwerkbijeenkomst", local(2026, 11, 3, 14), rrule="FREQ=WEEKLY")
    await seed.cancel_occurrence(weekly, local(2026, 11, 17, 14))
    await seed.rsvps(weekly, local(2026, 11, 3, 14), "ja", 3)
    await seed.rsvps(weekly, local(2026, 11, 3, 14), "nee", 1)
    await seed.rsvps(weekly, local(2026, 11, 10, 14), "ja", 2)
    await seed.rsvps(weekly, local(2026, 11, 10, 14), "ja", 1, waitlisted=True)
    await seed.rsvps(weekly, local(2026, 11, 17, 14), "ja", 2)
    await seed.rsvps(weekly, local(2026, 11, 24, 14), "ja", 1)
    await seed.rsvps(weekly, local(2026, 11, 24, 14), "misschien", 1)
    tafel = await seed.meeting("dialoogtafel", local(2026, 11, 12, 10))
    await seed.rsvps(tafel, local(2026, 11, 12, 10), "ja", 4)
    october = await seed.meeting("intervisie", local(2026, 10, 28, 10))
    await seed.rsvps(october, local(2026, 10, 28, 10), "ja", 2)
    await seed.meeting(
        "casuistiekoverleg", local(2026, 11, 27, 10), cancelled=local(2026, 11, 20, 10)
    )

    # Mee-loop: a round in November (a pair that walked along, a trio not yet), one in October.
    await seed.meeloop(
        1, local(2026, 11, 2, 9), [((anna, eva), "gelukt"), ((bram, chantal, p["frank"]), None)]
    )
    await seed.meeloop(0, local(2026, 10, 5, 9), [((anna, chantal), "gelukt")])

    # Acquaintances: one within the gemeente, three across organisations, one in October.
    await seed.acquaintance(anna, bram, local(2026, 11, 3, 12))
    await seed.acquaintance(anna, chantal, local(2026, 11, 6, 12))
    await seed.acquaintance(bram, eva, local(2026, 11, 16, 16))
    await seed.acquaintance(chantal, p["dirk"], local(2026, 11, 30, 22))
    await seed.acquaintance(eva, p["dirk"], local(2026, 10, 20))

    # Knelpunten.
    await seed.knelpunt(anna, local(2026, 11, 2), "opgelost", local(2026, 11, 10))
    await seed.knelpunt(bram, local(2026, 11, 4), "structureel", local(2026, 11, 20))
    await seed.knelpunt(eva, local(2026, 10, 12), "niet_aan_te_passen", local(2026, 11, 3))
    await seed.knelpunt(
        anna,
        local(2026, 11, 20),
        "in_behandeling",
        supports=[(bram, local(2026, 11, 21)), (eva, local(2026, 11, 21))],
    )
    await seed.knelpunt(chantal, local(2026, 11, 25), supports=[(anna, local(2026, 12, 2))])
    await seed.knelpunt(eva, local(2026, 10, 15), "opgelost", local(2026, 12, 1, 8))
    await seed.knelpunt(bram, local(2026, 12, 1, 8))
    return November(people=p)
