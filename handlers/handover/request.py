"""The sender's request: /overdracht as two forms, first the question, then the receiver,
label and consent.

Form 1 needs no database, so Slack opens it as a modal at once; its submit
returns form 2 with the best receivers (same ranking as /wie). Between the two,
the answers travel in ``Form.context`` (strings only). On the console and
Telegram the dispatcher asks the fields one by one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.i18n import N_
from core.messages import Choice, Reply
from directory.matching import understand_themes
from directory.models import Wijk
from directory.search import load_themes
from directory.themes import load_catalog
from handlers.base import Command, Deps
from handlers.handover.common import guard_platform
from handlers.handover.forms import catalog_choices, question_form, receiver_form
from handlers.handover.people import candidates, choices_for
from handlers.handover.send import send_from_form
from handovers.models import NEED_MAX
from handovers.text import checked

SUGGESTED_THEMES = 4
SHORTLIST = 10


async def start(cmd: Command, deps: Deps) -> Reply:
    """Open the handover form; text after the command becomes the question's first draft."""
    guard_platform(cmd, deps)
    return Reply(form=question_form(cmd.tr, need=cmd.args.strip()))


async def suggest(
    cmd: Command, deps: Deps, field: str, values: dict[str, Any]
) -> tuple[Choice, ...]:
    """A short list of themes from the question (and themes that come with them); the wijken."""
    if field == "wijk":
        async with deps.uow() as uow:
            names = await uow.session.scalars(select(Wijk.name).order_by(Wijk.name))
            return tuple(Choice(n, n) for n in names)
    if field != "themes":
        return ()
    async with deps.uow() as uow:
        rows = await load_themes(uow.session)
    understood = understand_themes(str(values.get("need", "")), rows)
    everything = catalog_choices(cmd.tr)
    if not understood:
        return everything
    # A short list: what the question is about, then themes that often come with it.
    by_key = {c.value: c for c in everything}
    related = {t.key: t.related for t in load_catalog()}
    keys = [k for k, _ in understood[:SUGGESTED_THEMES]]
    for key in list(keys):
        keys.extend(related.get(key, ()))
    shortlist = list(dict.fromkeys(k for k in keys if k in by_key))[:SHORTLIST]
    return tuple(by_key[k] for k in shortlist)


async def submit_question(cmd: Command, deps: Deps) -> Reply:
    """Form 1 done: propose receivers in form 2."""
    guard_platform(cmd, deps)
    submission = cmd.invocation.submission
    assert submission is not None
    values, context = submission.values, dict(submission.context)
    need = checked(
        _text(values.get("need")),
        limit=NEED_MAX,
        missing=N_("Schrijf in een of twee zinnen wat de inwoner nodig heeft."),
        field="need",
    )
    themes = _list(values.get("themes"))
    known = {c.value for c in catalog_choices(cmd.tr)}
    themes = [t for t in themes if t in known]
    wijk = checked(_text(values.get("wijk")), limit=120, field="wijk")
    context.update({"need": need, "themes": ",".join(themes), "wijk": wijk})
    async with deps.uow() as uow:
        matches = await candidates(
            uow.session,
            deps,
            need=need,
            themes=themes,
            wijk=wijk,
            asker_id=cmd.person_id,
            exclude={int(t) for t in context.get("tried", "").split(",") if t.isdecimal()},
            now=cmd.now,
        )
        choices = choices_for(matches, cmd.now, cmd.tr)
    intro = (
        cmd.tr.gettext("Dit zijn de collega's die het best passen. Je kunt ook een naam typen.")
        if choices
        else cmd.tr.gettext("Ik vond niemand die past. Typ de naam van de collega.")
    )
    return Reply(
        form=receiver_form(cmd.tr, context, choices, label=context.get("label", ""), intro=intro)
    )


async def submit_receiver(cmd: Command, deps: Deps) -> Reply:
    """Form 2 done: send the handover (or ask about an absent receiver first)."""
    guard_platform(cmd, deps)
    submission = cmd.invocation.submission
    assert submission is not None
    if _text(submission.values.get("consent")).lower() != "ja":
        return Reply(
            text=cmd.tr.gettext(
                "Zonder toestemming van de inwoner verstuur ik geen overdracht. Bespreek het "
                "eerst met de inwoner en start daarna opnieuw met /overdracht. Er is niets "
                "opgeslagen."
            ),
            data={"sent": False},
        )
    return await send_from_form(cmd, deps, submission.values, dict(submission.context))


def _text(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return value or ""


def _list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)
