"""The colours a coder sees, read off the painted pixels: a span's fill, two spans blended
where they overlap, a span nested in another's (stronger, so its colour keeps), the selected
span (stronger still, over any overlap), a span two coders disagree on (a red wave), and
keywords (blue letters) beneath the spans. The expected colours are computed here, the way
translucent paint falls on the article's white page one layer after another, longest span
first; they were checked against the painting by extra selections, before the article drew
spans as character formats (#28), and must not change."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QTextCursor

from annotator.domain.corpus_query import parse
from annotator.domain.model import Document, Span
from annotator.domain.scheme_loader import load_scheme
from annotator.paths import default_scheme_path
from annotator.ui.coding.article_view import FILL_ALPHA, NESTED_ALPHA, SELECTED_ALPHA, ArticleView

WORDS = [f"w{i:02d}" for i in range(40)]
TEXT = " ".join(WORDS)  # word i starts at 4 * i; the space after it is at 4 * i + 3


def _space_after(word: int) -> int:
    return 4 * word + 3


def _span(sid: str, category: str, first: int, last: int) -> Span:
    """A span from word ``first`` to the end of word ``last``."""
    start, end = 4 * first, 4 * last + 3
    return Span(sid, 1, "ana", category, start, end, TEXT[start:end])


def _over(base: tuple[int, int, int], colour: str, alpha: int) -> tuple[int, int, int]:
    c = QColor(colour)
    return tuple(round((v * alpha + b * (255 - alpha)) / 255)  # type: ignore[return-value]
                 for v, b in zip((c.red(), c.green(), c.blue()), base, strict=True))


def _pixel_in_space(view: ArticleView, offset: int) -> tuple[int, int, int]:
    """The colour in the middle of the space at ``offset``: no letter's ink, no underline."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_utf16(offset))
    left = view.cursorRect(cursor)
    cursor.setPosition(view.offsets.to_utf16(offset + 1))
    right = view.cursorRect(cursor)
    assert left.center().y() == right.center().y(), "the space must not end a line"
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    colour = image.pixelColor(int((left.left() + right.left()) / 2 * ratio),
                              int(left.center().y() * ratio))
    return colour.red(), colour.green(), colour.blue()


@pytest.fixture
def view(qtbot, tmp_path: Path) -> ArticleView:  # type: ignore[no-untyped-def]
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    view.set_document(Document(1, TEXT, "t", None, None, None, None, "h", {}))
    return view


def _close(seen: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 2 for a, b in zip(seen, wanted, strict=True))  # Qt's rounding


def test_fills_blend_where_spans_overlap_and_the_nested_and_selected_stand_out(
        view: ArticleView, qtbot) -> None:  # type: ignore[no-untyped-def]
    scheme = load_scheme(default_scheme_path())
    colour = {c.key: c.colour for c in scheme.categories}
    alone = _span("a", "speaker", 0, 2)
    left, right = _span("l", "speaker", 4, 7), _span("r", "demand", 6, 10)
    outer, inner = _span("o", "accusation", 12, 20), _span("i", "source_outlet", 15, 16)
    chosen, under = _span("c", "speaker", 24, 26), _span("u", "demand", 23, 28)
    view.set_spans([alone, left, right, outer, inner, chosen, under], scheme,
                   selected_span_id="c")
    qtbot.wait(20)
    page = view.viewport().palette().base().color()
    white = (page.red(), page.green(), page.blue())
    sp, dm = colour["speaker"], colour["demand"]
    cases = {
        "a span alone": (_space_after(1), _over(white, sp, FILL_ALPHA)),
        "the left of two overlapping": (_space_after(4), _over(white, sp, FILL_ALPHA)),
        # the longer (demand, 5 words) is painted first, the shorter over it
        "two overlapping": (_space_after(6), _over(_over(white, dm, FILL_ALPHA), sp,
                                                   FILL_ALPHA)),
        "the right of two overlapping": (_space_after(9), _over(white, dm, FILL_ALPHA)),
        "around a nested span": (_space_after(13), _over(white, colour["accusation"],
                                                          FILL_ALPHA)),
        "a nested span": (_space_after(15), _over(_over(white, colour["accusation"],
                                                        FILL_ALPHA),
                                                  colour["source_outlet"], NESTED_ALPHA)),
        "the selected span over another": (_space_after(25), _over(_over(_over(
            white, dm, FILL_ALPHA), sp, NESTED_ALPHA), sp, SELECTED_ALPHA)),
        "no span": (_space_after(30), white),
    }
    seen = {name: _pixel_in_space(view, offset) for name, (offset, _) in cases.items()}
    wrong = {name: (seen[name], wanted) for name, (_, wanted) in cases.items()
             if not _close(seen[name], wanted)}
    assert not wrong, wrong


def test_a_disputed_span_has_a_red_wave_and_keywords_are_blue_beneath_spans(
        view: ArticleView, qtbot) -> None:  # type: ignore[no-untyped-def]
    scheme = load_scheme(default_scheme_path())
    view.set_keywords(parse("w05 OR w31"))
    disputed = _span("d", "speaker", 4, 6)
    view.set_spans([disputed], scheme, different={"d"})
    qtbot.wait(20)
    image = view.viewport().grab().toImage()

    def colours_in(word: int) -> set[tuple[int, int, int]]:
        cursor = QTextCursor(view.document())
        cursor.setPosition(4 * word)
        a = view.cursorRect(cursor)
        cursor.setPosition(4 * word + 3)
        b = view.cursorRect(cursor)
        found = set()
        for x in range(a.left(), b.left()):
            for y in range(a.top(), a.bottom() + 1):
                c = image.pixelColor(x, y)
                found.add((c.red(), c.green(), c.blue()))
        return found

    def reddish(c: tuple[int, int, int]) -> bool:
        return c[0] > 150 and c[1] < 90 and c[2] < 90

    def blueish(c: tuple[int, int, int]) -> bool:
        return c[2] > 110 and c[0] < 60

    assert any(reddish(c) for c in colours_in(5)), "the disputed span's wave is red"
    assert not any(reddish(c) for c in colours_in(31))
    assert any(blueish(c) for c in colours_in(31)), "a keyword alone is in blue letters"
    assert not any(blueish(c) for c in colours_in(33)), "a plain word is not blue"
