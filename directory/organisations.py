"""Organisations: guess what kind an organisation is from its name."""

from __future__ import annotations

import unicodedata

# First hit wins, so the specific words come before the general ones ("jeugdzorg" before "zorg").
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("wijkteam", ("wijkteam", "buurtteam", "sociaal team", "gebiedsteam", "jeugdteam")),
    ("politie", ("politie", "wijkagent")),
    ("veilig_thuis", ("veilig thuis",)),
    ("opvang", ("leger des heils", "opvang", "daklozen", "nachtopvang", "passantenverblijf")),
    ("verslavingszorg", ("verslaving", "brijder", "tactus", "novadic", "jellinek", "iriszorg")),
    ("ggz", ("ggz", "psychiatr", "parnassia", "arkin")),
    ("jeugdzorg", ("jeugdzorg", "jeugdbescherming", "cjg", "centrum voor jeugd", "jeugdhulp")),
    ("zorgverzekeraar", ("zorgverzekeraar", "verzekeraar", "zilveren kruis", "menzis", "vgz")),
    ("ggd", ("ggd",)),
    ("uwv", ("uwv",)),
    ("sociaal_werkbedrijf", ("werkbedrijf", "sw-bedrijf", "werkvoorziening")),
    (
        "woningcorporatie",
        (
            "woningcorporatie",
            "woonstichting",
            "wooncorporatie",
            "woningbouw",
            "woonbedrijf",
            "woningstichting",
            "wonen",
            "woning",
        ),
    ),
    ("gemeente", ("gemeente", "municipality", "stadsdeel")),
    ("huisarts", ("huisarts", "gezondheidscentrum")),
    ("onderwijs", ("school", "college", "onderwijs", "roc ", "mbo", "lyceum")),
    ("cliëntenraad", ("clientenraad", "adviesraad", "participatieraad")),
    ("welzijn", ("welzijn", "buurtwerk", "vrijwilligers", "maatschappelijk werk", "humanitas")),
    ("zorgaanbieder", ("zorg", "thuiszorg", "care", "begeleiding", "dagbesteding")),
)
OTHER = "overig"


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in plain if not unicodedata.combining(ch)) + " "


def guess_kind(name: str) -> str:
    """'Gemeente Groenwater' → gemeente, 'Sociaal Wijkteam Noord' → wijkteam; else 'overig'."""
    folded = _fold(name)
    for kind, words in KIND_WORDS:
        if any(word in folded for word in words):
            return kind
    return OTHER
