"""Signing in to the web view without a password: a one-time link from chat opens a session.

`/web` in any chat issues a link that works once, within minutes; following it (and pressing
the button on the page, so a link preview cannot use it up) opens a session that lasts a
working day. Links and sessions are stored as hashes; every sign-in and sign-out is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from directory.models import Person
from directory.models_signin import WebLink, WebSession

Outcome = Literal["ok", "unknown", "used", "expired", "inactive"]


@dataclass(frozen=True)
class OpenedSession:
    """A new session as the browser gets it (the secret is shown once, in the cookie)."""

    secret: str
    person_id: int
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class Redemption:
    """What following a sign-in link did."""

    outcome: Outcome
    session: OpenedSession | None = None


@dataclass(frozen=True)
class SignedIn:
    """The person behind a valid session cookie."""

    person: Person
    csrf_token: str
    expires_at: datetime


def token_hash(token: str) -> str:
    """The stored form of a link token or session secret."""
    return hashlib.sha256(token.encode("utf-8", "ignore")).hexdigest()


async def issue_link(
    session: AsyncSession, person_id: int, *, now: datetime, lifetime: timedelta, origin: str
) -> tuple[str, datetime]:
    """A new sign-in link token for the person, and until when it works."""
    token = secrets.token_urlsafe(32)
    expires = now + lifetime
    session.add(
        WebLink(
            token_hash=token_hash(token),
            person_id=person_id,
            created_at=now,
            expires_at=expires,
            origin=origin[:20],
        )
    )
    record(
        session,
        at=now,
        actor=person_actor(person_id),
        action="web.link_issued",
        object_type="person",
        object_id=person_id,
        origin=origin,
    )
    return token, expires


async def link_state(session: AsyncSession, token: str, now: datetime) -> Outcome:
    """Whether a link would still work, without using it (for the page before the button)."""
    link = await session.scalar(select(WebLink).where(WebLink.token_hash == token_hash(token)))
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= now:
        return "expired"
    return "ok"


async def redeem(
    session: AsyncSession, token: str, *, now: datetime, lifetime: timedelta, origin: str = "web"
) -> Redemption:
    """Use a link once and open a session; a second use, a late one or a wrong one opens none."""
    digest = token_hash(token)
    # The conditional update is the claim: of two presses at once exactly one finds the row.
    claimed = await session.scalar(
        update(WebLink)
        .where(WebLink.token_hash == digest, WebLink.used_at.is_(None), WebLink.expires_at > now)
        .values(used_at=now)
        .returning(WebLink.person_id)
    )
    if claimed is None:
        state = await link_state(session, token, now)
        return Redemption("unknown" if state == "ok" else state)
    person = await session.get(Person, claimed)
    if person is None or not person.active:
        return Redemption("inactive")
    opened = OpenedSession(
        secret=secrets.token_urlsafe(32),
        person_id=person.id,
        csrf_token=secrets.token_urlsafe(24),
        expires_at=now + lifetime,
    )
    session.add(
        WebSession(
            secret_hash=token_hash(opened.secret),
            person_id=person.id,
            csrf_token=opened.csrf_token,
            created_at=now,
            expires_at=opened.expires_at,
        )
    )
    record(
        session,
        at=now,
        actor=person_actor(person.id),
        action="web.signed_in",
        object_type="person",
        object_id=person.id,
        origin=origin,
    )
    return Redemption("ok", opened)


async def signed_in(session: AsyncSession, secret: str, now: datetime) -> SignedIn | None:
    """The active person behind a session secret that has not ended or expired, else None."""
    if not secret:
        return None
    row = await session.scalar(
        select(WebSession).where(WebSession.secret_hash == token_hash(secret))
    )
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    person = await session.get(Person, row.person_id)
    if person is None or not person.active:
        return None
    return SignedIn(person=person, csrf_token=row.csrf_token, expires_at=row.expires_at)


async def sign_out(session: AsyncSession, secret: str, now: datetime, origin: str = "web") -> bool:
    """End the session behind a secret; False when there was none to end."""
    row = await session.scalar(
        select(WebSession).where(
            WebSession.secret_hash == token_hash(secret), WebSession.ended_at.is_(None)
        )
    )
    if row is None:
        return False
    row.ended_at = now
    record(
        session,
        at=now,
        actor=person_actor(row.person_id),
        action="web.signed_out",
        object_type="person",
        object_id=row.person_id,
        origin=origin,
    )
    return True


async def forget_old(session: AsyncSession, now: datetime, keep: timedelta) -> int:
    """Delete links and sessions that ended more than `keep` ago (the audit log keeps the
    sign-ins); returns how many rows went."""
    cutoff = now - keep
    links = await session.execute(delete(WebLink).where(WebLink.expires_at < cutoff))
    sessions = await session.execute(
        delete(WebSession).where((WebSession.expires_at < cutoff) | (WebSession.ended_at < cutoff))
    )
    return sum(int(getattr(r, "rowcount", 0) or 0) for r in (links, sessions))
