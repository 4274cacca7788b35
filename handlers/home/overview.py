"""A personal overview (Slack's App Home): whatever the other capabilities show about me.

The home is assembled from other commands' answers, so it grows as capabilities
land and never breaks when one is missing or fails: a missing command is left
out, a failing one is logged and left out. A button here can run any command
(`home.command`), e.g. "new handover" opening its form, and the profile section gets
a form to edit it (``handlers.home.profile``).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from core.errors import UserError
from core.i18n import N_
from core.messages import Button, Reply
from handlers.base import Command, Deps
from handlers.home import profile

log = logging.getLogger("krokodil.home")

RUN_COMMAND = "home.command"

# (command, arguments, section title): shown in this order when the command exists.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("regie", "", N_("Mijn regie en overdrachten")),
    ("agenda", "", N_("Mijn agenda")),
    ("ik", "", N_("Mijn profiel")),
)
# (command, button label): quick starts, shown when the command exists.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("overdracht", N_("Nieuwe overdracht")),
    ("plan", N_("Bijeenkomst plannen")),
    ("knelpunt", N_("Knelpunt melden")),
)
# The section that gets the "edit my profile" button.
PROFILE_SECTION = "ik"


async def home(cmd: Command, deps: Deps) -> Reply:
    """My overview: one section per capability that has something to show."""
    _ = cmd.tr.gettext
    sections: list[dict[str, object]] = []
    parts: list[tuple[str, Reply]] = []
    for name, args, title in SECTIONS:
        spec = deps.registry.lookup(name)
        if spec is None or spec.form_builder is not None:
            continue
        part = await _section(cmd, deps, spec.name, args)
        if part is None:
            continue
        if name == PROFILE_SECTION:
            edit = Button(_("Profiel bewerken"), profile.EDIT_ACTION)
            part = replace(part, buttons=(*part.buttons, edit))
        sections.append({"title": _(title), "reply": part.to_json()})
        parts.append((_(title), part))
    shortcuts = tuple(
        Button(_(label), RUN_COMMAND, name, "primary" if i == 0 else "default")
        for i, (name, label) in enumerate(
            (n, lbl) for n, lbl in SHORTCUTS if deps.registry.lookup(n) is not None
        )
    )
    greeting = _("Hallo {name}! Hier zie je wat er voor jou speelt.", name=_first(cmd))
    # Plain-text platforms get everything in one message; rich ones (Slack's App Home)
    # use the greeting, the first `shortcuts` buttons and the sections from `data`.
    text = "\n\n".join([greeting, *(f"== {title} ==\n{part.text}" for title, part in parts)])
    return Reply(
        title=_("Groene Krokodil"),
        text=text,
        cards=tuple(card for _title, part in parts for card in part.cards),
        buttons=shortcuts + tuple(b for _title, part in parts for b in part.buttons),
        data={"greeting": greeting, "shortcuts": len(shortcuts), "sections": sections},
    )


async def _section(cmd: Command, deps: Deps, name: str, args: str) -> Reply | None:
    spec = deps.registry.commands[name]
    try:
        part = await spec.handler(replace(cmd, name=name, args=args), deps)
    except UserError:
        return None
    except Exception:
        # One failing capability must not take the whole overview down.
        log.exception("home section failed", extra={"command": name})
        return None
    if part.form is not None or not (part.text or part.cards or part.buttons):
        return None
    return part


def _first(cmd: Command) -> str:
    return cmd.actor.name.split()[0] if cmd.actor and cmd.actor.name else ""


async def run_command(cmd: Command, deps: Deps) -> Reply:
    """A button that runs a command, e.g. 'overdracht' or 'ik wijzig'."""
    word, _sep, args = cmd.action_value.strip().partition(" ")
    spec = deps.registry.lookup(word)
    if spec is None:
        raise UserError("Deze knop werkt niet meer.")
    if spec.form_builder is not None and not args:
        return Reply(form=spec.form_builder(cmd.tr))
    return await spec.handler(replace(cmd, name=spec.name, args=args.strip()), deps)
