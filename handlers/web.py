"""/web: a personal sign-in link for the web view (the sociale kaart, report and knelpunten).

The link works once, within ``[web] link_minutes``; it is shown only privately, since
whoever has it signs in as you. The pages themselves live in ``bot/web``.
"""

from __future__ import annotations

from datetime import timedelta

from core.errors import UserError
from core.i18n import N_
from core.messages import Reply
from directory import signin
from handlers.base import Command, CommandSpec, Deps, Registry

ORDER = 95
# Slack answers a command privately (ephemeral) also in a channel; elsewhere a group sees it.
PRIVATE_ANSWERS_EVERYWHERE = ("slack",)


def base_url(deps: Deps) -> str:
    """Where people reach the bot's HTTP server: the public URL, else host and port."""
    server = deps.settings.server
    return (server.public_url or f"http://{server.host}:{server.port}").rstrip("/")


async def web_link(cmd: Command, deps: Deps) -> Reply:
    """A sign-in link for the web view that works once, for a few minutes."""
    _ = cmd.tr.gettext
    inv = cmd.invocation
    if not (inv.is_direct or inv.platform in PRIVATE_ANSWERS_EVERYWHERE):
        raise UserError("Vraag een inloglink aan in een privégesprek met mij, niet in een groep.")
    minutes = deps.settings.web.link_minutes
    async with deps.uow() as uow:
        token, expires = await signin.issue_link(
            uow.session,
            cmd.person_id,
            now=cmd.now,
            lifetime=timedelta(minutes=minutes),
            origin=inv.platform,
        )
        await uow.commit()
    url = f"{base_url(deps)}/web/inloggen/{token}"
    text = "\n".join(
        [
            _("Je persoonlijke inloglink voor de webweergave:"),
            url,
            _(
                "De link werkt één keer en is {minutes} minuten geldig. Deel hem met niemand: "
                "wie hem heeft, logt in als jij.",
                minutes=minutes,
            ),
        ]
    )
    return Reply(
        text=text,
        private=True,
        data={"url": url, "expires_at": expires.isoformat()},
    )


def register(registry: Registry) -> None:
    """Add /web."""
    registry.command(
        CommandSpec(
            name="web",
            handler=web_link,
            summary=N_(
                "inloglink voor de webweergave: sociale kaart, dekking, rapport en knelpunten"
            ),
            example=N_("/web"),
            aliases=("website",),
        )
    )
