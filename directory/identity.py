"""Who is talking: map a chat account to a directory person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload

from directory.lengths import stored_length
from directory.models import Account, Acquaintance, Person


@dataclass(frozen=True)
class Actor:
    """The registered professional behind an invocation."""

    person_id: int
    name: str
    organisation_id: int
    language: str | None
    is_admin: bool
    roles: tuple[str, ...]


def actor_of(person: Person) -> Actor:
    """The value object for a loaded person."""
    return Actor(
        person_id=person.id,
        name=person.name,
        organisation_id=person.organisation_id,
        language=person.language,
        is_admin=person.is_admin,
        roles=tuple(person.roles or ()),
    )


class IdentityRepository:
    """Looks up and links accounts."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def person_for_account(self, platform: str, external_id: str) -> Person | None:
        """The active person linked to this account, if any.

        Every message takes this path, so only the person's own columns (and organisation)
        are loaded: touching themes, wijken or accounts raises instead of costing three
        queries per message. Load the person again when you need those.
        """
        return await self.session.scalar(
            select(Person)
            .join(Account, Account.person_id == Person.id)
            .where(
                Account.platform == platform,
                Account.external_id == external_id.lower(),
                Person.active.is_(True),
            )
            .options(raiseload(Person.themes), raiseload(Person.wijken), raiseload(Person.accounts))
        )

    async def person_by_email(self, email: str) -> Person | None:
        """The active person with this e-mail address (case-insensitive)."""
        return await self.session.scalar(
            select(Person).where(func.lower(Person.email) == email.strip().lower(), Person.active)
        )

    async def find_console_person(self, who: str) -> Person | None:
        """Resolve `--as WHO`: an e-mail address or a console handle."""
        if "@" in who:
            return await self.person_by_email(who)
        return await self.person_for_account("console", who)

    async def link(self, person: Person, platform: str, external_id: str, now: datetime) -> Account:
        """Link an account to a person (replacing an earlier link of that account)."""
        existing = await self.session.scalar(
            select(Account).where(
                Account.platform == platform, Account.external_id == external_id.lower()
            )
        )
        if existing is not None:
            existing.person_id = person.id
            return existing
        # Two first messages of one person can race to link the same account: insert with
        # ON CONFLICT DO NOTHING, so the slower one simply finds the row the faster one made.
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert(Account)
            .values(
                person_id=person.id,
                platform=platform,
                external_id=external_id.lower(),
                linked_at=now,
            )
            .on_conflict_do_nothing(index_elements=["platform", "external_id"])
            # Only this person's identity changed (directory.versioning).
            .execution_options(directory_people=(person.id,))
        )
        account = await self.session.scalar(
            select(Account).where(
                Account.platform == platform, Account.external_id == external_id.lower()
            )
        )
        assert account is not None
        return account

    async def accounts_of(self, person_id: int) -> list[Account]:
        """Every linked account of a person."""
        return list(
            await self.session.scalars(select(Account).where(Account.person_id == person_id))
        )


def console_handle(email: str | None, name: str) -> str:
    """The console handle of a person: the local part of the e-mail, else the name in lowercase
    (cut to what an account id holds: a name may be longer)."""
    if email and "@" in email:
        handle = email.split("@", 1)[0].lower()
    else:
        handle = "".join(ch for ch in name.lower() if ch.isalnum() or ch == ".")
    return handle[: stored_length(Account.__table__.c.external_id)]


async def record_acquaintance(
    session: AsyncSession, a: int, b: int, source: str, now: datetime
) -> bool:
    """Remember that two people know each other; False when they already did."""
    if a == b:
        return False
    low, high = sorted((a, b))
    existing = await session.get(Acquaintance, (low, high))
    if existing is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(Acquaintance(person_a=low, person_b=high, source=source, since=now))
            await session.flush()
    except IntegrityError:
        # The same two people met in another transaction at this very moment (two handovers
        # between them accepted at once): they know each other, which is all this records.
        return False
    return True
