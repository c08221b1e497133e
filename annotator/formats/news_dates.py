"""Dates as the news databases print them, in the interface languages they offer: "January
11, 2010 Monday", "Mittwoch 31. August 2011", "17 mai 2003", "17 de mayo de 2003",
"31 december 2008 woensdag", "6. januar 2010".

Month names come from Babel's locale data (CLDR), wide and abbreviated, for English,
German, French, Spanish, Dutch, Italian, Portuguese and Danish (the languages LexisNexis,
Nexis Uni and Factiva offer), built once on first use (about 0.1 s). An abbreviation that
names different months in two languages is left out rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache

LOCALES = ("en", "de", "fr", "es", "nl", "it", "pt", "da")
_WORD = r"([^\W\d_]+)"
# day month year (17 mai 2003, 31. August 2011, 17 de mayo de 2003) or month day, year
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})\.?\s+(?:de\s+)?{_WORD}\.?,?\s+(?:de\s+)?(\d{{4}})\b")
_MONTH_FIRST = re.compile(rf"\b{_WORD}\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b")
_MONTH_YEAR = re.compile(rf"\b{_WORD}\.?\s+(\d{{4}})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _plain(word: str) -> str:
    """Lower case without accents or a final dot: "Août" and "aout", "Sept." and "sept"."""
    decomposed = unicodedata.normalize("NFKD", word.lower().rstrip("."))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def months() -> dict[str, int]:
    from babel.dates import get_month_names

    found: dict[str, set[int]] = {}
    for locale in LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    found.setdefault(_plain(name), set()).add(number)
    found.setdefault("sept", set()).add(9)  # English "Sept." as newspapers write it
    return {name: next(iter(numbers)) for name, numbers in found.items() if len(numbers) == 1}


def _date(year: str, month: int, day: str | int) -> str | None:
    """The date, if it is one a news archive can hold ("April 20, 1400 GMT" is a time)."""
    if not 1800 <= int(year) <= 2100:
        return None
    try:
        return dt.date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def news_date(value: str) -> str | None:
    """The ISO date written in ``value`` (the first one), or None if it holds none with a
    day, month and year."""
    table = months()
    found: list[tuple[int, str | None]] = []
    for match in _DAY_FIRST.finditer(value):
        if (month := table.get(_plain(match.group(2)))) is not None:
            found.append((match.start(), _date(match.group(3), month, match.group(1))))
    for match in _MONTH_FIRST.finditer(value):
        if (month := table.get(_plain(match.group(1)))) is not None:
            found.append((match.start(), _date(match.group(3), month, match.group(2))))
    for match in _ISO.finditer(value):
        found.append((match.start(), _date(match.group(1), int(match.group(2)),
                                           match.group(3))))
    dates = [d for _, d in sorted(found) if d]
    return dates[0] if dates else None


def month_only(value: str) -> str | None:
    """"January 2009" (a monthly report): the month as YYYY-MM, else None."""
    for match in _MONTH_YEAR.finditer(value):
        if (month := months().get(_plain(match.group(1)))) is not None \
                and 1800 <= int(match.group(2)) <= 2100:
            return f"{int(match.group(2)):04d}-{month:02d}"
    return None
