"""Reading and changing handovers and cases; every change is a conditional update.

A conditional update (``UPDATE … WHERE state = 'open'``) is the lock: when an
accept and a decline race, PostgreSQL makes the second wait for the first and
then finds no open row, so exactly one of them wins. Callers learn who won from
the row count, never from what they read before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import names_a_row
from directory.models import Person
from handovers.machine import State
from handovers.models import Handover, HandoverCase

_LABEL_NOISE = re.compile(r"[\s\-_./#:]+")


def label_key(label: str | None) -> str | None:
    """A reference label in comparable form: 'D-2026/0042 ' and 'd20260042' are the same."""
    if not label:
        return None
    key = _LABEL_NOISE.sub("", label).lower()
    return key or None


class HandoverRepository:
    """Cases and handovers of one unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, handover_id: int, *, fresh: bool = False) -> Handover | None:
        """One handover; `fresh` re-reads it from the database (after a lost race)."""
        if not names_a_row(handover_id):
            return None
        return await self.session.get(Handover, handover_id, populate_existing=fresh)

    async def case(self, case_id: int, *, fresh: bool = False) -> HandoverCase | None:
        """One case."""
        if not names_a_row(case_id):
            return None
        return await self.session.get(HandoverCase, case_id, populate_existing=fresh)

    async def person(self, person_id: int | None) -> Person | None:
        """A directory person (sender, receiver, escalation target)."""
        if person_id is None:
            return None
        return await self.session.get(Person, person_id)

    async def held_case_with_label(self, holder_id: int, label: str) -> HandoverCase | None:
        """An active case this person holds regie over, started under the same label."""
        key = label_key(label)
        if key is None:
            return None
        cases = await self.session.scalars(
            select(HandoverCase).where(
                HandoverCase.regie_holder_id == holder_id,
                HandoverCase.closed_at.is_(None),
                HandoverCase.reference_label.is_not(None),
            )
        )
        return next((c for c in cases if label_key(c.reference_label) == key), None)

    async def open_for_case(self, case_id: int) -> Handover | None:
        """The open handover of a case, if any (there is at most one)."""
        return await self.session.scalar(
            select(Handover).where(Handover.case_id == case_id, Handover.state == State.OPEN)
        )

    async def latest_for_case(self, case_id: int) -> Handover | None:
        """The most recent handover of a case."""
        return await self.session.scalar(
            select(Handover).where(Handover.case_id == case_id).order_by(Handover.id.desc())
        )

    async def receivers_tried(self, case_id: int) -> set[int]:
        """Everyone this case was already offered to (not to propose them again)."""
        rows = await self.session.scalars(
            select(Handover.receiver_id).where(Handover.case_id == case_id)
        )
        return set(rows)

    async def conflicting(self, handover: Handover) -> list[Handover]:
        """Other open handovers from the same organisation under the same label to someone else."""
        if handover.reference_key is None:
            return []
        rows = await self.session.scalars(
            select(Handover)
            .where(
                Handover.reference_key == handover.reference_key,
                Handover.state == State.OPEN,
                Handover.sender_organisation_id == handover.sender_organisation_id,
                Handover.receiver_id != handover.receiver_id,
                Handover.id != handover.id,
            )
            .order_by(Handover.id)
        )
        return list(rows)

    async def open_sent(self, person_id: int) -> list[Handover]:
        """Open handovers this person sent, oldest first."""
        return await self._open(Handover.sender_id == person_id)

    async def open_received(self, person_id: int) -> list[Handover]:
        """Open handovers waiting for this person's answer, oldest first."""
        return await self._open(Handover.receiver_id == person_id)

    async def _open(self, condition: Any) -> list[Handover]:
        rows = await self.session.scalars(
            select(Handover)
            .where(condition, Handover.state == State.OPEN)
            .order_by(Handover.created_at, Handover.id)
        )
        return list(rows)

    async def cases_held(self, person_id: int) -> list[HandoverCase]:
        """Active cases this person holds regie over, longest held first."""
        rows = await self.session.scalars(
            select(HandoverCase)
            .where(HandoverCase.regie_holder_id == person_id, HandoverCase.closed_at.is_(None))
            .order_by(HandoverCase.regie_since, HandoverCase.id)
        )
        return list(rows)

    async def find_case(self, holder_id: int, reference: str) -> HandoverCase | None:
        """A case this person holds, by number ('12', '#12') or by label."""
        token = reference.strip().lstrip("#")
        if token.isdecimal():
            found = await self.case(int(token))
            if found is not None and found.regie_holder_id == holder_id:
                return found
        return await self.held_case_with_label(holder_id, reference)

    async def accepted_awaiting_kennismaking(self, person_id: int) -> list[Handover]:
        """Accepted handovers involving this person whose kennismaking has not been held."""
        rows = await self.session.scalars(
            select(Handover)
            .where(
                Handover.state == State.ACCEPTED,
                Handover.kennismaking_held_at.is_(None),
                Handover.text_purged_at.is_(None),
                or_(Handover.sender_id == person_id, Handover.receiver_id == person_id),
            )
            .order_by(Handover.decided_at)
        )
        return list(rows)

    async def handed_over_since(
        self, person_id: int, since: datetime
    ) -> list[tuple[Handover, HandoverCase]]:
        """Handovers this person sent that were accepted since a moment, newest first, with
        their case as it is now (someone else may hold it by now, or it may be closed)."""
        rows = await self.session.execute(
            select(Handover, HandoverCase)
            .join(HandoverCase, HandoverCase.id == Handover.case_id)
            .where(
                Handover.sender_id == person_id,
                Handover.state == State.ACCEPTED,
                Handover.decided_at >= since,
            )
            .order_by(Handover.decided_at.desc(), Handover.id.desc())
        )
        return [(handover, case) for handover, case in rows]

    async def update_where(
        self, handover_id: int, conditions: Sequence[Any], values: dict[str, Any]
    ) -> bool:
        """Change one handover only if the conditions still hold; True when it changed."""
        result = await self.session.execute(
            update(Handover)
            .where(Handover.id == handover_id, *conditions)
            .values(**values, version=Handover.version + 1)
            .execution_options(synchronize_session=False)
        )
        changed = _rowcount(result) == 1
        if changed:
            await self.get(handover_id, fresh=True)
        return changed

    async def transition(
        self, handover_id: int, expected: State, target: State, values: dict[str, Any]
    ) -> bool:
        """Move a handover from `expected` to `target`; False when someone else moved it first."""
        return await self.update_where(
            handover_id, [Handover.state == expected], {"state": target, **values}
        )

    async def move_regie(self, case_id: int, holder: int, to: int, now: datetime) -> bool:
        """Give regie to `to`, only if `holder` still holds it: never two holders."""
        result = await self.session.execute(
            update(HandoverCase)
            .where(
                HandoverCase.id == case_id,
                HandoverCase.regie_holder_id == holder,
                HandoverCase.closed_at.is_(None),
            )
            .values(regie_holder_id=to, regie_since=now)
            .execution_options(synchronize_session=False)
        )
        changed = _rowcount(result) == 1
        if changed:
            await self.case(case_id, fresh=True)
        return changed

    async def close_case(self, case_id: int, holder: int, now: datetime) -> bool:
        """Close a case its holder is done with (no open handover may remain)."""
        result = await self.session.execute(
            update(HandoverCase)
            .where(
                HandoverCase.id == case_id,
                HandoverCase.regie_holder_id == holder,
                HandoverCase.closed_at.is_(None),
                ~select(Handover.id)
                .where(Handover.case_id == case_id, Handover.state == State.OPEN)
                .exists(),
            )
            .values(closed_at=now)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result) == 1

    async def count_open(self) -> int:
        """Open handovers in the whole network (for metrics)."""
        return int(
            await self.session.scalar(
                select(func.count()).select_from(Handover).where(Handover.state == State.OPEN)
            )
            or 0
        )


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
