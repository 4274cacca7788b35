"""A large fictional directory in the import format: `python -m bench.generate_directory`.

Deterministic for a seed: the same arguments give the same file. Everything is made
up: organisation and wijk names are built from syllables, e-mail addresses use the
reserved example.org domain, and phone numbers are 038 numbers whose subscriber part
starts with 0, which no real subscriber can have (see directory/data/README.md).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from directory.themes import load_catalog

FIRST = [
    "Anna",
    "Bram",
    "Chantal",
    "Daan",
    "Esra",
    "Fleur",
    "Gijs",
    "Hanna",
    "Ilias",
    "Jasmijn",
    "Karim",
    "Lotte",
    "Milan",
    "Nadia",
    "Olaf",
    "Priya",
    "Quinten",
    "Rosa",
    "Said",
    "Tess",
    "Umut",
    "Vera",
    "Wouter",
    "Xandra",
    "Youssef",
    "Zoë",
    "Ahmed",
    "Bas",
    "Dewi",
    "Emre",
    "Fenna",
    "Hamza",
    "Ingrid",
    "Joost",
    "Kevin",
    "Lieke",
    "Mohamed",
    "Noor",
    "Orlando",
    "Pieter",
    "Ruben",
    "Sanne",
    "Tim",
    "Yara",
]
LAST = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Yilmaz",
    "Bouzid",
    "El Amrani",
    "Ramdin",
    "Sapulette",
    "Kaya",
    "Doğan",
    "Benali",
    "Tjon A Fong",
    "Haddou",
    "Mensah",
    "Biharie",
    "Kromodimedjo",
]
PLACE = [
    "Groen",
    "Water",
    "Molen",
    "Haven",
    "Dijk",
    "Beek",
    "Veld",
    "Horst",
    "Brug",
    "Wold",
    "Zand",
    "Berg",
    "Kade",
    "Weide",
    "Hof",
    "Burg",
    "Dal",
    "Linde",
    "Eik",
    "Wilg",
]
SUFFIX = ["wijk", "kwartier", "dorp", "buurt", "park", "hoven", "oord"]
ORG_KINDS = (
    ("Gemeente", 0.05),
    ("Sociaal Wijkteam", 0.2),
    ("Woonstichting", 0.1),
    ("Politie", 0.03),
    ("Stichting Onderdak", 0.05),
    ("Verslavingszorg", 0.05),
    ("GGZ", 0.08),
    ("Jeugdhulp", 0.12),
    ("Buurtwerk", 0.12),
    ("Thuiszorg", 0.15),
    ("Sociaal Werkbedrijf", 0.05),
)
AVAILABILITY = (
    "ma-vr 09:00-17:00",
    "ma-do 08:30-16:30",
    "ma-vr 08:30-12:30",
    "di-vr 09:00-13:00",
    "ma 09:00-17:00; wo 09:00-17:00; vr 09:00-12:00",
    "wo 10:00-16:00",
    "ma-zo 19:00-23:00",
    "di-za 12:00-20:00",
    "",
)
ROLES = (
    ("oliemannetje", 0.002),
    ("procesregisseur", 0.003),
    ("vertrouwenspersoon", 0.002),
    ("ervaringsdeskundige", 0.01),
    ("bestuurlijk", 0.001),
)
HEADER = [
    "naam",
    "organisatie",
    "afdeling",
    "functie",
    "telefoon",
    "email",
    "themas",
    "wijken",
    "bereikbaar",
    "rollen",
    "slack",
    "telegram",
]


def wijk_names(count: int, rng: random.Random) -> list[str]:
    """Unique made-up neighbourhood names."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(PLACE)}{rng.choice(SUFFIX)}"
        if len(names) >= len(PLACE) * len(SUFFIX) // 2:
            name = f"{name} {len(names)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def organisation_names(count: int, rng: random.Random) -> list[str]:
    """Unique made-up organisation names, weighted by kind."""
    kinds = [k for k, _ in ORG_KINDS]
    weights = [w for _, w in ORG_KINDS]
    return [
        f"{rng.choices(kinds, weights)[0]} {rng.choice(PLACE)}{rng.choice(SUFFIX)} {number}"
        for number in range(1, count + 1)
    ]


def generate(people: int, organisations: int, *, wijken: int = 60, seed: int = 20261124) -> str:
    """The CSV text of a fictional directory."""
    rng = random.Random(seed)
    themes = [t.key for t in load_catalog()]
    # A few themes are very common (schulden, jeugd …), most are rarer: Zipf-like weights.
    theme_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(themes))]
    places = wijk_names(wijken, rng)
    orgs = organisation_names(organisations, rng)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for number in range(people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        chosen = list(
            dict.fromkeys(rng.choices(themes, theme_weights, k=rng.choice((1, 2, 2, 3, 3, 4))))
        )
        covered = rng.sample(places, rng.choice((0, 0, 1, 1, 2, 3)))
        roles = [role for role, chance in ROLES if rng.random() < chance]
        local = f"{first}.{last}".lower().replace(" ", "").replace("ë", "e").replace("ğ", "g")
        writer.writerow(
            [
                f"{first} {last}",
                rng.choice(orgs),
                "",
                "",
                f"038-0{number:06d}",
                f"{local}.{number}@example.org",
                ";".join(chosen),
                ";".join(covered),
                rng.choice(AVAILABILITY),
                ";".join(roles),
                f"UGK{number:05d}" if rng.random() < 0.05 else "",
                "",
            ]
        )
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write a generated directory to stdout."""
    parser = argparse.ArgumentParser(description="generate a fictional directory CSV")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args(argv)
    sys.stdout.write(generate(args.people, args.organisations, seed=args.seed))
    return 0


async def populate(engine: AsyncEngine, people: int, *, now: datetime, seed: int = 20261124) -> int:
    """Import a generated directory into a migrated database (themes synced); returns created."""
    from core.db import UnitOfWorkFactory
    from directory.csv_io import import_csv

    text = generate(people, max(people // 20, 5), seed=seed)
    report = await import_csv(UnitOfWorkFactory(engine), text, now=now)
    if not report.imported:
        raise RuntimeError("generated directory did not import: " + report.summary()[:500])
    return report.created


if __name__ == "__main__":
    raise SystemExit(main())
