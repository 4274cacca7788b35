"""Signing in with the link from chat, signing out, and the start page."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from datetime import timedelta

from aiohttp import web

from bot.http_key import APP_KEY
from bot.web import guard
from directory import signin

# The sign-in page's own cookie: a random secret its form's CSRF token is bound to.
SIGNIN_COOKIE = "krokodil_inlog"


async def home(request: web.Request) -> web.Response:
    """The start page: what there is to see, for this person."""
    viewer = guard.require(request)
    return guard.render(request, "home.html", {"title": viewer.tr.gettext("Groene Krokodil")})


async def link_page(request: web.Request) -> web.Response:
    """The page a sign-in link opens: a button, so a link preview cannot use the link up."""
    app = request.app[APP_KEY]
    token = request.match_info["token"]
    async with app.deps.uow() as uow:
        state = await signin.link_state(uow.session, token, app.deps.clock.now())
    if state != "ok":
        return _refused(request, state)
    _ = guard.translator(request).gettext
    # The button's form carries a token bound to this link and to this browser (a cookie only
    # this page sets): a form on another site cannot sign someone in with its own link.
    browser = request.cookies.get(SIGNIN_COOKIE, "")
    if len(browser) < 32:
        browser = secrets.token_urlsafe(32)
    page = guard.render(
        request,
        "signin.html",
        {"title": _("Inloggen"), "token": token, "signin_csrf": _signin_token(browser, token)},
    )
    page.set_cookie(
        SIGNIN_COOKIE,
        browser,
        max_age=app.settings.web.link_minutes * 60,
        path="/web/inloggen",
        httponly=True,
        samesite="Lax",
        secure=https(request),
    )
    return page


def _signin_token(browser: str, link: str) -> str:
    """The sign-in form's CSRF token: the browser's secret and the link, hashed together."""
    return hmac.new(browser.encode(), link.encode(), hashlib.sha256).hexdigest()


def _signin_csrf_ok(request: web.Request, token: str, sent: str) -> bool:
    browser = request.cookies.get(SIGNIN_COOKIE, "")
    if len(browser) < 32 or not sent:
        return False
    return hmac.compare_digest(sent.encode(), _signin_token(browser, token).encode())


async def link_submit(request: web.Request) -> web.Response:
    """The button on that page: use the link once and open a session for a working day."""
    app = request.app[APP_KEY]
    token = request.match_info["token"]
    hours = app.settings.web.session_hours
    form = await request.post()
    if not _signin_csrf_ok(request, token, str(form.get("csrf", ""))):
        # A used, late or unknown link says so first: that is what helps.
        async with app.deps.uow() as uow:
            state = await signin.link_state(uow.session, token, app.deps.clock.now())
        if state != "ok":
            return _refused(request, state)
        _ = guard.translator(request).gettext
        lines = [
            _(
                "Dit inlogformulier komt niet van de pagina die je link opende. Open de link "
                "uit de chat opnieuw en klik daar op Inloggen."
            ),
            _(
                "Werkt dat niet? Vraag een nieuwe link aan: typ /web in de chat met Groene "
                "Krokodil."
            ),
        ]
        return guard.message(request, _("Inloggen geweigerd"), lines, status=403)
    async with app.deps.uow() as uow:
        done = await signin.redeem(
            uow.session, token, now=app.deps.clock.now(), lifetime=timedelta(hours=hours)
        )
        await uow.commit()
    if done.session is None:
        return _refused(request, done.outcome)
    response = web.HTTPSeeOther("/web/")
    response.set_cookie(
        guard.COOKIE,
        done.session.secret,
        max_age=hours * 3600,
        path="/web",
        httponly=True,
        samesite="Lax",
        secure=https(request),
    )
    response.del_cookie(SIGNIN_COOKIE, path="/web/inloggen")
    raise response


async def sign_out(request: web.Request) -> web.Response:
    """End the session (POST with the CSRF token) and forget the cookie."""
    viewer = guard.require(request)
    guard.check_csrf(request, viewer, await request.post())
    app = request.app[APP_KEY]
    async with app.deps.uow() as uow:
        await signin.sign_out(
            uow.session, request.cookies.get(guard.COOKIE, ""), app.deps.clock.now()
        )
        await uow.commit()
    response = web.HTTPSeeOther("/web/uitgelogd")
    response.del_cookie(guard.COOKIE, path="/web")
    raise response


async def signed_out(request: web.Request) -> web.Response:
    """After signing out."""
    _ = guard.translator(request).gettext
    return guard.message(
        request,
        _("Je bent uitgelogd"),
        [_("Opnieuw inloggen? Typ /web in de chat met Groene Krokodil.")],
        status=200,
    )


def https(request: web.Request) -> bool:
    """Behind https: directly, the public URL a reverse proxy serves, or a trusted proxy says so.

    X-Forwarded-Proto counts only from an address in `[web] trusted_proxies`; anyone else could
    send it. The last value is the one the nearest proxy (the trusted one) added.
    """
    settings = request.app[APP_KEY].settings
    public = settings.server.public_url or ""
    if request.secure or public.startswith("https://"):
        return True
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    if not forwarded or not _trusted(request.remote, settings.web.trusted_proxies):
        return False
    return forwarded.split(",")[-1].strip().lower() == "https"


def _trusted(remote: str | None, proxies: tuple[str, ...]) -> bool:
    """Whether the peer address is one of the trusted proxies."""
    if not remote or not proxies:
        return False
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:  # a Unix socket peer, or nothing usable
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(p, strict=False) for p in proxies)


def _refused(request: web.Request, outcome: str) -> web.Response:
    _ = guard.translator(request).gettext
    again = _("Vraag een nieuwe link aan: typ /web in de chat met Groene Krokodil.")
    if outcome == "used":
        lines = [_("Deze inloglink is al gebruikt. Een link werkt maar één keer."), again]
        return guard.message(request, _("Link al gebruikt"), lines, status=410)
    if outcome == "expired":
        lines = [_("Deze inloglink is verlopen: hij werkt maar een paar minuten."), again]
        return guard.message(request, _("Link verlopen"), lines, status=410)
    if outcome == "inactive":
        lines = [_("Je staat niet (meer) in de sociale kaart. Vraag je beheerder om hulp.")]
        return guard.message(request, _("Inloggen lukt niet"), lines, status=403)
    lines = [_("Deze inloglink ken ik niet. Kopieer hem helemaal uit de chat."), again]
    return guard.message(request, _("Onbekende link"), lines, status=404)


def add_routes(web_app: web.Application) -> None:
    """Start page, sign-in link, sign-out."""
    web_app.router.add_get("/web", _redirect_home)
    web_app.router.add_get("/web/", home)
    web_app.router.add_get("/web/inloggen/{token}", link_page)
    web_app.router.add_post("/web/inloggen/{token}", link_submit)
    web_app.router.add_post("/web/uitloggen", sign_out)
    web_app.router.add_get("/web/uitgelogd", signed_out)


async def _redirect_home(_request: web.Request) -> web.Response:
    raise web.HTTPFound("/web/")
