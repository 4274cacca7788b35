"""The audit trail stays append-only: only a person's id may give way to a pseudonym."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from bot.bootstrap import App
from core.audit import AuditEntry, record
from directory.departures import pseudonymise


async def _entries(app: App) -> None:
    now = app.deps.clock.now()
    async with app.deps.uow() as uow:
        record(uow.session, at=now, actor="person:7", action="person.left",
               object_type="person", object_id=7)  # fmt: skip
        record(uow.session, at=now, actor="person:8", action="handover.accepted",
               object_type="handover", object_id=3)  # fmt: skip
        await uow.commit()


async def test_changing_or_deleting_audit_entries_is_refused(app: App) -> None:
    await _entries(app)
    for statement in (
        update(AuditEntry).values(action="something.else"),
        update(AuditEntry).where(AuditEntry.actor == "person:8").values(actor="person:9"),
        update(AuditEntry)
        .where(AuditEntry.actor == "person:8")
        .values(actor="pseudonym:x", result="no"),
        delete(AuditEntry),
    ):
        async with app.deps.uow() as uow:
            with pytest.raises(DBAPIError, match="append-only"):
                await uow.session.execute(statement)


async def test_a_person_gives_way_to_one_pseudonym(app: App) -> None:
    await _entries(app)
    async with app.deps.uow() as uow:
        pseudonym = await pseudonymise(uow.session, 7)
        await uow.commit()
    async with app.deps.uow() as uow:
        rows = {
            (e.actor, e.object_type, e.object_id)
            for e in await uow.session.scalars(select(AuditEntry))
        }
    assert rows == {
        (pseudonym, "person", pseudonym),
        ("person:8", "handover", "3"),
    }
