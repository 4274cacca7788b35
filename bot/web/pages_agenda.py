"""Agenda: upcoming meetings with their calendar files (filled in by a later commit)."""

from __future__ import annotations

from aiohttp import web


def add_routes(web_app: web.Application) -> None:
    """The agenda page."""
