"""Adding, removing, changing or selecting one span re-cuts only the text that span covers
(#28): what the article then draws must be exactly what cutting the whole band afresh
draws, in every block, with emoji, nested spans of other categories and several paragraphs.
Random changes, each checked against a second view given the same spans from nothing."""

from __future__ import annotations

import dataclasses
import random

import pytest
from PySide6.QtWidgets import QApplication

from annotator.domain.model import Document, Span
from annotator.domain.scheme_loader import load_scheme
from annotator.paths import default_scheme_path
from annotator.ui.coding.article_view import REST_MS, ArticleView
from annotator.ui.coding.span_paint import POOLED_AT_MOST, RangePool, changed_ranges, splice

PARAGRAPH = "Peskov 😀 said the talks é́ had failed, and Stoltenberg 🇺🇦 answered at once. "
TEXT = "\n".join(PARAGRAPH * (1 + i % 3) for i in range(12))
CATEGORIES = ["speaker", "demand", "accusation", "source_outlet"]


def _view(qtbot) -> ArticleView:  # type: ignore[no-untyped-def]
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(700, 900)
    view.show()
    qtbot.waitExposed(view)
    view.set_document(Document(1, TEXT, "t", None, None, None, None, "h", {}))
    return view


def _drawn(view: ArticleView) -> list[tuple[int, tuple[tuple[int, int, str, int, str], ...]]]:
    """Every block's formats as Qt holds them, runs of the same look merged."""
    out = []
    block = view.document().begin()
    while block.isValid():
        runs: list[list] = []
        for r in sorted(block.layout().formats(), key=lambda r: r.start):
            look = (r.format.background().color().name(), int(r.format.underlineStyle().value),
                    r.format.underlineColor().name())
            if runs and runs[-1][0] + runs[-1][1] == r.start and runs[-1][2:] == list(look):
                runs[-1][1] += r.length
            else:
                runs.append([r.start, r.length, *look])
        out.append((block.blockNumber(), tuple(tuple(x) for x in runs)))
        block = block.next()
    return out


def _span(rng: random.Random, n: int) -> Span:
    start = rng.randrange(0, len(TEXT) - 40)
    end = start + rng.randrange(1, 120)
    return Span(f"s{n}", 1, "ana", rng.choice(CATEGORIES), start, min(end, len(TEXT)),
                TEXT[start:end])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_change_recut_in_part_draws_what_a_whole_cut_draws(qtbot, seed: int  # type: ignore[no-untyped-def]
                                                              ) -> None:
    scheme = load_scheme(default_scheme_path())
    rng = random.Random(seed)
    order = lambda s: (s.start, s.end, s.id)  # noqa: E731 - the store's order, as the window has it
    spans = sorted((_span(rng, n) for n in range(40)), key=order)
    view = _view(qtbot)
    view.set_spans(spans, scheme)
    cuts: list[tuple[int, int]] = []
    whole_cut = view._cut
    view._cut = lambda low, high: cuts.append((low, high)) or whole_cut(low, high)  # type: ignore[method-assign]
    made = 40
    for step in range(30):
        kind = rng.choice(["add", "remove", "change", "select", "select"])
        selected = view.selected_span_id
        if kind == "add":
            spans = sorted([*spans, _span(rng, made)], key=order)
            made += 1
        elif kind == "remove" and spans:
            spans = [s for s in spans if s is not rng.choice(spans)]
        elif kind == "change" and spans:
            old = rng.choice(spans)
            spans = [dataclasses.replace(s, category=rng.choice(CATEGORIES)) if s is old else s
                     for s in spans]
        elif spans:
            selected = rng.choice(spans).id
        view.set_spans(spans, scheme, selected)
        fresh = _view(qtbot)
        fresh.set_spans(spans, scheme, selected)
        assert _drawn(view) == _drawn(fresh), f"seed {seed}, step {step}: {kind}"
    band = view._band[1] - view._band[0]
    assert cuts and all(high - low < band for low, high in cuts), "only the changes were cut"


def test_changed_ranges_names_what_changed_and_gives_up_on_many() -> None:
    a = Span("a", 1, "ana", "speaker", 0, 5, "")
    b = Span("b", 1, "ana", "demand", 10, 20, "")
    b2 = dataclasses.replace(b, category="speaker")
    c = Span("c", 1, "ana", "demand", 30, 35, "")
    assert changed_ranges([a, b], [a, b], None, None) == []
    assert changed_ranges([a, b], [a, b2, c], None, None) == [(10, 20), (30, 35)]
    assert changed_ranges([a, b], [a, b], "a", "b") == [(0, 5), (10, 20)]
    many = [Span(f"m{i}", 1, "ana", "demand", i, i + 1, "") for i in range(17)]
    assert changed_ranges([], many, None, None) is None


def test_splice_cuts_the_old_pieces_at_the_edges() -> None:
    from annotator.ui.coding.span_paint import Piece

    old = [Piece(0, 10, "x", ("a",)), Piece(12, 20, "y", ("b",))]  # type: ignore[arg-type]
    new = [Piece(5, 8, "z", ("c",))]  # type: ignore[arg-type]
    assert [(p.start, p.end, p.format) for p in splice(old, new, 5, 15)] == [
        (0, 5, "x"), (5, 8, "z"), (15, 20, "y")]
    assert [(p.start, p.end) for p in splice(old, [], 10, 12)] == [(0, 10), (12, 20)]
    assert [(p.start, p.end) for p in splice(old, [], 2, 4)] == [(0, 2), (4, 10), (12, 20)]
    assert [(p.start, p.end) for p in splice(old, [], 0, 30)] == []


class _Counted:
    """A view's document that counts the text it is told to lay out again."""

    def __init__(self, document: object) -> None:
        self.document, self.dirty = document, 0

    def markContentsDirty(self, *args: int) -> None:  # noqa: N802 - Qt's name
        self.dirty += 1
        self.document.markContentsDirty(*args)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.document, name)


def test_a_new_text_comes_with_its_spans_and_is_laid_out_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Given with the text, the spans are formats before Qt lays the text out (set
    afterwards, every block Qt had laid out is laid out again), and look the same."""
    scheme = load_scheme(default_scheme_path())
    rng = random.Random(7)
    spans = sorted((_span(rng, n) for n in range(40)), key=lambda s: (s.start, s.end, s.id))
    document = Document(1, TEXT, "t", None, None, None, None, "h", {})
    view = _view(qtbot)
    counted = _Counted(view.document())
    view.document = lambda: counted  # type: ignore[method-assign]
    view.set_document(document)
    view.set_spans(spans, scheme)
    assert counted.dirty > 0  # the text laid out bare, then again with the spans
    counted.dirty = 0
    view.set_document(document, spans, scheme)
    assert counted.dirty == 0
    fresh = _view(qtbot)
    fresh.set_spans(spans, scheme)
    assert _drawn(view) == _drawn(fresh)
    cuts: list[tuple[int, int]] = []
    whole_cut = view._cut
    view._cut = lambda low, high: cuts.append((low, high)) or whole_cut(low, high)  # type: ignore[method-assign]
    view.set_spans(spans, scheme)  # as the window then passes them: nothing to do
    assert cuts == [] and counted.dirty == 0


def test_a_screen_beyond_the_opening_band_is_drawn_too(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from annotator.ui.coding import article_view

    monkeypatch.setattr(article_view, "MARGIN", 40)
    scheme = load_scheme(default_scheme_path())
    rng = random.Random(8)
    spans = sorted((_span(rng, n) for n in range(40)), key=lambda s: (s.start, s.end, s.id))
    view = _view(qtbot)
    view._screenful = 10  # the guess: a band of 50 code points, less than the screen shows
    view.set_document(Document(1, TEXT, "t", None, None, None, None, "h", {}), spans, scheme)
    assert view._band[1] > 50
    fresh = _view(qtbot)
    fresh.set_spans(spans, scheme)
    assert _drawn(view) == _drawn(fresh)


def test_the_article_keeps_its_width_from_a_short_text_to_a_long_one(qtbot) -> None:  # type: ignore[no-untyped-def]
    """No scroll bar comes and goes (each time Qt laid the text out again at the new width)."""
    view = _view(qtbot)
    widths = set()
    for text in ("A short one.", TEXT * 4, "", TEXT):
        view.set_document(Document(1, text, "t", None, None, None, None, "h", {}))
        qtbot.wait(30)  # the rest of a long text is laid out on Qt's timer
        widths.add(view.viewport().width())
    assert len(widths) == 1


def test_ranges_reused_across_articles_draw_what_a_fresh_view_draws(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Qt's range objects of the article left are reused for the next (``RangePool``); a
    view switched back and forth, and changed in part after, draws as a new one does."""
    scheme = load_scheme(default_scheme_path())
    rng = random.Random(7)
    order = lambda s: (s.start, s.end, s.id)  # noqa: E731
    first = sorted((_span(rng, n) for n in range(40)), key=order)
    second = sorted((_span(rng, 100 + n) for n in range(25)), key=order)
    other = Document(2, TEXT[::-1], "u", None, None, None, None, "h", {})
    view = _view(qtbot)
    view.set_spans(first, scheme)
    made = {id(r) for _, ranges in view._formatted.values() for r in ranges}
    view.set_document(other, [], scheme)
    assert len(view._ranges) == len(made) > 0  # every range of the article left, kept
    view.set_document(Document(1, TEXT, "t", None, None, None, None, "h", {}), second, scheme)
    reused = {id(r) for _, ranges in view._formatted.values() for r in ranges}
    assert reused <= made  # (the second article has fewer ranges than the first)
    changed = [dataclasses.replace(s, category="demand") if i % 3 == 0 else s
               for i, s in enumerate(second)]
    view.set_spans(changed, scheme, changed[5].id)
    fresh = _view(qtbot)
    fresh.set_spans(changed, scheme, changed[5].id)
    assert _drawn(view) == _drawn(fresh)


def test_the_pool_of_ranges_keeps_at_most_its_limit(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QTextCharFormat, QTextLayout

    pool = RangePool()
    pool.give_back(QTextLayout.FormatRange() for _ in range(POOLED_AT_MOST + 50))
    assert len(pool) == POOLED_AT_MOST
    fmt = QTextCharFormat()
    fmt.setFontItalic(True)
    r = pool.make(3, 4, fmt)
    assert (r.start, r.length, r.format.fontItalic(), len(pool)) == (3, 4, True, POOLED_AT_MOST - 1)


def test_the_screen_is_read_right_while_qt_still_lays_out_a_long_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Qt lays a long text's later paragraphs out on its timer; until then they sit at the
    top-left corner, where a hit test found them: the screen seemed to begin thousands
    of characters in, the screenful came out negative, and the next article's opening
    band was empty (each switch then cut and formatted its band a second time)."""
    scheme = load_scheme(default_scheme_path())
    long_text = TEXT * 30
    view = _view(qtbot)
    view.set_document(Document(2, long_text, "t", None, None, None, None, "h", {}))
    document = view.document()
    assert any(document.findBlockByNumber(n).layout().lineCount() == 0
               for n in range(document.blockCount())), "Qt has left some paragraphs for later"
    first, last = view._visible()
    assert first == 0 < last < len(long_text) and view._screenful == last
    rng = random.Random(9)
    spans = sorted((_span(rng, n) for n in range(40)), key=lambda s: (s.start, s.end, s.id))
    cuts: list[tuple[int, int]] = []
    whole_cut = view._cut
    view._cut = lambda low, high: cuts.append((low, high)) or whole_cut(low, high)  # type: ignore[method-assign]
    view.set_document(Document(1, TEXT, "t", None, None, None, None, "h", {}), spans, scheme)
    assert len(cuts) == 1 and cuts[0][0] == 0 and cuts[0][1] > last  # the opening band, once


def test_a_new_text_s_margin_is_formatted_once_the_coder_stays(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The opening band is the screen and half a screen more; the margin beyond comes
    ``REST_MS`` later, and not at all for an article paged past before then."""
    from annotator.ui.coding.article_view import MARGIN

    scheme = load_scheme(default_scheme_path())
    long_text = TEXT * 6
    rng = random.Random(10)
    spans = sorted((Span(f"s{n}", 1, "ana", rng.choice(CATEGORIES), a, a + 30,
                         long_text[a:a + 30])
                    for n, a in enumerate(range(0, len(long_text) - 40, 97))),
                   key=lambda s: (s.start, s.end, s.id))
    document = Document(1, long_text, "t", None, None, None, None, "h", {})
    view = _view(qtbot)
    view.set_document(document, spans, scheme)  # (the screenful is measured now)
    view.set_document(Document(2, TEXT, "u", None, None, None, None, "h", {}), [], scheme)
    view.set_document(document, spans, scheme)
    first, last = view._visible()
    opening = view._band
    assert opening[0] == 0 and last <= opening[1] < last + MARGIN  # the screen, a cushion
    assert view._rest.isActive()
    assert all(p.start < opening[1] for p in view.painted())
    qtbot.waitUntil(lambda: not view._rest.isActive())
    assert view._band[1] >= last + MARGIN  # the margin, once the coder stayed
    fresh = _view(qtbot)
    fresh.set_spans(spans, scheme)  # (set apart from the text: the whole band at once)
    fresh.set_document(document, spans, scheme)
    qtbot.waitUntil(lambda: not fresh._rest.isActive())
    assert _drawn(view) == _drawn(fresh)
    cuts: list[tuple[int, int]] = []
    whole_cut = view._cut
    view._cut = lambda low, high: cuts.append((low, high)) or whole_cut(low, high)  # type: ignore[method-assign]
    for _ in range(3):  # paged past: the margin never cut
        view.set_document(document, spans, scheme)
        qtbot.wait(REST_MS // 4)
    assert len(cuts) == 3 and all(high == opening[1] for _, high in cuts)


def test_paging_down_a_long_article_cuts_a_band_not_the_whole_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Paragraphs re-laid out with their formats, or still to be laid out, sit at the
    corner until Qt lays them out, and a hit test at the screen's bottom found them (the
    text's end): the band became the whole article, 5,000 spans cut in one turn (170 ms)."""
    scheme = load_scheme(default_scheme_path())
    text = "\n\n".join([TEXT] * 100)
    rng = random.Random(3)
    spans = []
    for n in range(3000):
        a = rng.randrange(0, len(text) - 90)
        b = a + rng.randrange(1, 80)
        spans.append(Span(f"s{n}", 1, "ana", rng.choice(CATEGORIES), a, b, text[a:b]))
    spans.sort(key=lambda s: (s.start, s.end, s.id))
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(620, 480)
    view.show()
    qtbot.waitExposed(view)
    document = Document(2, text, "t", None, None, None, None, "h", {})
    view.set_document(document, spans, scheme)
    bar, widest = view.verticalScrollBar(), 0
    for page in range(8):
        bar.setValue(bar.value() + bar.pageStep())
        QApplication.processEvents()
        if page == 1:  # the margin comes: blocks ahead get their formats, to be laid out
            qtbot.waitUntil(lambda: not view._rest.isActive())
        first, last = view._visible()
        assert first <= last <= first + 20 * view._screenful, (first, last)
        widest = max(widest, view._band[1] - view._band[0])
    assert widest < len(text) // 10
