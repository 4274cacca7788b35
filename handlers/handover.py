"""/overdracht: warm handover of a resident to a colleague, with exactly one regie-holder.

The flow: form 1 (the question), form 2 (receiver, own label, consent), a direct
message to the receiver with Accept / Decline / Call me first; regie moves on
accept only; then the kennismaking. Timers remind, escalate, expire and nudge in
working hours. See handovers/ for the domain and docs/architecture.md for the
picture.
"""

from __future__ import annotations

import re

from core.i18n import N_
from core.messages import Reply
from handlers import handover_answer as answer
from handlers import handover_kennismaking as kennismaking
from handlers.base import ActionSpec, Command, CommandSpec, Deps, FormSpec, Registry
from handlers.handover_common import guard_platform
from handlers.handover_flow import submit_question, submit_receiver, suggest
from handlers.handover_forms import (
    DECLINE,
    KENNISMAKING,
    QUESTION,
    RECEIVER,
    STANDIN,
    question_form,
)
from handlers.handover_send import receiver_note, submit_standin
from handlers.handover_timers import tick

ORDER = 30


async def start(cmd: Command, deps: Deps) -> Reply:
    """Open the handover form; text after the command becomes the question's first draft."""
    guard_platform(cmd, deps)
    return Reply(form=question_form(cmd.tr, need=cmd.args.strip()))


def register(registry: Registry) -> None:
    """Add /overdracht, its forms and buttons, and the handover timers."""
    registry.command(
        CommandSpec(
            name="overdracht",
            handler=start,
            summary=N_("draag een inwoner warm over aan een collega"),
            example=N_("/overdracht"),
            aliases=("handover",),
            patterns=(
                re.compile(
                    r"^\s*(?:ik wil\s+)?(?:een\s+)?(?:inwoner|cli[eë]nt|casus)\s+(?:warm\s+)?"
                    r"overdragen\b",
                    re.I,
                ),
                re.compile(r"^\s*warme overdracht\b", re.I),
            ),
            form_builder=lambda tr: question_form(tr),
        )
    )
    registry.form(FormSpec(QUESTION, submit_question, suggest))
    registry.form(FormSpec(RECEIVER, submit_receiver, note=receiver_note))
    registry.form(FormSpec(STANDIN, submit_standin))
    registry.form(FormSpec(DECLINE, answer.submit_decline))
    registry.form(FormSpec(KENNISMAKING, kennismaking.submit_plan))
    for action_id, handler in (
        ("handover.accept", answer.accept),
        ("handover.decline", answer.decline),
        ("handover.callme", answer.call_me),
        ("handover.withdraw", answer.withdraw),
        ("handover.retry", answer.retry),
        ("handover.kennismaking_plan", kennismaking.plan),
        ("handover.kennismaking_held", kennismaking.held),
    ):
        registry.action(ActionSpec(action_id, handler))
    registry.ticker("handovers.timers", tick)
