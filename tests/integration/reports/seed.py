"""Seed the tables the network report reads, row by row, so expectations can be worked out
by hand. Local times are Europe/Amsterdam (CET in November: UTC+1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bootstrap import App
from directory.models import Acquaintance, Organisation, Person, Theme, Wijk

AMS = ZoneInfo("Europe/Amsterdam")


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local Amsterdam wall-clock time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=AMS).astimezone(UTC)


class Seeder:
    """Adds rows through the app's unit of work; `now` stamps bookkeeping columns."""

    def __init__(self, app: App, now: datetime) -> None:
        self.app = app
        self.now = now
        self._people: list[int] = []

    async def person(
        self,
        name: str,
        organisation: str = "Gemeente Groenwater",
        *,
        themes: Sequence[str] = (),
        wijken: Sequence[str] = (),
        phone: str | None = "+31380010000",
        confirmed: datetime | None = None,
        active: bool = True,
        absent: tuple[datetime | None, datetime | None] = (None, None),
        stand_in: int | None = None,
    ) -> int:
        """A professional with exactly the properties the report looks at."""
        async with self.app.deps.uow() as uow:
            session = uow.session
            org = await session.scalar(
                select(Organisation).where(Organisation.name == organisation)
            )
            if org is None:
                org = Organisation(name=organisation, kind="overig")
                session.add(org)
                await session.flush()
            theme_rows = list(await session.scalars(select(Theme).where(Theme.key.in_(themes))))
            assert len(theme_rows) == len(themes), themes
            wijk_rows = [await self._wijk(session, w) for w in wijken]
            person = Person(
                name=name,
                organisation_id=org.id,
                email=f"{name.lower().replace(' ', '.')}@example.org",
                phone=phone,
                availability=[],
                roles=[],
                active=active,
                absent_from=absent[0],
                absent_until=absent[1],
                stand_in_id=stand_in,
                last_confirmed_at=confirmed or self.now,
                created_at=self.now,
                updated_at=self.now,
                themes=theme_rows,
                wijken=wijk_rows,
            )
            session.add(person)
            await uow.commit()
            return person.id

    async def wijk(self, name: str) -> None:
        """A wijk nobody works in."""
        async with self.app.deps.uow() as uow:
            await self._wijk(uow.session, name)
            await uow.commit()

    async def _wijk(self, session: AsyncSession, name: str) -> Wijk:
        found = await session.scalar(select(Wijk).where(Wijk.name == name))
        if found is None:
            found = Wijk(name=name)
            session.add(found)
            await session.flush()
        return found

    async def handover(
        self,
        sender: int,
        receiver: int,
        created: datetime,
        *,
        state: str = "open",
        decided: datetime | None = None,
        reason: str | None = None,
        escalated: datetime | None = None,
        timers: dict[str, datetime] | None = None,
    ) -> int:
        """One handover on a case of its own (one open handover per case)."""
        from handovers.models import Handover, HandoverCase

        async with self.app.deps.uow() as uow:
            session = uow.session
            sender_row = await session.get(Person, sender)
            assert sender_row is not None
            case = HandoverCase(
                regie_holder_id=receiver if state == "accepted" else sender,
                regie_since=decided or created,
                reference_label=None,
                themes=[],
                created_by=sender,
                created_at=created,
            )
            session.add(case)
            await session.flush()
            row = Handover(
                case_id=case.id,
                sender_id=sender,
                receiver_id=receiver,
                sender_organisation_id=sender_row.organisation_id,
                state=state,
                version=1,
                need="hulp bij een betalingsregeling",
                themes=[],
                consent_at=created,
                created_at=created,
                decided_at=decided,
                decided_by=receiver if decided else None,
                decline_reason=reason,
                escalated_at=escalated,
                **(timers or {}),
            )
            session.add(row)
            await uow.commit()
            return row.id

    async def open_handover_with_timers(self, now: datetime) -> int:
        """An unanswered handover whose reminder, escalation and expiry are all still ahead."""
        a = await self.person("Timer Afzender")
        b = await self.person("Timer Ontvanger", "Wijkteam Noord")
        return await self.handover(
            a,
            b,
            now - timedelta(hours=1),
            timers={
                "reminder_due_at": now + timedelta(hours=2),
                "escalate_due_at": now + timedelta(days=1),
                "expires_at": now + timedelta(days=10),
            },
        )

    async def meeting(
        self,
        kind: str,
        starts: datetime,
        *,
        rrule: str = "",
        cancelled: datetime | None = None,
    ) -> int:
        """A meeting or a series."""
        from scheduler.models import Meeting

        async with self.app.deps.uow() as uow:
            row = Meeting(
                kind=kind,
                title=f"{kind} test",
                themes=[],
                place="Stadhuis",
                timezone="Europe/Amsterdam",
                starts_at=starts,
                duration_minutes=90,
                rrule=rrule,
                holiday_policy="skip",
                cancelled_at=cancelled,
                created_at=self.now,
                updated_at=self.now,
            )
            uow.session.add(row)
            await uow.commit()
            return row.id

    async def cancel_occurrence(self, meeting: int, key: datetime) -> None:
        """One occurrence of a series called off."""
        from scheduler.models import OccurrenceOverride

        async with self.app.deps.uow() as uow:
            uow.session.add(
                OccurrenceOverride(
                    meeting_id=meeting, occurrence_start=key, cancelled=True, updated_at=self.now
                )
            )
            await uow.commit()

    async def meeting_reminder(self, meeting: int, key: datetime, due: datetime) -> None:
        """A pending reminder row for one occurrence."""
        from scheduler.models import Reminder

        async with self.app.deps.uow() as uow:
            uow.session.add(
                Reminder(
                    meeting_id=meeting,
                    occurrence_start=key,
                    kind="day_before",
                    recipient="person:1",
                    due_at=due,
                    status="pending",
                    created_at=self.now,
                )
            )
            await uow.commit()

    async def rsvps(
        self, meeting: int, key: datetime, answer: str, count: int, *, waitlisted: bool = False
    ) -> None:
        """`count` people answering the same for one occurrence (fresh people each time)."""
        from scheduler.models import Rsvp

        # Guests are inactive entries, so the directory figures stay about the named people.
        people = [
            await self.person(f"Gast {len(self._people) + i}", "Buurtteam", active=False)
            for i in range(count)
        ]
        self._people.extend(people)
        async with self.app.deps.uow() as uow:
            for person in people:
                uow.session.add(
                    Rsvp(
                        meeting_id=meeting,
                        occurrence_start=key,
                        person_id=person,
                        answer=answer,
                        waitlisted=waitlisted,
                        answered_at=self.now,
                    )
                )
            await uow.commit()

    async def meeloop(
        self, number: int, started: datetime, groups: Sequence[tuple[Sequence[int], str | None]]
    ) -> None:
        """One pairing round with its groups and their outcomes."""
        from scheduler.models_meelopen import MeeloopGroup, MeeloopRound

        async with self.app.deps.uow() as uow:
            uow.session.add(
                MeeloopRound(number=number, started_at=started, participants=0, unmatched=[])
            )
            await uow.session.flush()
            for members, outcome in groups:
                uow.session.add(
                    MeeloopGroup(
                        round_number=number,
                        members=list(members),
                        followup_due_at=started + timedelta(days=14),
                        outcome=outcome,
                    )
                )
            await uow.commit()

    async def acquaintance(self, a: int, b: int, since: datetime) -> None:
        """Two people who met."""
        low, high = sorted((a, b))
        async with self.app.deps.uow() as uow:
            uow.session.add(Acquaintance(person_a=low, person_b=high, source="test", since=since))
            await uow.commit()

    async def knelpunt(
        self,
        reporter: int,
        created: datetime,
        status: str = "ontvangen",
        closed: datetime | None = None,
        supports: Sequence[tuple[int, datetime]] = (),
    ) -> int:
        """A knelpunt in a given state, with 'ik ook' rows."""
        from knelpunten.models import Knelpunt, KnelpuntSupport

        async with self.app.deps.uow() as uow:
            row = Knelpunt(
                reporter_id=reporter,
                domains=["Wmo"],
                description="een formulier dat alleen op papier kan",
                status=status,
                explanation="",
                created_at=created,
                closed_at=closed,
            )
            uow.session.add(row)
            await uow.session.flush()
            for person, at in supports:
                uow.session.add(KnelpuntSupport(knelpunt_id=row.id, person_id=person, at=at))
            await uow.commit()
            return row.id
