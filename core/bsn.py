"""The BSN guard: refuse any text holding a number that passes the 11-proef.

A burgerservicenummer is 9 digits (or 8 with a leading zero dropped), weighted
9,8,7,6,5,4,3,2,-1; the sum must be divisible by 11 and not all digits zero.
Digit groups may be separated by spaces, dots or dashes ("123 456 782",
"1234.56.782"). The guard errs on the side of refusing: a false positive costs
the user a retype, a false negative puts a citizen number in a chat log.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.messages import Invocation

# Maximal runs of digit groups joined by single spaces, dots or dashes.
_RUN = re.compile(r"(?<![\d+])\+?\d+(?:[ .\-]\d+)*")
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_REDACTED = "[BSN verwijderd]"


def passes_elfproef(digits: str) -> bool:
    """True when a 9-digit (or 8-digit, leading zero implied) string passes the BSN 11-proef."""
    if not digits.isdecimal():
        return False
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or set(digits) == {"0"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True))
    return total % 11 == 0


_DATE = re.compile(r"(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})")


def _looks_like_phone(run: str, digits: str) -> bool:
    """Phone numbers are 10+ digits starting with 0, 00 or +: never read their parts as a BSN."""
    return run.startswith("+") or (digits.startswith("0") and len(digits) >= 10)


def _looks_like_date(run: str) -> bool:
    """A written date such as 12-01-2026 is not a BSN, even when its digits pass the proef."""
    match = _DATE.fullmatch(run)
    if match is None:
        return False
    return 1 <= int(match.group(1)) <= 31 and 1 <= int(match.group(2)) <= 12


def find_bsn(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of every BSN-like number in the text (a non-text value is read as
    text: a number in a payload may still be a BSN)."""
    if not isinstance(text, str):
        text = str(text)
    spans: list[tuple[int, int]] = []
    for match in _RUN.finditer(text):
        spans.extend(_in_run(text, match.start(), match.group(0)))
    return _merge(spans)


def _in_run(text: str, at: int, run: str) -> list[tuple[int, int]]:
    """Spans of BSN-like numbers in one run of digit groups starting at `at`."""
    spans: list[tuple[int, int]] = []
    groups = [(g.start(), g.end()) for g in re.finditer(r"\d+", run)]
    digits = "".join(run[s:e] for s, e in groups)
    if _looks_like_phone(run, digits) or _looks_like_date(run):
        # In '10:00 111 222 333' the run starts with the minutes of a clock time, which
        # makes it look like a phone number ('00…'); the groups after the minutes still count.
        if at > 0 and text[at - 1] == ":" and len(groups) > 1 and groups[0][1] == 2:
            rest = groups[1][0]
            return _in_run(text, at + rest, run[rest:])
        return spans
    # Any contiguous sequence of groups holding 8 or 9 digits may be a written BSN.
    for i in range(len(groups)):
        count = 0
        for j in range(i, len(groups)):
            count += groups[j][1] - groups[j][0]
            if count > 9:
                break
            if count >= 8:
                candidate = "".join(run[s:e] for s, e in groups[i : j + 1])
                if passes_elfproef(candidate):
                    spans.append((at + groups[i][0], at + groups[j][1]))
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping spans so redaction replaces each region once."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def contains_bsn(text: str) -> bool:
    """True when the text holds anything that could be a BSN."""
    return bool(find_bsn(text))


def redact_bsn(text: str) -> str:
    """Replace every BSN-like number with a marker (for logs and error reports)."""
    for start, end in reversed(find_bsn(text)):
        text = text[:start] + _REDACTED + text[end:]
    return text


def _texts(inv: Invocation) -> Iterator[tuple[str | None, str]]:
    """Every piece of user text in an invocation, with its form field name where it has one."""
    yield None, inv.text
    if inv.action is not None:
        yield None, inv.action.value
    if inv.submission is not None:
        for name, value in inv.submission.values.items():
            for text in value if isinstance(value, list) else [value]:
                yield name, text


def holds_bsn(inv: Invocation) -> bool:
    """Check every piece of user text before anything is stored or logged."""
    return any(contains_bsn(text) for _name, text in _texts(inv) if text)


def bsn_field(inv: Invocation) -> str | None:
    """The form field holding the BSN, so a modal can keep the rest and point at it."""
    return next((name for name, text in _texts(inv) if name and contains_bsn(text)), None)
