"""Agenda: coming meetings, dialoogtafels and mee-loop rounds, each with a calendar file.

Meeting files are the chat's own (``handlers.meetings.cards.calendar_file``); the personal
feed link is made by the same code as ``/agenda feed``. Every signed-in professional may
use the page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from icalendar import Event

from bot.http_key import APP_KEY
from bot.web import guard
from core.errors import UserError
from handlers.meetings.agenda import agenda
from handlers.meetings.cards import calendar_file, theme_names
from handlers.meetings.texts import headline, short_when, where_text
from scheduler import feed, ics, meelopen, rsvp
from scheduler.repository import MeetingRepository

DAYS = 60
ROUNDS_SHOWN = 3


async def page(request: web.Request) -> web.Response:
    """GET /web/agenda: the next two months of meetings, the mee-loop rounds, your feed."""
    viewer = guard.require(request)
    app = request.app[APP_KEY]
    tr = viewer.tr
    now = app.deps.clock.now()
    async with app.deps.uow() as uow:
        repo = MeetingRepository(uow.session)
        planned = await repo.upcoming(await repo.active(), now, now + timedelta(days=DAYS))
        statuses = await rsvp.statuses(
            uow.session, viewer.person.id, {p.meeting.id for p in planned}
        )
        items = [
            {
                "id": p.meeting.id,
                "kind": p.meeting.kind,
                "headline": headline(p.meeting, tr),
                "when": short_when(p.occurrence, tr),
                "where": where_text(p.meeting, p.occurrence),
                "themes": await theme_names(uow.session, list(p.meeting.themes or []), tr),
                "answer": statuses.get((p.meeting.id, p.occurrence.key), ""),
                "cancelled": p.occurrence.cancelled,
            }
            for p in planned
        ]
        has_feed = await feed.has_token(uow.session, viewer.person.id)
        joined = await meelopen.participant(uow.session, viewer.person.id)
    rounds = _next_rounds(
        app.settings.meetings.meelopen.round_weeks, now, app.settings.bot.timezone
    )
    return guard.render(
        request,
        "agenda.html",
        {
            "title": tr.gettext("Agenda"),
            "items": items,
            "days": DAYS,
            "rounds": [(n, tr.datetime(start, "EEEE d MMMM yyyy")) for n, start in rounds],
            "taking_part": joined is not None and joined.active,
            "has_feed": has_feed,
        },
    )


async def make_feed(request: web.Request) -> web.Response:
    """POST /web/agenda/feed: your secret calendar link, as `/agenda feed` makes it."""
    viewer = guard.require(request)
    form = await request.post()
    guard.check_csrf(request, viewer, form)
    app = request.app[APP_KEY]
    renew = str(form.get("nieuw", "")) == "1"
    reply = await agenda(
        guard.command(request, viewer, "agenda", "feed nieuw" if renew else "feed"), app.deps
    )
    return guard.render(
        request,
        "feed.html",
        {"title": viewer.tr.gettext("Je agendalink"), "url": str(reply.data.get("url", ""))},
    )


async def meeting_ics(request: web.Request) -> web.Response:
    """GET /web/agenda/{id}.ics: the meeting's calendar file (the whole series, with changes)."""
    viewer = guard.require(request)
    app = request.app[APP_KEY]
    raw = request.match_info["id"]
    if not raw.isdecimal() or len(raw) > 12:
        raise web.HTTPNotFound(text="not found")
    async with app.deps.uow() as uow:
        try:
            meeting = await MeetingRepository(uow.session).require(int(raw))
        except UserError as error:
            raise web.HTTPNotFound(text="not found") from error
        attachment = await calendar_file(uow.session, meeting, app.deps.clock.now(), viewer.tr)
    return _calendar(attachment.content, attachment.filename)


async def round_ics(request: web.Request) -> web.Response:
    """GET /web/agenda/meeloop-{n}.ics: when a mee-loop round starts (pairs are told then)."""
    viewer = guard.require(request)
    app = request.app[APP_KEY]
    raw = request.match_info["n"]
    if not raw.isdecimal() or len(raw) > 6:
        raise web.HTTPNotFound(text="not found")
    number = int(raw)
    weeks = app.settings.meetings.meelopen.round_weeks
    start = meelopen.round_start(number, weeks, app.settings.bot.timezone)
    local = start.astimezone(ZoneInfo(app.settings.bot.timezone))
    event = Event()
    event.add("uid", f"meeloop-{number}@{ics.DOMAIN}")
    event.add("dtstamp", app.deps.clock.now())
    event.add("dtstart", local)
    event.add("dtend", local + timedelta(minutes=30))
    event.add("summary", viewer.tr.gettext("Mee-loop-ronde {n} begint", n=number))
    event.add(
        "description",
        viewer.tr.gettext(
            "Wie meedoet, hoort vandaag met wie hij of zij een dagdeel meeloopt. "
            "Meedoen: /meelopen aan in de chat."
        ),
    )
    calendar = ics.new_calendar()
    calendar.add_component(event)
    return _calendar(ics.finish(calendar, local.date()), f"meeloop-{number}.ics")


def _next_rounds(weeks: int, now: datetime, timezone: str) -> list[tuple[int, datetime]]:
    """The next few mee-loop rounds and when they start."""
    current = meelopen.round_number(now, weeks, timezone)
    return [
        (n, meelopen.round_start(n, weeks, timezone))
        for n in range(current + 1, current + 1 + ROUNDS_SHOWN)
    ]


def _calendar(content: bytes, filename: str) -> web.Response:
    return web.Response(
        body=content,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def add_routes(web_app: web.Application) -> None:
    """The agenda page and its calendar files."""
    web_app.router.add_get("/web/agenda", page)
    web_app.router.add_post("/web/agenda/feed", make_feed)
    web_app.router.add_get("/web/agenda/meeloop-{n}.ics", round_ics)
    web_app.router.add_get("/web/agenda/{id}.ics", meeting_ics)
