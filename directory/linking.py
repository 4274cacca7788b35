"""Linking chat accounts to directory people, only through proof.

A verified person (already known on another platform) gets a short-lived,
single-use code and sends it from the new account; or an admin issues the code
for them. Only a hash of the code is stored, wrong attempts are counted per
account, for all accounts together, and per code where the code was sent for a known
account; nobody can take over an entry that is not theirs.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from directory.identity import IdentityRepository
from directory.models import Account, Person
from directory.models_linking import LinkAttempt, LinkCode

# No 0/O or 1/I/L: codes are read aloud and typed over from another screen.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(minutes=15)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
# Wrong codes from all accounts together within a window: past this, nobody can try a code
# until the window has passed (guessing from many accounts at once is stopped too).
MAX_FAILURES_ALL = 50
# Wrong codes from the account a code was sent for (an imported @username's first writer)
# while that code is outstanding: past this the code is burned and the person asks a new one.
# A code is stored hashed, so a wrong guess can only be laid at a code through its account.
MAX_FAILURES_PER_CODE = 3

Outcome = Literal["linked", "already_linked", "wrong", "expired", "used", "too_many", "taken"]


@dataclass(frozen=True)
class IssuedCode:
    """A code as shown to the person (once), and until when it works."""

    code: str
    person_id: int
    expires_at: datetime


@dataclass(frozen=True)
class Redemption:
    """What happened when someone sent a code."""

    outcome: Outcome
    person_id: int | None = None


def new_code() -> str:
    """A random code such as 'K7QM-3XWA' (8 characters, about 40 bits)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(raw: str) -> str:
    """Uppercase without spaces or dashes, so 'k7qm 3xwa' matches 'K7QM-3XWA'."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def code_hash(raw: str) -> str:
    """The stored form of a code."""
    return hashlib.sha256(normalise(raw).encode("ascii", "ignore")).hexdigest()


def looks_like_code(raw: str) -> bool:
    """True when the text has the shape of a code (so other words get a different answer)."""
    text = normalise(raw)
    return len(text) == CODE_LENGTH and all(ch in ALPHABET for ch in text)


async def issue(
    session: AsyncSession,
    person_id: int,
    *,
    issued_by: int,
    now: datetime,
    origin: str,
    for_account: tuple[str, str] | None = None,
) -> IssuedCode:
    """Create a code for a person; earlier unused codes of that person stop working.

    `for_account` (platform, account) names the account the code is meant to link, when it
    is known: that account's wrong codes then count against this code too.
    """
    await session.execute(
        delete(LinkCode).where(LinkCode.person_id == person_id, LinkCode.used_at.is_(None))
    )
    code = new_code()
    expires = now + CODE_LIFETIME
    session.add(
        LinkCode(
            code_hash=code_hash(code),
            person_id=person_id,
            issued_by=issued_by,
            created_at=now,
            expires_at=expires,
            for_platform=for_account[0] if for_account else None,
            for_account=for_account[1].lower() if for_account else None,
            failures=0,
        )
    )
    record(
        session,
        at=now,
        actor=person_actor(issued_by),
        action="link_code.issued",
        object_type="person",
        object_id=person_id,
        origin=origin,
    )
    return IssuedCode(code=code, person_id=person_id, expires_at=expires)


async def redeem(
    session: AsyncSession, platform: str, account: str, raw: str, now: datetime
) -> Redemption:
    """Link (platform, account) to the code's person, if the code is right, fresh and unused."""
    account = account.lower()
    attempts = await session.get(LinkAttempt, (platform, account))
    if attempts is not None and now - attempts.window_started_at >= FAILURE_WINDOW:
        attempts.failures, attempts.window_started_at = 0, now
    if attempts is not None and attempts.failures >= MAX_FAILURES:
        return await _refused(session, platform, account, "too_many", now, count=False)
    if await _failures_everywhere(session, now) >= MAX_FAILURES_ALL:
        return await _refused(session, platform, account, "too_many", now, count=False)

    row = await session.scalar(select(LinkCode).where(LinkCode.code_hash == code_hash(raw)))
    if row is None:
        return await _refused(session, platform, account, "wrong", now)
    if row.used_at is not None:
        return await _refused(session, platform, account, "used", now)
    if row.expires_at <= now:
        return await _refused(session, platform, account, "expired", now)

    identity = IdentityRepository(session)
    current = await identity.person_for_account(platform, account)
    if current is not None and current.id == row.person_id:
        return Redemption("already_linked", row.person_id)
    if current is not None:
        # A code cannot move an account that already belongs to someone else.
        return await _refused(session, platform, account, "taken", now)
    person = await session.get(Person, row.person_id)
    if person is None or not person.active:
        return await _refused(session, platform, account, "wrong", now)

    row.used_at, row.used_on = now, platform
    # One account per platform: a new phone replaces the old link (and an imported @username).
    await session.execute(
        delete(Account)
        .where(
            Account.person_id == person.id,
            Account.platform == platform,
            Account.external_id != account,
        )
        # Only this person's accounts change (directory.versioning).
        .execution_options(directory_people=(person.id,))
    )
    await identity.link(person, platform, account, now)
    if attempts is not None:
        attempts.failures = 0
    record(
        session,
        at=now,
        actor=person_actor(person.id),
        action="account.linked_by_code",
        object_type="person",
        object_id=person.id,
        origin=platform,
    )
    return Redemption("linked", person.id)


async def burn(
    session: AsyncSession, raw: str, now: datetime, origin: str, account: str | None = None
) -> bool:
    """Make a code that was shown to others (a group chat) useless; True when one was burned.

    A code that was no valid one counts as a wrong guess of `account`: guesses sent in a
    group count like guesses sent privately.
    """
    row = await session.scalar(select(LinkCode).where(LinkCode.code_hash == code_hash(raw)))
    if row is None or row.used_at is not None or row.expires_at <= now:
        if account is not None:
            await _count_failure(session, origin, account.lower(), now)
        return False
    _burned(session, row, now, origin)
    return True


def _burned(
    session: AsyncSession, row: LinkCode, now: datetime, origin: str, why: str = "ok"
) -> None:
    """The code can no longer be used, and the audit trail says so (`why`: its result)."""
    row.used_at, row.used_on = now, "burned"
    record(
        session,
        at=now,
        actor="system",
        action="link_code.burned",
        object_type="person",
        object_id=row.person_id,
        result=why,
        origin=origin,
    )


async def username_placeholder(
    session: AsyncSession, platform: str, account: str, username: str
) -> Account | None:
    """The import's placeholder account for a first-time writer's @username, if any.

    User names can be changed and taken by someone else, so the placeholder is never linked
    on the name alone: the person confirms with a one-time code sent through a channel they
    already have (the Telegram adapter sends it). An entry already bound to a numeric id,
    or a writer already linked, gets nothing.
    """
    name = username.strip().lstrip("@").lower()
    if not name:
        return None
    row = await session.scalar(
        select(Account).where(
            Account.platform == platform,
            func.lower(Account.username) == name,
        )
    )
    if row is None or row.external_id == account.lower() or row.external_id.isdecimal():
        return None
    if await IdentityRepository(session).person_for_account(platform, account) is not None:
        return None
    return row


async def _refused(
    session: AsyncSession,
    platform: str,
    account: str,
    outcome: Outcome,
    now: datetime,
    *,
    count: bool = True,
) -> Redemption:
    if count:
        await _count_failure(session, platform, account, now)
    record(
        session,
        at=now,
        actor=f"{platform}:{account}"[:120],
        action="account.link_refused",
        object_type="account",
        object_id=f"{platform}:{account}"[:80],
        result=outcome,
        origin=platform,
    )
    return Redemption(outcome)


async def _count_failure(session: AsyncSession, platform: str, account: str, now: datetime) -> None:
    await _count_against_codes(session, platform, account, now)
    attempts = await session.get(LinkAttempt, (platform, account))
    if attempts is None:
        session.add(
            LinkAttempt(platform=platform, account=account, failures=1, window_started_at=now)
        )
    elif now - attempts.window_started_at >= FAILURE_WINDOW:
        attempts.failures, attempts.window_started_at = 1, now
    else:
        attempts.failures += 1


async def _count_against_codes(
    session: AsyncSession, platform: str, account: str, now: datetime
) -> None:
    """A wrong code from the account an outstanding code was sent for counts against it."""
    rows = await session.scalars(
        select(LinkCode).where(
            LinkCode.for_platform == platform,
            LinkCode.for_account == account,
            LinkCode.used_at.is_(None),
            LinkCode.expires_at > now,
        )
    )
    for row in rows:
        row.failures = (row.failures or 0) + 1
        if row.failures < MAX_FAILURES_PER_CODE:
            continue
        _burned(session, row, now, platform, "too_many")


async def _failures_everywhere(session: AsyncSession, now: datetime) -> int:
    """Wrong codes of every account whose window is still open."""
    total = await session.scalar(
        select(func.coalesce(func.sum(LinkAttempt.failures), 0)).where(
            LinkAttempt.window_started_at > now - FAILURE_WINDOW
        )
    )
    return int(total or 0)
