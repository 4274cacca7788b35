"""Wie doet wat: search the sociale kaart as /wie does, browse it by filter, and a person's page.

A search runs the /wie handler itself for the signed-in person, so the understanding, the
ranking and the privacy rules are the chat's. Filters with a question narrow that answer: /wie
ranks more people than it shows, the page keeps those who fit every filter, in /wie's order,
as many as /wie shows. Filters without a question list everyone who fits (reachable people
first).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp import web
from sqlalchemy import select

from bot.http_key import APP_KEY
from bot.web import guard
from core.bsn import contains_bsn
from core.messages import ContactCard, Reply
from directory.availability import format_availability
from directory.cards import ROLE_LABELS, contact_card
from directory.freshness import is_dropped
from directory.models import ROLES, Organisation, Person, Theme, Wijk
from directory.reachability import is_absent, reachable_now
from handlers.base import Deps
from handlers.directory.askback import CHOOSE_ACTION
from handlers.directory.cards import absence_note
from handlers.directory.search import who

LISTED = 100
FILTERS = ("thema", "wijk", "organisatie", "rol")


async def search(request: web.Request) -> web.Response:
    """GET /web/wie?q=…&thema=…&wijk=…&organisatie=…&rol=…"""
    viewer = guard.require(request)
    app = request.app[APP_KEY]
    tr = viewer.tr
    _ = tr.gettext
    query = request.query
    chosen = {
        "q": query.get("q", "").strip()[:300],
        "thema": query.get("thema", ""),
        "wijk": query.get("wijk", ""),
        "organisatie": query.get("organisatie", ""),
        "rol": query.get("rol", ""),
    }
    async with app.deps.uow() as uow:
        themes = list(await uow.session.scalars(select(Theme).order_by(Theme.name_nl)))
        wijken = list(await uow.session.scalars(select(Wijk).order_by(Wijk.name)))
        organisations = list(
            await uow.session.scalars(select(Organisation).order_by(Organisation.name))
        )
    theme_names = {
        t.key: (t.name_en if tr.language == "en" and t.name_en else t.name_nl) for t in themes
    }
    context: dict[str, Any] = {
        "title": _("Wie doet wat"),
        "chosen": chosen,
        "themes": sorted(theme_names.items(), key=lambda kv: kv[1].lower()),
        "wijken": [w.name for w in wijken],
        "organisations": [(str(o.id), o.name) for o in organisations],
        "roles": [(r, _(ROLE_LABELS[r])) for r in ROLES],
        "reply": None,
        "suggestions": [],
        "cards": [],
        "searched": False,
        "refusal": "",
        "filtered_out": False,
    }
    if chosen["q"] and contains_bsn(chosen["q"]):
        # As in chat: a BSN is refused before anything is done with the text.
        context["refusal"] = _(
            "Je vraag lijkt een BSN te bevatten. Haal het nummer weg: Groene Krokodil werkt "
            "nooit met gegevens van inwoners."
        )
        chosen["q"] = ""
    elif chosen["q"]:
        words = chosen["q"]
        if chosen["thema"] in theme_names:
            words = f"{words} {theme_names[chosen['thema']]}"
        if chosen["wijk"]:
            words = f"{words} in {chosen['wijk']}"
        filtering = any(chosen[k] for k in FILTERS)
        deps = _ranking_more(app.deps) if filtering else app.deps
        reply = await who(guard.command(request, viewer, "wie", words), deps)
        cards = list(reply.cards)
        if filtering:
            fitting = {p.id for p in await _fitting(request, chosen)}
            shown = app.deps.settings.directory.max_results
            cards = [c for c in cards if c.person_id in fitting][:shown]
        context.update(
            reply=reply,
            cards=cards,
            suggestions=_suggestions(reply),
            searched=True,
            filtered_out=bool(reply.cards) and not cards,
        )
    elif any(chosen[k] for k in FILTERS):
        context.update(cards=await _browse(request, viewer, chosen), searched=True)
    return guard.render(request, "wie.html", context)


def _ranking_more(deps: Deps) -> Deps:
    """The same handler dependencies, with /wie ranking up to LISTED people instead of a few."""
    settings = deps.settings
    directory = replace(settings.directory, max_results=max(LISTED, settings.directory.max_results))
    return replace(deps, settings=replace(settings, directory=directory))


def _suggestions(reply: Reply) -> list[str]:
    """/wie asked back ("Bedoel je: Schulden · Inkomen?"): the themes, as links to search."""
    return [b.label for b in reply.buttons if b.action_id == CHOOSE_ACTION][:6]


async def _fitting(request: web.Request, chosen: dict[str, str]) -> list[Person]:
    """Everyone active (and not dropped for staleness) who fits every filter, by name."""
    app = request.app[APP_KEY]
    statement = select(Person).where(Person.active.is_(True))
    if chosen["organisatie"].isdecimal():
        statement = statement.where(Person.organisation_id == int(chosen["organisatie"]))
    if chosen["thema"]:
        statement = statement.where(Person.themes.any(Theme.key == chosen["thema"]))
    if chosen["wijk"]:
        # No wijken means the whole municipality.
        statement = statement.where(
            Person.wijken.any(Wijk.name == chosen["wijk"]) | ~Person.wijken.any()
        )
    async with app.deps.uow() as uow:
        people = [
            p
            for p in await uow.session.scalars(statement.order_by(Person.name))
            if not is_dropped(p) and (not chosen["rol"] or p.has_role(chosen["rol"]))
        ]
    return people


async def _browse(
    request: web.Request, viewer: guard.Viewer, chosen: dict[str, str]
) -> list[ContactCard]:
    """Everyone active who fits every filter; reachable ones first, then by name."""
    app = request.app[APP_KEY]
    now = app.deps.clock.now()
    people = await _fitting(request, chosen)
    tz = viewer.tr.timezone
    people.sort(key=lambda p: (p.phone is None, not reachable_now(p, now, tz), p.name))
    return [contact_card(p, now, viewer.tr, show_contact=True) for p in people[:LISTED]]


async def person_page(request: web.Request) -> web.Response:
    """GET /web/mensen/{id}: themes, wijken, when to call, and the phone number as a tel: link."""
    viewer = guard.require(request)
    app = request.app[APP_KEY]
    tr = viewer.tr
    raw = request.match_info["id"]
    now = app.deps.clock.now()
    async with app.deps.uow() as uow:
        person = await uow.session.get(Person, int(raw)) if raw.isdecimal() else None
        if person is None or not person.active:
            return guard.message(
                request,
                tr.gettext("Niet gevonden"),
                [tr.gettext("Deze persoon staat niet (meer) in de sociale kaart.")],
                status=404,
            )
        stand_in = await uow.session.get(Person, person.stand_in_id) if person.stand_in_id else None
        card = contact_card(person, now, tr, show_contact=True)
        absence = absence_note(person, tr) if is_absent(person, now) else ""
        context = {
            "title": person.name,
            "card": card,
            "department": person.department,
            "hours": format_availability([list(w) for w in person.availability], tr.language),
            "absence": absence,
            "stand_in": stand_in if stand_in is not None and stand_in.active else None,
            "stale": is_dropped(person),
        }
    return guard.render(request, "person.html", context)


def add_routes(web_app: web.Application) -> None:
    """Wie doet wat and the person pages."""
    web_app.router.add_get("/web/wie", search)
    web_app.router.add_get("/web/mensen/{id}", person_page)
