"""Counting coded spans for charts: spans per category (or per label of one category) by
month or ISO week of the article's date, or by outlet. Pure: rows in, a table out.

Time goes on without gaps: a month with no coded article is a zero, not a missing bar, so
a line over time shows the pause. Articles without a date, or an outlet, count under
"(no date)" / "(no outlet)" at the end.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

NO_DATE = "(no date)"
NO_OUTLET = "(no outlet)"
NO_LABEL = "(no label)"
BUCKETS = ("month", "week", "outlet")


@dataclass(frozen=True)
class Tally:
    """``counts[(bucket, series)]``; ``buckets`` along the x axis, ``series`` in the legend."""

    buckets: tuple[str, ...]
    series: tuple[str, ...]
    counts: dict[tuple[str, str], int]
    by: str

    def value(self, bucket: str, series: str) -> int:
        return self.counts.get((bucket, series), 0)

    def total(self, bucket: str) -> int:
        return sum(self.value(bucket, s) for s in self.series)

    @property
    def largest(self) -> int:
        return max(self.counts.values(), default=0)

    def rows(self) -> list[list[str | int]]:
        """The table: a header, then one row per bucket with each series and the total."""
        out: list[list[str | int]] = [[self.by, *self.series, "total"]]
        for b in self.buckets:
            out.append([b, *(self.value(b, s) for s in self.series), self.total(b)])
        return out


def _month(date: dt.date) -> str:
    return f"{date.year:04d}-{date.month:02d}"


def _week(date: dt.date) -> str:
    year, week, _ = date.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _parse(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _timeline(first: dt.date, last: dt.date, by: str) -> list[str]:
    out: list[str] = []
    day = first if by == "month" else first - dt.timedelta(days=first.weekday())
    while day <= last:
        out.append(_month(day) if by == "month" else _week(day))
        if by == "month":
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        else:
            day += dt.timedelta(days=7)
    return list(dict.fromkeys(out))


def tally(facts: Iterable[tuple[str, str | None, str | None]], by: str,
          series_order: Iterable[str] = ()) -> Tally:
    """Count ``(series, date, outlet)`` facts by ``by`` (month, week or outlet).

    ``series_order`` puts known series first, in that order (the scheme's), with any
    others after them alphabetically.
    """
    if by not in BUCKETS:
        raise ValueError(f"count by one of {', '.join(BUCKETS)}, not {by!r}")
    counts: Counter[tuple[str, str]] = Counter()
    dates: list[dt.date] = []
    for series, date, outlet in facts:
        if by == "outlet":
            bucket = (outlet or "").strip() or NO_OUTLET
        else:
            day = _parse(date)
            if day is None:
                bucket = NO_DATE
            else:
                dates.append(day)
                bucket = _month(day) if by == "month" else _week(day)
        counts[(bucket, series)] += 1
    seen = {s for _, s in counts}
    order = [s for s in dict.fromkeys(series_order) if s in seen]
    order += sorted(seen - set(order))
    if by == "outlet":
        totals = Counter[str]()
        for (bucket, _), n in counts.items():
            totals[bucket] += n
        buckets = sorted(totals, key=lambda b: (b == NO_OUTLET, -totals[b], b.casefold()))
    else:
        buckets = _timeline(min(dates), max(dates), by) if dates else []
        if any(b == NO_DATE for b, _ in counts):
            buckets.append(NO_DATE)
    return Tally(tuple(buckets), tuple(order), dict(counts), by)
