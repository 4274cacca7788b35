"""Meetings: /agenda, /plan, answering by button, organiser tools, calendar feed and reminders.

- ``agenda``: /agenda and /plan (listings, one meeting, the calendar feed link);
- ``plan``: the /plan form and the checks on every answer;
- ``cards``: a meeting as a card with its buttons and calendar file;
- ``rsvp``: ja / nee / misschien, the waiting line and the organiser's list;
- ``invite``: dialoogtafels, a mixed group proposed and invited;
- ``edit`` and ``cancel``: organisers change or cancel one time or the whole series;
- ``reminders``: the reminder ticker (personal reminders and weekly channel posts);
- ``common`` and ``texts``: shared steps, and the words and button values of meetings.
"""

from __future__ import annotations

import re

from core.i18n import N_
from handlers.base import ActionSpec, CommandSpec, FormSpec, Registry
from handlers.meetings import agenda, cancel, edit, invite, plan, reminders, rsvp

ORDER = 40


def register(registry: Registry) -> None:
    """Add the meeting commands, buttons, forms and the reminder timer."""
    registry.command(
        CommandSpec(
            name="agenda",
            handler=agenda.agenda,
            summary=N_("je bijeenkomsten, en die van dit kanaal"),
            example=N_("/agenda"),
            aliases=("bijeenkomsten", "meetings"),
            patterns=(
                re.compile(
                    r"^(?:(?:welke|wat voor) bijeenkomsten|wat staat er (?:op|in) (?:de|mijn) "
                    r"agenda|(?:which|what) meetings|mijn agenda(?=\W*$)|"
                    r"wanneer is (?:de|het) volgende (?:netwerkbijeenkomst|bijeenkomst|"
                    r"dialoogtafel|casu[iï]stiekoverleg|intervisie|overleg|netwerkoverleg)|"
                    r"when is the next (?:network )?meeting)\b(?P<args>)",
                    re.IGNORECASE,
                ),
            ),
        )
    )
    registry.command(
        CommandSpec(
            name="plan",
            handler=agenda.plan,
            summary=N_("plan een bijeenkomst, dialoogtafel of casuïstiekoverleg"),
            example="/plan",
            aliases=("plannen",),
            form_builder=plan.plan_form,
        )
    )
    registry.form(FormSpec(plan.FORM_ID, agenda.submit_plan, plan.suggest, applies=plan.applies))
    registry.form(FormSpec(edit.EDIT_ONE, edit.edit_one))
    registry.form(FormSpec(edit.EDIT_SERIES, edit.edit_series))
    for action_id, handler in (
        ("meetings.rsvp", rsvp.answer),
        ("meetings.show", agenda.show_action),
        ("meetings.participants", rsvp.participants_action),
        ("meetings.propose", invite.propose_action),
        ("meetings.invite", invite.invite),
        ("meetings.edit_one", edit.edit_one_form),
        ("meetings.edit_series", edit.edit_series_form),
        ("meetings.cancel_one", cancel.cancel_one),
        ("meetings.cancel_series", cancel.cancel_series),
        ("meetings.keep", cancel.keep),
    ):
        registry.action(ActionSpec(action_id, handler))
    registry.ticker("scheduler.reminders", reminders.tick)
