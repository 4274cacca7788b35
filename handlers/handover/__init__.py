"""Warm handovers: hand a resident over to a colleague, with exactly one regie-holder.

The flow: form 1 (the question), form 2 (receiver, own label, consent), a direct
message to the receiver with Accept / Decline / Call me first; regie moves on
accept only; then the kennismaking. Timers remind, escalate, expire and nudge in
working hours. See handovers/ for the domain and docs/architecture.md for the
picture.

- ``request``: /overdracht, form 1 and form 2 of the sender;
- ``send``: resolving the receiver (or their stand-in), storing and telling the receiver;
- ``answers``: the receiver's and sender's buttons (accept, decline, call me, withdraw, retry);
- ``kennismaking``: the three-way kennismaking after acceptance;
- ``regie``: /regie, the cases I hold regie over and their open handovers;
- ``timers``: the ticker (expiry, escalation, reminders, the kennismaking nudge);
- ``forms``, ``people``, ``texts``, ``common``: the forms, handover's view of the directory,
  the messages, and what every handover handler shares.
"""

from __future__ import annotations

import re

from core.i18n import N_
from handlers.base import ActionSpec, CommandSpec, FormSpec, Registry
from handlers.handover import answers, common, kennismaking, orphans, regie, request, send, timers
from handlers.handover.forms import (
    DECLINE,
    KENNISMAKING,
    QUESTION,
    RECEIVER,
    STANDIN,
    question_form,
)

ORDER = 30


def register(registry: Registry) -> None:
    """Add /overdracht, its forms and buttons, the handover timers, and /regie."""
    registry.command(
        CommandSpec(
            name="overdracht",
            handler=request.start,
            summary=N_("draag een inwoner warm over aan een collega"),
            example=N_("/overdracht"),
            aliases=("handover",),
            kept_off=common.kept_off,
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
    registry.form(FormSpec(QUESTION, request.submit_question, request.suggest))
    registry.form(FormSpec(RECEIVER, request.submit_receiver, note=send.receiver_note))
    registry.form(FormSpec(STANDIN, send.submit_standin))
    registry.form(FormSpec(DECLINE, answers.submit_decline))
    registry.form(FormSpec(KENNISMAKING, kennismaking.submit_plan))
    for action_id, handler in (
        ("handover.accept", answers.accept),
        ("handover.decline", answers.decline),
        ("handover.callme", answers.call_me),
        ("handover.withdraw", answers.withdraw),
        ("handover.retry", answers.retry),
        ("handover.kennismaking_plan", kennismaking.plan),
        ("handover.kennismaking_held", kennismaking.held),
        (orphans.TAKE_OVER_ACTION, orphans.take_over_button),
    ):
        registry.action(ActionSpec(action_id, handler))
    registry.ticker("handovers.timers", timers.tick)
    registry.command(
        CommandSpec(
            name="regie",
            handler=regie.regie,
            summary=N_("zie waar jij de regie hebt en welke overdrachten openstaan"),
            example=N_("/regie"),
            aliases=("mycases",),
            kept_off=common.kept_off,
            patterns=(re.compile(r"^\s*(?:wie heeft|waar heb ik|mijn)\s+(?:de\s+)?regie\b", re.I),),
        )
    )
