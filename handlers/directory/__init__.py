"""The directory: whom to call (/wie, /bel), your own entry (/ik), the themes, and freshness.

- ``search``: /wie and /bel, and plain questions that name a theme or a role;
- ``answer``: the people for an understood question, related themes' people, or a fallback;
- ``askback``: "Bedoel je: …?" when a question stays unclear, and remembering the choice;
- ``cards``: how directory answers look (cards with a note on why each person is there);
- ``profile``: /ik, seeing and correcting your own entry;
- ``themes``: /themas, the theme list per domain;
- ``proposals``: /themas voorstellen, an admin's review of learned synonyms;
- ``freshness``: the ticker that asks people with an old entry whether it still holds.
"""

from __future__ import annotations

from core.i18n import N_
from handlers.base import ActionSpec, CommandSpec, Registry
from handlers.directory import askback, freshness, profile, proposals, search, themes

ORDER = 10


def register(registry: Registry) -> None:
    """Add /wie, /bel, /ik, /themas, the confirmation buttons and the freshness ticker."""
    registry.command(
        CommandSpec(
            name="wie",
            handler=search.who,
            summary=N_("wie werkt aan een thema en is nu te bellen"),
            example=N_("/wie schulden in Molenwijk"),
            aliases=("who",),
            public=True,
            patterns=search.WHO_PATTERNS,
            reads_only=True,
        )
    )
    registry.guess("wie", search.guess_who)
    registry.action(ActionSpec(askback.CHOOSE_ACTION, askback.choose, public=True))
    registry.action(ActionSpec(askback.NONE_ACTION, askback.none_of_these, public=True))
    registry.command(
        CommandSpec(
            name="bel",
            handler=search.call,
            summary=N_("het nummer van een collega en het beste moment om te bellen"),
            example=N_("/bel Joost de Wit"),
            aliases=("call",),
            patterns=search.CALL_PATTERNS,
        )
    )
    registry.command(
        CommandSpec(
            name="ik",
            handler=profile.me,
            summary=N_("bekijk en verbeter je eigen gegevens: thema's, wijken, bereikbaarheid"),
            example=N_("/ik afwezig tot 12 januari, vervanger Joost de Wit"),
            aliases=("me",),
        )
    )
    registry.action(ActionSpec(profile.CONFIRM_ACTION, profile.confirm_button))
    registry.action(ActionSpec(profile.EDIT_ACTION, profile.edit_button))
    registry.command(
        CommandSpec(
            name="themas",
            handler=themes.themes,
            summary=N_("alle thema's en hoeveel mensen eraan werken"),
            example=N_("/themas"),
            aliases=("themes", "thema"),
            public=True,
        )
    )
    registry.action(ActionSpec(proposals.DECIDE_ACTION, proposals.decide_button))
    registry.ticker("directory.freshness", freshness.tick)
