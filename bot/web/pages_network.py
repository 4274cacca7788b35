"""Coordinator pages: Dekking, Netwerkrapport and Knelpunten (filled in by later commits)."""

from __future__ import annotations

from aiohttp import web


def add_routes(web_app: web.Application) -> None:
    """The coordinators' pages."""
