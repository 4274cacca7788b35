"""People leave, and people own their entry.

- ``leave``: /ik vertrek, /beheer vertrek, the CLI's ``directory leave``, and the ticker that
  carries a departure out on its date and erases people after the retention period;
- ``regie``: a leaver's handovers and cases (offered to the successor, withdrawn or
  re-addressed; cases nobody takes are ``handlers.handover.orphans``);
- ``work``: a leaver's meetings, mee-loop-dagen and knelpunten;
- ``own_data``: /ik gegevens (everything kept about the asker);
- ``erasure``: /ik verwijder, /beheer verwijder and the CLI's ``directory erase``.
"""

from __future__ import annotations

from core.errors import UserError
from core.i18n import N_
from core.messages import Reply
from handlers.base import ActionSpec, Command, CommandSpec, Deps, Registry
from handlers.departures import erasure, leave, own_data

ORDER = 90


async def admin(cmd: Command, deps: Deps) -> Reply:
    """/beheer: admin work on someone else's entry."""
    await leave.require_admin(cmd, deps)
    word, _sep, rest = cmd.args.strip().partition(" ")
    word = word.lower()
    if word in ("vertrek", "leave", "vertrekt"):
        return await leave.admin_leaving(cmd, deps, rest.strip())
    if word in ("gegevens", "data"):
        return await own_data.admin_data(cmd, deps, rest.strip())
    if word in ("verwijder", "verwijderen", "erase"):
        return await erasure.admin_erase(cmd, deps, rest.strip())
    raise UserError(
        "Wat wil je beheren? Bijvoorbeeld: /beheer vertrek Joost de Wit per 1 februari, "
        "opvolger Anna Bakker; /beheer gegevens joost@example.org; /beheer verwijder "
        "joost@example.org"
    )


def register(registry: Registry) -> None:
    """Add /beheer, the departure words of /ik, and the departure tickers."""
    registry.command(
        CommandSpec(
            name="beheer",
            handler=admin,
            summary=N_("beheerders: iemand laten vertrekken, iemands gegevens inzien of wissen"),
            example=N_("/beheer vertrek Joost de Wit per 1 februari, opvolger Anna Bakker"),
            aliases=("admin",),
        )
    )
    registry.command(
        CommandSpec(
            name="ik-vertrek",
            handler=leave.me_leaving,
            summary=N_("je vertrek melden, met je opvolger"),
            example=N_("/ik vertrek per 1 februari, opvolger Joost de Wit"),
            hidden=True,
        )
    )
    registry.command(
        CommandSpec(
            name="ik-gegevens",
            handler=own_data.my_data,
            summary=N_("alles wat de bot over je bewaart"),
            example=N_("/ik gegevens"),
            hidden=True,
        )
    )
    registry.command(
        CommandSpec(
            name="ik-verwijder",
            handler=erasure.erase_me,
            summary=N_("al je gegevens laten wissen"),
            example=N_("/ik verwijder"),
            hidden=True,
        )
    )
    registry.action(ActionSpec(erasure.ERASE_ACTION, erasure.erase_button))
    registry.ticker("departures.due", leave.tick)
    registry.ticker("departures.retention", leave.retention_tick)
