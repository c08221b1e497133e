"""How coded spans look in the article, as character formats of its laid-out blocks.

Qt paints an extra selection as a layer of its own on every repaint (the text drawn again
for each), so a thousand spans cost a thousand layers a frame. Here the layers are flattened
once: the text is cut where any span or keyword starts or ends, and each piece gets one
format, the colour that the translucent layers would leave on the page, longest span first,
the nested ones stronger, the selected one last and strongest; the underline of the layer on
top. A piece's look is built once per distinct stack of layers. ``ArticleView`` hands the
pieces to each block's ``QTextLayout`` (drawn with the text), and re-formats only the blocks
whose pieces changed.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from PySide6.QtGui import QColor, QTextCharFormat, QTextLayout

from annotator.domain.model import Span

FILL_ALPHA = 85
NESTED_ALPHA = 150
SELECTED_ALPHA = 190
KEYWORD_COLOUR = "#0b4f9c"  # keyword highlights: blue letters, dotted underline, no fill
DISPUTED_COLOUR = "#c00000"  # a span the compared coder does not have: a red wave
UNKNOWN_COLOUR = "#888888"  # a category the scheme no longer has

RGB = tuple[int, int, int]
Look = tuple[str, int, bool]  # a coat's colour, alpha and dispute: all its format depends on


class Layer(NamedTuple):
    """One translucent coat: a span's (colour, alpha, disputed) or a keyword's. (Layers and
    pieces are named tuples: a band of a thousand spans makes some 3,000 of them per cut,
    and a frozen dataclass's ``__init__`` cost 1-2 ms of it.)"""

    start: int
    end: int
    colour: str
    alpha: int = 0  # 0: a keyword (letters and a dotted line, no fill)
    disputed: bool = False
    span_id: str | None = None


class Piece(NamedTuple):
    """``text[start:end]`` drawn in ``format``: the spans ``under`` it in the order they
    are painted, the last of them (``top``) on top."""

    start: int
    end: int
    format: QTextCharFormat
    under: tuple[str, ...]

    @property
    def top(self) -> str | None:
        return self.under[-1] if self.under else None


def nested(spans: Iterable[Span]) -> set[str]:
    """Ids of spans lying inside a span of another category: one pass in text order,
    keeping the furthest end reached per category (a scheme has few)."""
    furthest: dict[str, int] = {}
    found = set()
    for *_, span in sorted([(s.start, -s.end, i, s) for i, s in enumerate(spans)]):
        category, end = span.category, span.end
        for other, reach in furthest.items():
            if reach >= end and other != category:
                found.add(span.id)
                break
        if furthest.get(category, -1) < end:
            furthest[category] = end
    return found


SUGGESTED = -1  # a suggestion's coat: a dashed line in its category's colour, no fill


def layers(spans: Sequence[Span], colours: dict[str, str], nested_ids: set[str],
           selected_id: str | None, disputed: set[str],
           keywords: Sequence[tuple[int, int]],
           suggestions: Sequence[tuple[int, int, str]] = ()) -> list[Layer]:
    """The coats in the order they fall: keywords beneath, then spans longest first (a span
    inside another is drawn over it, stronger, so the inner category's colour keeps), and
    the selected span once more on top, strongest, so it stands out of any overlap."""
    coats = [Layer(a, b, KEYWORD_COLOUR) for a, b in keywords]
    coats += [Layer(a, b, colours.get(category, UNKNOWN_COLOUR), SUGGESTED)
              for a, b, category in suggestions]  # beneath the spans: a span's line wins
    selected, new = None, tuple.__new__  # (a layer is a named tuple: made as a tuple)
    for *_, span in sorted([(s.start - s.end, i, s) for i, s in enumerate(spans)]):
        coats.append(new(Layer, (span.start, span.end, colours.get(span.category, UNKNOWN_COLOUR),
                                 NESTED_ALPHA if span.id in nested_ids else FILL_ALPHA,
                                 span.id in disputed, span.id)))
        if span.id == selected_id:
            selected = coats[-1]
    if selected is not None:
        coats.append(Layer(selected.start, selected.end, selected.colour, SELECTED_ALPHA,
                           selected.disputed, selected.span_id))
    return coats


def over(base: RGB, colour: QColor, alpha: int) -> RGB:
    """``colour`` at ``alpha`` painted over ``base``."""
    return (round((colour.red() * alpha + base[0] * (255 - alpha)) / 255),
            round((colour.green() * alpha + base[1] * (255 - alpha)) / 255),
            round((colour.blue() * alpha + base[2] * (255 - alpha)) / 255))


class Looks:
    """One ``QTextCharFormat`` per distinct stack of coats, over the page's colour."""

    def __init__(self, page: QColor) -> None:
        self.page: RGB = (page.red(), page.green(), page.blue())
        self.known: dict[tuple[Look, ...], QTextCharFormat] = {}  # each stack's format
        self._colours: dict[str, QColor] = {}

    def _colour(self, name: str) -> QColor:
        if (found := self._colours.get(name)) is None:
            found = self._colours[name] = QColor(name)
        return found

    def format(self, key: tuple[Look, ...]) -> QTextCharFormat:
        """The format of a stack of coats, given as their looks in the order they fall."""
        if (found := self.known.get(key)) is not None:
            return found
        fmt = QTextCharFormat()
        fill, line = self.page, None
        for colour, alpha, disputed in key:
            if alpha == SUGGESTED:  # proposed, not coded: dashed, no fill
                line = (QTextCharFormat.UnderlineStyle.DashUnderline, colour)
                continue
            if alpha == 0:  # a keyword: its letters blue (colour does not move text)
                fmt.setForeground(self._colour(KEYWORD_COLOUR))
                line = (QTextCharFormat.UnderlineStyle.DotLine, KEYWORD_COLOUR)
                continue
            fill = over(fill, self._colour(colour), alpha)
            # every span is underlined in its category's colour, so the category stays
            # recognisable where fills blend, and on a dark palette; a span's line wins
            line = ((QTextCharFormat.UnderlineStyle.WaveUnderline, DISPUTED_COLOUR)
                    if disputed else (QTextCharFormat.UnderlineStyle.SingleUnderline, colour))
        if fill != self.page:
            fmt.setBackground(QColor(*fill))
        if line is not None:
            fmt.setUnderlineStyle(line[0])
            fmt.setUnderlineColor(self._colour(line[1]))
        self.known[key] = fmt
        return fmt


def pieces(coats: Sequence[Layer], looks: Looks, low: int, high: int) -> list[Piece]:
    """The text between ``low`` and ``high`` cut where a coat starts or ends; each piece
    under at least one coat, with the look of its stack (in the order the coats fall)."""
    events: list[tuple[int, int, int]] = []  # (offset, 0 ends before 1 starts, coat)
    for i, coat in enumerate(coats):
        a, b = max(coat.start, low), min(coat.end, high)
        if a < b:
            events.append((a, 1, i))
            events.append((b, 0, i))
    events.sort()
    look = [(c.colour, c.alpha, c.disputed) for c in coats]  # plain tuples: hashed in C
    ids = [c.span_id for c in coats]
    stack: list[int] = []  # the coats over the text here, in the order they fall
    out: list[Piece] = []
    known, new = looks.known, tuple.__new__  # (a piece is a named tuple: made as a tuple)
    at = low
    for offset, starts, i in events:
        if offset > at and stack:
            key = tuple(map(look.__getitem__, stack))
            out.append(new(Piece, (at, offset, known.get(key) or looks.format(key),
                                   tuple(filter(None, map(ids.__getitem__, stack))))))
        at = offset
        if starts:
            bisect.insort(stack, i)
        else:
            stack.remove(i)
    return out


def deal(chosen: Sequence[Piece], bounds: Sequence[int], blocks: Sequence[tuple[int, int]]
         ) -> list[list[tuple[int, int, QTextCharFormat]]]:
    """Each block's ranges (start in the block, length, format), from the ``chosen`` pieces
    in text order with their ``bounds`` in Qt's units (start and end of each, flat) and
    the ``blocks`` (their first position and their paragraph separator's): a piece across
    paragraphs gets a part in each, none over a separator."""
    wanted: list[list[tuple[int, int, QTextCharFormat]]] = [[] for _ in blocks]
    k, count, first = 0, len(blocks), blocks[0][0]
    for piece, a, b in zip(chosen, bounds[::2], bounds[1::2], strict=True):
        if a < first:  # (from a block before)
            a = first
        while k < count and a > blocks[k][1]:  # pieces come in text order
            k += 1
        j = k
        while a < b and j < count:
            start, separator = blocks[j]
            end = b if b < separator else separator
            if end > a:
                wanted[j].append((a - start, end - a, piece.format))
            if b <= separator:
                break
            a, j = separator + 1, j + 1
    return wanted


CHANGED_AT_MOST = 16  # more spans changed than this: the band is cut again whole


def changed_ranges(old: Sequence[Span], new: Sequence[Span], old_selected: str | None,
                   new_selected: str | None) -> list[tuple[int, int]] | None:
    """The text whose look a change from ``old`` to ``new`` can alter: the extent of each
    span added, removed or replaced (the caller passes an unchanged span as the same
    object), and of the spans the selection left and reached, merged where they overlap;
    None if too many changed.

    A span's look depends on the spans that contain it (nesting) and on itself, so the
    pieces outside these ranges stay as they were."""
    touched: list[Span] = []
    if old is not new:  # (a selection alone passes the same list)
        kept, before = set(map(id, new)), set(map(id, old))
        if kept != before:
            touched = [s for s in old if id(s) not in kept] + [s for s in new
                                                               if id(s) not in before]
    if len(touched) > CHANGED_AT_MOST:
        return None
    if old_selected != new_selected:
        touched += [s for s in old if s.id == old_selected]
        touched += [s for s in new if s.id == new_selected]
    merged: list[tuple[int, int]] = []
    for start, end in sorted((s.start, s.end) for s in touched):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def splice(old: Sequence[Piece], fresh: Sequence[Piece], low: int, high: int) -> list[Piece]:
    """``old``'s pieces outside ``[low, high)``, cut at its edges, with ``fresh`` (the
    pieces cut again for that range) in between; all in text order."""
    first = bisect.bisect_right(old, low, key=lambda p: p.end)  # the first to end past low
    last = bisect.bisect_left(old, high, key=lambda p: p.start)  # the first to start at high
    before, after = list(old[:first]), list(old[last:])
    if first < len(old) and old[first].start < low:  # it crosses low: its part before stays
        p = old[first]
        before.append(Piece(p.start, low, p.format, p.under))
    if last > 0 and old[last - 1].end > high:  # it crosses high: its part after stays
        p = old[last - 1]
        after.insert(0, Piece(high, p.end, p.format, p.under))
    return before + list(fresh) + after


# a block's ranges as the view gave them, and Qt's objects made of them (reused while the
# same range stays: an edit changes a few of a block's many)
Formatted = tuple[list[tuple[int, int, QTextCharFormat]], list[QTextLayout.FormatRange]]

POOLED_AT_MOST = 8192  # ranges kept for reuse (a long article's, scrolled through, go)


class RangePool:
    """Qt's ``FormatRange`` objects, made once and reused. ``setFormats`` copies the ranges
    it is given, so one no block holds any more can carry the next block's range. Making
    one and freeing it cost the bindings about 1 µs each; a switch to an article of 200
    spans made some 300 and freed the previous article's."""

    def __init__(self) -> None:
        self._free: list[QTextLayout.FormatRange] = []

    def make(self, start: int, length: int, fmt: QTextCharFormat) -> QTextLayout.FormatRange:
        r = self._free.pop() if self._free else QTextLayout.FormatRange()
        r.start, r.length, r.format = start, length, fmt
        return r

    def give_back(self, ranges: Iterable[QTextLayout.FormatRange]) -> None:
        """Ranges no block holds any more, for the next ``make``."""
        free = self._free
        free.extend(itertools.islice(ranges, max(0, POOLED_AT_MOST - len(free))))

    def __len__(self) -> int:
        return len(self._free)
