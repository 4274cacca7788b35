"""How the words of a question read: the forms a word is known by, everyday phrases with
their words in order, place words that are only the setting of a story ('op haar werk'),
and 'oudere' that compares young people ('oudere jongens') rather than meaning the elderly.
Used by `directory.matching`."""

from __future__ import annotations

from directory.words import stems

SETTING_WORDS = frozenset(
    "werk school klas huis thuis woning flat kamer straat buurt wijk work home house".split()  # noqa: SIM905
)


def forms(word: str) -> tuple[str, ...]:
    """A word and its stems: the keys under which it is known."""
    return (word, *stems(word))


_OLDER = frozenset({"oudere", "ouder", "older"})
# Young people and peers: 'oudere jongens', 'een veel oudere vriend' compare ages.
_PEERS = frozenset(
    """
    jongen jongens jongere jongeren meisje meisjes vriend vriendje vriendjes vriendin
    vriendinnen broer broers broertje zus zussen zusje neef neven nicht nichten jochies
    tieners boys boy guys guy brother brothers sister sisters boyfriend girlfriend kids
    """.split()  # noqa: SIM905
)


def relative_age(words: list[str]) -> frozenset[int]:
    """Positions of 'oudere' that compare young people ('oudere jongens', 'een veel oudere
    vriend'): no sign that the question is about the elderly."""
    return frozenset(
        i for i, word in enumerate(words[:-1]) if word in _OLDER and words[i + 1] in _PEERS
    )


# How many other words an everyday phrase may have between its own.
GAPS = 3


def in_order(phrase: list[str], words: list[str]) -> bool:
    """True when the phrase's words (or their stems) come in the text in this order, with
    at most GAPS other words between them in all."""
    for start, word in enumerate(words):
        if not same(phrase[0], word):
            continue
        at, skipped = start + 1, 0
        for wanted in phrase[1:]:
            while at < len(words) and not same(wanted, words[at]) and skipped <= GAPS:
                at, skipped = at + 1, skipped + 1
            if at >= len(words) or skipped > GAPS:
                break
            at += 1
        else:
            return True
    return False


def same(wanted: str, word: str) -> bool:
    return wanted == word or bool(set(forms(wanted)) & set(forms(word)))


def story_settings(text: str) -> frozenset[str]:
    """Place words used as the setting of a story ('op haar werk', 'in huis', 'op school'),
    not as its subject ('werk zoeken')."""
    found = set()
    words = text.split()
    for index, word in enumerate(words):
        if word not in SETTING_WORDS:
            continue
        before = [w for w in words[max(0, index - 3) : index] if w not in _DETERMINERS]
        if before and before[-1] in _LOCATIVE:
            found.add(word)
    for index, word in enumerate(words[:-1]):
        # 'woont met zes collega's in een chalet', 'wonen nu bij oma': where someone lives
        # is the setting of the story, not a question about housing.
        if word in _LIVES and (
            words[index + 1] in _LIVES_WHERE or (index and words[index - 1] == "er")
        ):
            found.add(word)
    return frozenset(found)


_LIVES = frozenset({"woont", "wonen", "woonde", "woonden", "lives", "living"})
_LIVES_WHERE = frozenset({"bij", "met", "samen", "nu", "with"})


_LOCATIVE = frozenset({"op", "in", "bij", "naar", "at", "to"})
_DETERMINERS = frozenset(
    {
        "de",
        "het",
        "een",
        "zijn",
        "haar",
        "hun",
        "mijn",
        "zn",
        "z",
        "n",
        "m",
        "d",
        "r",
        "the",
        "his",
        "her",
        "their",
        "a",
        "an",
    }
)
