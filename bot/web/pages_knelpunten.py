"""Knelpunten for coordinators: the open ones per domain, and changing a status with a note.

A status change runs the chat's own handlers (``handlers.knelpunten.followup``), so the same
rules hold and the reporter (and everyone who said "ik ook") is told in chat, as when the
button is pressed there. The reporter is never named, as in chat.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.http_key import APP_KEY
from bot.web import guard
from core.errors import UserError
from core.messages import FormSubmission
from directory.models import Person
from handlers.knelpunten import followup, texts
from knelpunten import lifecycle
from knelpunten.repository import KnelpuntRepository


async def listing(request: web.Request) -> web.Response:
    """GET /web/knelpunten: open knelpunten per domain, the most often met first."""
    viewer = guard.require(request, coordinator=True)
    app = request.app[APP_KEY]
    tr = viewer.tr
    async with app.deps.uow() as uow:
        found = await uow.repo(KnelpuntRepository).open_ones()
    domains = [
        (tr.gettext(texts.DOMAIN_LABELS[d]), [o for o in found if d in o.knelpunt.domains])
        for d in lifecycle.DOMAINS
    ]
    return guard.render(
        request,
        "knelpunten.html",
        {
            "title": tr.gettext("Knelpunten"),
            "domains": [(label, items) for label, items in domains if items],
            "total": len(found),
            "status": lambda s: tr.gettext(lifecycle.STATUS_LABELS.get(str(s), str(s))),
        },
    )


async def detail(request: web.Request) -> web.Response:
    """GET /web/knelpunten/{id}: one knelpunt, with the status form for whoever may change it."""
    viewer = guard.require(request, coordinator=True)
    changed = request.query.get("gewijzigd") == "1"
    return await _detail(request, viewer, notice="changed" if changed else "")


async def change(request: web.Request) -> web.Response:
    """POST /web/knelpunten/{id}: take it on, or give the outcome with an explanation."""
    viewer = guard.require(request, coordinator=True)
    form = await request.post()
    guard.check_csrf(request, viewer, form)
    app = request.app[APP_KEY]
    number = _number(request)
    step = str(form.get("stap", ""))
    explanation = str(form.get("uitleg", ""))[: lifecycle.MAX_TEXT + 100]
    status = str(form.get("status", ""))
    try:
        if step == "oppakken":
            await followup.take(guard.command(request, viewer, "knelpunt", str(number)), app.deps)
        elif step == "uitkomst":
            submission = FormSubmission(
                form_id=texts.OUTCOME_FORM,
                values={"uitleg": explanation},
                context={"id": str(number), "status": status},
            )
            cmd = guard.command(request, viewer, "knelpunt", str(number), submission=submission)
            await followup.submit_outcome(cmd, app.deps)
        else:
            raise UserError("Kies wat je wilt doen: oppakken of een uitkomst geven.")
    except UserError as error:
        text = viewer.tr.gettext(error.msgid, **error.values)
        return await _detail(
            request, viewer, error=text, typed=explanation, chosen=status, status=400
        )
    raise web.HTTPSeeOther(f"/web/knelpunten/{number}?gewijzigd=1")


async def _detail(
    request: web.Request,
    viewer: guard.Viewer,
    *,
    notice: str = "",
    error: str = "",
    typed: str = "",
    chosen: str = "",
    status: int = 200,
) -> web.Response:
    app = request.app[APP_KEY]
    tr = viewer.tr
    number = _number(request)
    async with app.deps.uow() as uow:
        repo = uow.repo(KnelpuntRepository)
        knelpunt = await repo.get(number)
        if knelpunt is None:
            return guard.message(
                request,
                tr.gettext("Niet gevonden"),
                [tr.gettext("Knelpunt #{id} ken ik niet.", id=number)],
                status=404,
            )
        count = await repo.count(number)
        handler = await uow.session.get(Person, knelpunt.handler_id or 0)
    admin = await followup.is_admin(guard.command(request, viewer, "knelpunt"), app.deps)
    context: dict[str, Any] = {
        "title": tr.gettext("Knelpunt #{id}", id=knelpunt.id),
        "k": knelpunt,
        "count": count,
        "domains": texts.domain_names(tr, knelpunt.domains),
        "status_label": tr.gettext(lifecycle.STATUS_LABELS.get(knelpunt.status, knelpunt.status)),
        "handler": texts.who(handler, tr) if handler is not None else "",
        "may_take": knelpunt.status == lifecycle.RECEIVED
        and lifecycle.may_handle(viewer.actor.roles, admin),
        "may_close": knelpunt.status == lifecycle.IN_PROGRESS
        and (knelpunt.handler_id == viewer.person.id or admin),
        "outcomes": [(s, tr.gettext(lifecycle.STATUS_LABELS[s])) for s in lifecycle.FINAL_STATUSES],
        "notice": notice,
        "error": error,
        "typed": typed,
        "chosen": chosen,
        "minimum": lifecycle.MIN_DESCRIPTION,
    }
    return guard.render(request, "knelpunt.html", context, status=status)


def _number(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not raw.isdecimal() or len(raw) > 12:
        raise web.HTTPNotFound(text="not found")
    return int(raw)


def add_routes(web_app: web.Application) -> None:
    """The knelpunten pages."""
    web_app.router.add_get("/web/knelpunten", listing)
    web_app.router.add_get("/web/knelpunten/{id}", detail)
    web_app.router.add_post("/web/knelpunten/{id}", change)
