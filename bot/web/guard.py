"""What every web page gets: the signed-in person, CSRF checks and security headers.

The session cookie holds a random secret (HttpOnly, SameSite=Lax, Secure behind https);
forms that change something carry the session's CSRF token; a cross-site POST is refused
outright. Pages send a Content-Security-Policy without inline scripts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from bot.http_key import APP_KEY
from core.i18n import Translator
from core.messages import FormSubmission, Invocation
from directory import signin
from directory.identity import Actor, actor_of
from directory.models import Person
from handlers.base import Command

COOKIE = "krokodil_sessie"
PREFIX = "/web"
COORDINATOR_ROLES = ("oliemannetje", "procesregisseur")
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in professional looking at a page."""

    person: Person
    actor: Actor
    csrf_token: str
    coordinator: bool
    tr: Translator


# Where the middleware leaves the signed-in viewer (or None) on the request.
VIEWER: web.RequestKey[Viewer | None] = web.RequestKey("krokodil_viewer", object)  # type: ignore[arg-type]


@web.middleware
async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Session, CSRF and headers for /web/ paths; other paths pass untouched."""
    if not (request.path == PREFIX or request.path.startswith(PREFIX + "/")):
        return await handler(request)
    try:
        if request.method == "POST" and _cross_site(request):
            raise web.HTTPForbidden(text="cross-site request refused")
        request[VIEWER] = await _viewer(request)
        response = await handler(request)
    except web.HTTPException as error:
        for name, value in HEADERS.items():
            error.headers.setdefault(name, value)
        raise
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _cross_site(request: web.Request) -> bool:
    """A form posted from another site (browsers say so; an Origin of another host too)."""
    if request.headers.get("Sec-Fetch-Site", "") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        host = origin.split("://", 1)[-1]
        return host != request.host
    return False


async def _viewer(request: web.Request) -> Viewer | None:
    secret = request.cookies.get(COOKIE, "")
    if not secret:
        return None
    app = request.app[APP_KEY]
    async with app.deps.uow() as uow:
        found = await signin.signed_in(uow.session, secret, app.deps.clock.now())
        if found is None:
            return None
        person = found.person
        coordinator = await is_coordinator(person, app.settings.bot.admins)
        actor = actor_of(person)
    return Viewer(
        person=person,
        actor=actor,
        csrf_token=found.csrf_token,
        coordinator=coordinator,
        tr=app.deps.translator(person.language),
    )


async def is_coordinator(person: Person, admins: tuple[str, ...]) -> bool:
    """Oliemannetjes, procesregisseurs and admins (the network's coordinators)."""
    if person.is_admin or set(person.roles or ()) & set(COORDINATOR_ROLES):
        return True
    return (person.email or "").lower() in {a.lower() for a in admins}


def viewer_of(request: web.Request) -> Viewer | None:
    """The signed-in viewer the middleware found, or None."""
    return request.get(VIEWER)


def translator(request: web.Request) -> Translator:
    """The viewer's language, else the bot's."""
    viewer = viewer_of(request)
    if viewer is not None:
        return viewer.tr
    app = request.app[APP_KEY]
    return app.deps.translator(None)


def render(
    request: web.Request, template: str, context: dict[str, Any], *, status: int = 200
) -> web.Response:
    """A page with the layout's context: the viewer, their language and the CSRF token."""
    tr = translator(request)
    viewer = viewer_of(request)
    base = {
        "_": tr.gettext,
        "ngettext": tr.ngettext,
        "tr": tr,
        "lang": tr.language,
        "viewer": viewer,
        "csrf": viewer.csrf_token if viewer else "",
        "path": request.path,
    }
    return aiohttp_jinja2.render_template(template, request, {**base, **context}, status=status)


def message(request: web.Request, title: str, lines: list[str], *, status: int) -> web.Response:
    """A page that only explains something (not signed in, not allowed, link used)."""
    return render(request, "message.html", {"title": title, "lines": lines}, status=status)


def require(request: web.Request, *, coordinator: bool = False) -> Viewer:
    """The signed-in viewer; otherwise a 401 page that says how to sign in, or a 403 one."""
    viewer = viewer_of(request)
    _ = translator(request).gettext
    if viewer is None:
        raise _page_error(
            web.HTTPUnauthorized,
            message(
                request,
                _("Log eerst in"),
                [
                    _(
                        "Typ /web in de chat met Groene Krokodil (Teams, Slack, Telegram of de "
                        "console). Je krijgt een persoonlijke link die één keer werkt."
                    )
                ],
                status=401,
            ),
        )
    if coordinator and not viewer.coordinator:
        raise _page_error(
            web.HTTPForbidden,
            message(
                request,
                _("Deze pagina is voor coördinatoren"),
                [
                    _(
                        "Dekking, het netwerkrapport en de knelpunten zijn voor oliemannetjes, "
                        "procesregisseurs en beheerders. Je bent ingelogd als {name}.",
                        name=viewer.person.name,
                    ),
                    _(
                        "Heb je deze rol wel? Vraag je beheerder om hem in de sociale kaart te "
                        "zetten. Wie doet wat en de agenda kun je gewoon gebruiken."
                    ),
                ],
                status=403,
            ),
        )
    return viewer


def check_csrf(request: web.Request, viewer: Viewer, form: Any) -> None:
    """A form that changes something must carry the session's token."""
    sent = str(form.get("csrf", ""))
    if not secrets.compare_digest(sent.encode(), viewer.csrf_token.encode()):
        _ = viewer.tr.gettext
        raise _page_error(
            web.HTTPForbidden,
            message(
                request,
                _("Formulier verlopen"),
                [
                    _(
                        "Dit formulier hoort niet (meer) bij je sessie. Open de pagina opnieuw "
                        "en probeer het nog eens."
                    )
                ],
                status=403,
            ),
        )


def _page_error(kind: type[web.HTTPException], page: web.Response) -> web.HTTPException:
    """An HTTP error whose body is a rendered page."""
    return kind(text=page.text, content_type="text/html")


def command(
    request: web.Request,
    viewer: Viewer,
    name: str,
    args: str = "",
    *,
    submission: FormSubmission | None = None,
) -> Command:
    """A handler command as if the viewer had typed it, marked as coming from the web view."""
    app = request.app[APP_KEY]
    account = f"person:{viewer.person.id}"
    invocation = Invocation(
        platform="web",
        account=account,
        chat=f"web:{account}",
        text=f"/{name} {args}".strip(),
        submission=submission,
    )
    return Command(
        invocation=invocation,
        name=name,
        args=args,
        actor=viewer.actor,
        tr=viewer.tr,
        now=app.deps.clock.now(),
    )
