"""/koppel: link a chat account (Telegram) to your directory entry with a one-time code.

From an account the bot already knows (console, Slack) ``/koppel`` shows a code;
from the new account ``/koppel CODE`` redeems it. An admin can make a code for
someone else with ``/koppel voor <e-mail>`` and pass it on in person.
"""

from __future__ import annotations

from core.errors import UserError
from core.i18n import N_
from core.messages import Reply
from directory import linking
from directory.identity import IdentityRepository
from directory.models import Person
from handlers.base import Command, Deps

FOR_WORDS = ("voor", "for")
# Platforms where a private answer is never seen by anyone else, also in a channel (Slack
# answers ephemerally or in the DM). Elsewhere a code is only shown in a private chat.
PRIVATE_ANSWERS_EVERYWHERE = ("slack",)

NOT_VALID = N_(
    "Deze code werkt niet: hij is onbekend, verlopen of al gebruikt. Controleer hem, of vraag "
    "een nieuwe aan met /koppel."
)
# What the answer's data says: the same for every code that does not work.
SHOWN_OUTCOME = {"expired": "wrong", "used": "wrong"}
OUTCOMES = {
    "already_linked": N_("Dit account is al aan jou gekoppeld. Typ /help om te zien wat ik kan."),
    # One answer for unknown, expired and used codes: a guesser learns nothing from it.
    "wrong": NOT_VALID,
    "expired": NOT_VALID,
    "used": NOT_VALID,
    "too_many": N_(
        "Je hebt te vaak een verkeerde code gestuurd. Probeer het over een kwartier opnieuw."
    ),
    "taken": N_("Dit account is al aan iemand anders gekoppeld. Vraag je beheerder om hulp."),
}


async def koppel(cmd: Command, deps: Deps) -> Reply:
    """Issue a code (no arguments), issue one for someone else (admins), or redeem one."""
    words = cmd.args.split()
    if words and words[0].lower() in FOR_WORDS:
        return await _issue_for_other(cmd, deps, " ".join(words[1:]))
    if words:
        return await _redeem(cmd, deps, " ".join(words))
    if cmd.actor is None:
        return Reply(
            text=cmd.tr.gettext(
                "Om dit account te koppelen heb je een koppelcode nodig. Vraag die aan met "
                "/koppel in Slack of de console, of vraag je beheerder om een code. Stuur de "
                "code daarna hier: /koppel CODE"
            ),
            private=True,
            data={"registered": False},
        )
    return await _issue_for_self(cmd, deps)


async def _issue_for_self(cmd: Command, deps: Deps) -> Reply:
    _ = cmd.tr.gettext
    if not _answer_is_private(cmd):
        raise UserError("Vraag een koppelcode aan in een privégesprek met mij, niet in een groep.")
    async with deps.uow() as uow:
        issued = await linking.issue(
            uow.session,
            cmd.person_id,
            issued_by=cmd.person_id,
            now=cmd.now,
            origin=cmd.invocation.platform,
        )
        await uow.commit()
    text = "\n".join(
        [
            _("Je koppelcode: {code}", code=issued.code),
            _(
                "Stuur in een privégesprek met de Telegram-bot: /koppel {code}",
                code=issued.code,
            ),
            _(
                "De code werkt één keer en is {minutes} minuten geldig. Deel hem met niemand.",
                minutes=_minutes(),
            ),
        ]
    )
    return Reply(text=text, private=True, data=_code_data(issued))


async def _issue_for_other(cmd: Command, deps: Deps, who: str) -> Reply:
    _ = cmd.tr.gettext
    if cmd.actor is None:
        raise UserError("Alleen een beheerder kan een koppelcode voor iemand anders maken.")
    if not _answer_is_private(cmd):
        raise UserError("Vraag een koppelcode aan in een privégesprek met mij, niet in een groep.")
    email = who.strip()
    if "@" not in email:
        raise UserError("Geef het e-mailadres van de persoon: /koppel voor naam@voorbeeld.nl")
    async with deps.uow() as uow:
        admin = await uow.session.get(Person, cmd.person_id)
        admins = {a.lower() for a in deps.settings.bot.admins}
        if admin is None or not (admin.is_admin or (admin.email or "").lower() in admins):
            raise UserError("Alleen een beheerder kan een koppelcode voor iemand anders maken.")
        person = await uow.repo(IdentityRepository).person_by_email(email)
        if person is None:
            raise UserError("Ik vind niemand met het e-mailadres {email}.", email=email)
        issued = await linking.issue(
            uow.session,
            person.id,
            issued_by=admin.id,
            now=cmd.now,
            origin=cmd.invocation.platform,
        )
        name = person.name
        await uow.commit()
    text = "\n".join(
        [
            _("Koppelcode voor {name}: {code}", name=name, code=issued.code),
            _(
                "Geef de code alleen persoonlijk door, bijvoorbeeld telefonisch. {name} stuurt "
                "hem in een privégesprek met de Telegram-bot: /koppel {code}",
                name=name,
                code=issued.code,
            ),
            _("De code werkt één keer en is {minutes} minuten geldig.", minutes=_minutes()),
        ]
    )
    return Reply(text=text, private=True, data=_code_data(issued))


async def _redeem(cmd: Command, deps: Deps, raw: str) -> Reply:
    inv = cmd.invocation
    if not inv.is_direct:
        # Everyone in the group saw the code: make it useless before someone else uses it.
        async with deps.uow() as uow:
            await linking.burn(uow.session, raw, cmd.now, inv.platform, inv.account)
            await uow.commit()
        raise UserError(
            "Stuur een koppelcode nooit in een groep. Ik heb deze code ongeldig gemaakt. Vraag "
            "een nieuwe aan en stuur die in een privégesprek met mij."
        )
    async with deps.uow() as uow:
        result = await linking.redeem(uow.session, inv.platform, inv.account, raw, cmd.now)
        person = (
            await uow.session.get(Person, result.person_id)
            if result.outcome == "linked" and result.person_id is not None
            else None
        )
        await uow.commit()
    if person is None:
        return Reply(
            text=cmd.tr.gettext(OUTCOMES[result.outcome]),
            private=True,
            data={"outcome": SHOWN_OUTCOME.get(result.outcome, result.outcome)},
        )
    tr = deps.translator(person.language or inv.language_hint)
    return Reply(
        text=tr.gettext(
            "Gelukt! Dit account is nu gekoppeld aan {name}. Typ /help om te zien wat ik kan.",
            name=person.name,
        ),
        private=True,
        data={"outcome": "linked", "person_id": person.id},
    )


def _answer_is_private(cmd: Command) -> bool:
    inv = cmd.invocation
    return inv.is_direct or inv.platform in PRIVATE_ANSWERS_EVERYWHERE


def _minutes() -> int:
    return int(linking.CODE_LIFETIME.total_seconds() // 60)


def _code_data(issued: linking.IssuedCode) -> dict[str, object]:
    return {
        "code": issued.code,
        "person_id": issued.person_id,
        "expires_at": issued.expires_at.isoformat(),
    }
