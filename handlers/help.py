"""/help, /start and /taal: what the bot can do, and in which language it speaks."""

from __future__ import annotations

from core.errors import UserError
from core.i18n import N_, SUPPORTED_LANGUAGES
from core.messages import Reply
from directory.models import Person
from handlers.base import Command, CommandSpec, Deps, Registry

ORDER = 0


async def help_(cmd: Command, deps: Deps) -> Reply:
    """List every command with one line and an example."""
    _ = cmd.tr.gettext
    lines = [_("Groene Krokodil helpt je de juiste collega te vinden en te bellen.")]
    # A command the municipality keeps off this platform (e.g. handovers) is not offered.
    for spec in deps.registry.offered(cmd.invocation.platform, deps.settings):
        example = _(spec.example)
        lines.append(f"/{_shown_name(spec, example, deps.registry)} — {_(spec.summary)}")
        lines.append("    " + _("bijvoorbeeld: {example}", example=example))
    lines.append(
        _("Je kunt ook gewoon een vraag typen, zoals: wie kan helpen met schulden in Noord?")
    )
    return Reply(
        text="\n".join(lines),
        title=_("Wat ik kan"),
        data={"commands": list(deps.registry.commands)},
    )


def _shown_name(spec: CommandSpec, example: str, registry: Registry) -> str:
    """The command word the (translated) example uses: '/who' next to 'for example: /who debt'."""
    word = example.split(maxsplit=1)[0].lstrip("/") if example.startswith("/") else ""
    return word.lower() if word and registry.lookup(word) is spec else spec.name


async def language(cmd: Command, deps: Deps) -> Reply:
    """Switch the asker's interface language: /taal en, /taal nl."""
    _ = cmd.tr.gettext
    choice = cmd.args.strip().lower()
    if choice not in SUPPORTED_LANGUAGES:
        raise UserError("Kies een taal: /taal nl of /taal en.")
    async with deps.uow() as uow:
        person = await uow.session.get(Person, cmd.person_id)
        if person is None:
            raise UserError("Ik kan je gegevens niet vinden.")
        person.language = choice
        await uow.commit()
    tr = deps.translator(choice)
    return Reply(text=tr.gettext("Ik praat voortaan Nederlands met je."), data={"language": choice})


def register(registry: Registry) -> None:
    """Add the help commands."""
    registry.command(
        CommandSpec(
            name="help",
            handler=help_,
            summary=N_("laat zien wat ik kan"),
            example="/help",
            aliases=("hulp", "start"),
            public=True,
            reads_only=True,
        )
    )
    registry.command(
        CommandSpec(
            name="taal",
            handler=language,
            summary=N_("kies je taal: Nederlands of Engels"),
            example=N_("/taal en"),
            aliases=("language",),
        )
    )
