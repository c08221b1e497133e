"""The article: read-only text with every span drawn as a blended fill, and selection to code.

This widget is where Qt's UTF-16 positions meet stored code point offsets; it converts only
through ``OffsetMap`` and snaps selections with the domain's text helpers.

Spans are drawn as character formats of the blocks' layouts (``span_paint``), painted with
the text, not as one extra selection each on every repaint. The view formats the blocks
that touch the visible text and a margin of a screenful either side, formats more when
scrolling leaves that band, and after a change re-formats only the blocks whose pieces
changed (adding a span re-lays out its paragraph, not the article). A new text comes with
its spans, formatted before Qt first lays it out.
"""

from __future__ import annotations

import bisect
from itertools import chain
from operator import itemgetter

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
    QTextBlock,
    QTextCursor,
)
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from annotator.domain.corpus_query import Query
from annotator.domain.model import Document, Span
from annotator.domain.scheme import CodingScheme
from annotator.domain.text import OffsetMap, snap_to_clusters, snap_to_words
from annotator.ui.coding.looks import ARTICLE_POINT_SIZE
from annotator.ui.coding.span_paint import (
    FILL_ALPHA,
    KEYWORD_COLOUR,
    NESTED_ALPHA,
    SELECTED_ALPHA,
    Formatted,
    Looks,
    Piece,
    RangePool,
    changed_ranges,
    deal,
    layers,
    nested,
    pieces,
    splice,
)
from annotator.ui.coding.span_tips import span_tip

__all__ = ["FILL_ALPHA", "KEYWORD_COLOUR", "NESTED_ALPHA", "SELECTED_ALPHA", "ArticleView"]
BASE_POINT_SIZE = ARTICLE_POINT_SIZE
MARGIN = 2_000  # code points formatted beyond the screen, at least (a screenful if more)
REST_MS = 100  # a new text's margin waits this long (a key held down repeats every 30-40 ms)
_START, _END, _BOUNDS = itemgetter(0), itemgetter(1), itemgetter(0, 1)  # of a Piece


def qt_text(text: str) -> str:
    """The text as Qt must receive it to show it unchanged. PySide reads a leading U+FEFF
    as a byte order mark and drops it, and a leading U+FFFE as a byte-swapped one (the
    whole text garbled and one unit short); it strips exactly one such mark, so one more
    U+FEFF in front keeps every character, and every offset, where it is."""
    return "\ufeff" + text if text[:1] in ("\ufeff", "\ufffe") else text


class ArticleView(QTextEdit):
    sig_code_requested = Signal(str)  # a shortcut key (upper case) was pressed
    sig_delete_requested = Signal()
    sig_span_clicked = Signal(object)  # span id, or None for a click on no span
    sig_step_span_requested = Signal(int)  # ] or [: select the next or previous span
    sig_suggestion_requested = Signal(bool)  # Enter: accept the suggestion; Shift+Enter: reject

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)  # Tab leaves the article for the span's fields
        # a scroll bar that comes and goes changes the text's width: Qt then lays out again
        # what it had laid out (twice a switch, as a new text's height grows): 3 ms
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setObjectName("article")
        self.text, self.offsets = "", OffsetMap("")
        self.spans: list[Span] = []
        self.scheme: CodingScheme | None = None
        self.selected_span_id: str | None = None
        self.different: set[str] = set()
        self.snap_words = True
        self.shortcut_keys: set[str] = set()
        self._press_pos: QPoint | None = None
        self._looks = Looks(self.viewport().palette().base().color())
        self._pieces: list[Piece] = []  # what the band shows, in text order
        self._formatted: dict[int, Formatted] = {}  # block → its ranges, and Qt's of them
        self._ranges = RangePool()  # Qt's objects of ranges no block holds, for reuse
        self._band: tuple[int, int] = (0, 0)  # code points whose blocks are formatted
        self._screenful = MARGIN  # code points the screen showed last (a new text's guess)
        self.keywords: Query | None = None  # a reading aid, never stored as spans
        self.keyword_ranges: list[tuple[int, int]] = []
        self.suggestions: list[tuple[int, int, str]] = []  # (start, end, category) proposed
        self.set_zoom(0)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.viewport().installEventFilter(self)
        self._rest = QTimer(self, singleShot=True, interval=REST_MS)  # the margin, later
        self._rest.timeout.connect(self._paint)

    # -- content -------------------------------------------------------------------------
    def set_document(self, document: Document | None, spans: list[Span] | None = None,
                     scheme: CodingScheme | None = None) -> None:
        """Show ``document`` with ``spans`` (of ``scheme``) drawn from the first paint: the
        opening band's blocks (the screen's) get their formats before Qt lays them out (the
        ``contentsChange`` comes first, as for a syntax highlighter; spans set afterwards
        re-laid out every block laid out bare), the margin beyond once the coder stays."""
        self.text = document.text if document else ""
        self.offsets = OffsetMap(self.text)
        self.spans, self.selected_span_id, self.suggestions = spans or [], None, []
        self.scheme, self.different = scheme or self.scheme, set()
        for _, made in self._formatted.values():  # new blocks, with layouts of their own
            self._ranges.give_back(made)
        self._pieces, self._formatted = [], {}
        self._band = (0, 0)
        self.keyword_ranges = self.keywords.matches(self.text) if self.keywords else []
        shown = qt_text(self.text)
        doc = self.document()
        units = self.offsets.utf16_length + len(shown) - len(self.text)  # (a mark qt_text adds)

        def formats_first(_at: int, _removed: int, _added: int) -> None:
            if not self._band[1] and doc.characterCount() == units + 1:  # the new text (the
                # old one may be cleared first), in the band _paint chooses at the top
                self._band = (0, self._screenful + self._screenful // 2)  # the screen and
                # a cushion (a guess: the last one's); the margin once the coder stays
                self._pieces = self._cut(*self._band)
                self._format_blocks(*self._band)

        doc.contentsChange.connect(formats_first)
        try:
            self.setPlainText(shown)
        finally:
            doc.contentsChange.disconnect(formats_first)
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self._rest.start() if self._band[1] < len(self.text) else self._rest.stop()
        if self._band[1]:
            self._scrolled()  # a screen showing more than the opening band gets the rest
        else:  # (no change came with the whole text: drawn as after a scroll)
            self._paint()

    def set_keywords(self, keywords: Query | None) -> None:
        """Terms to show in every article (blue, dotted underline), beneath coded spans."""
        self.keywords = keywords
        self.keyword_ranges = keywords.matches(self.text) if keywords else []
        self._paint()

    def set_suggestions(self, suggestions: list[tuple[int, int, str]]) -> None:
        """Spans proposed to the coder, drawn dashed until accepted or rejected."""
        if suggestions != self.suggestions:
            self.suggestions = suggestions
            if self.scheme is not None:
                self._paint()

    def set_spans(self, spans: list[Span], scheme: CodingScheme,
                  selected_span_id: str | None = None, different: set[str] | None = None
                  ) -> None:
        different = different or set()
        ranges = (changed_ranges(self.spans, spans, self.selected_span_id, selected_span_id)
                  if scheme is self.scheme and different == self.different else None)
        self.spans, self.scheme = spans, scheme
        self.selected_span_id = selected_span_id
        self.different = different
        self._paint(ranges)

    def select_span(self, span_id: str | None) -> None:
        ranges = changed_ranges(self.spans, self.spans, self.selected_span_id, span_id)
        self.selected_span_id = span_id
        self._paint(ranges)

    def _visible(self) -> tuple[int, int]:
        """Code points from the first to the last character on screen. Paragraphs Qt has yet
        to lay out (a long text's later ones, or with new formats) sit at the corner, where a
        hit test finds them: at the top the first is 0, the last no further on than twice
        the characters the screen holds."""
        rect, metrics = self.viewport().rect(), self.fontMetrics()
        hit = self.cursorForPosition
        first = hit(rect.topLeft()).position() if self.verticalScrollBar().value() else 0
        most = 2 * (rect.width() // max(1, metrics.averageCharWidth()) + 1) * (
            rect.height() // max(1, metrics.lineSpacing()) + 1)
        last = min(hit(rect.bottomRight()).position(), first + most)
        return self.offsets.to_python(min(first, last)), self.offsets.to_python(last, snap="ceil")

    def _scrolled(self) -> None:
        first, last = self._visible()
        if first < last < len(self.text):  # a full screen (a short text's says less)
            self._screenful = last - first
        if first < self._band[0] or last > self._band[1]:
            self._paint()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """A new palette (a dark theme, say): the fills blend over the new page colour."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._looks = Looks(self.viewport().palette().base().color())
            if self.spans or self.keyword_ranges:
                self._paint()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.spans:
            self._scrolled()

    def _paint(self, ranges: list[tuple[int, int]] | None = None) -> None:
        """Cut the band around the screen into pieces and format its blocks; given the
        ``ranges`` a change can alter (and the band still covering the screen), cut those
        again alone and re-format only their blocks."""
        assert self.scheme is not None or not self.spans
        first, last = self._visible()
        low, high = self._band
        if ranges is None or first < low or last > high:
            margin = max(MARGIN, last - first)
            low, high = self._band = (max(0, first - margin), last + margin)
            self._rest.stop()  # (the margin is in)
            self._pieces = self._cut(low, high)
            self._format_blocks(low, high)
            return
        for a, b in ranges:
            a, b = max(a, low), min(b, high)
            if a < b:
                self._pieces = splice(self._pieces, self._cut(a, b), a, b)
                self._format_blocks(a, b)

    def _cut(self, low: int, high: int) -> list[Piece]:
        """The pieces between ``low`` and ``high``, from the spans, keywords and suggestions
        that overlap it (a span around one of them overlaps it too, so nesting is right)."""
        colours = {c.key: c.colour for c in self.scheme.categories} if self.scheme else {}
        shown = [s for s in self.spans if s.start < high and s.end > low]
        coats = layers(shown, colours, nested(shown), self.selected_span_id, self.different,
                       [(a, b) for a, b in self.keyword_ranges if a < high and b > low],
                       [s for s in self.suggestions if s[0] < high and s[1] > low])
        return pieces(coats, self._looks, low, high)

    def _format_blocks(self, low: int, high: int) -> None:
        """Give each block touching ``low``..``high`` its pieces as formats; lay out again
        only the blocks whose formats changed. (The blocks' bounds are read from Qt once,
        then the pieces are dealt out in Python: a call to Qt per piece cost more.)"""
        doc, to16 = self.document(), self.offsets.to_utf16
        block, last = doc.findBlock(to16(low)), doc.findBlock(to16(high))
        if not last.isValid():  # the band reaches past the text
            last = doc.lastBlock()
        blocks: list[tuple[QTextBlock, int, int]] = []  # each with its start and its end
        while block.isValid():  # (the paragraph separator's position, inside the block)
            start = block.position()
            blocks.append((block, start, start + block.length() - 1))
            if block == last:
                break
            block = block.next()
        low = self.offsets.to_python(blocks[0][1])
        high = self.offsets.to_python(min(blocks[-1][2] + 1, self.offsets.utf16_length))
        at = bisect.bisect_right(self._pieces, low, key=_END)  # (keys read in C)
        chosen = self._pieces[at:bisect.bisect_left(self._pieces, high, at, key=_START)]
        bounds = self.offsets.to_utf16_sorted(chain.from_iterable(map(_BOUNDS, chosen)))
        wanted = deal(chosen, bounds, [(start, end) for _, start, end in blocks])
        dirty: list[list[int]] = []  # runs of blocks to lay out again: [from, to)
        for (block, start, separator), ranges in zip(blocks, wanted, strict=True):
            number = block.blockNumber()
            old, made = self._formatted.get(number, ([], []))
            if old != ranges:  # (a format: the same object) Qt's ranges kept are reused:
                kept = dict(zip(((a, n, id(f)) for a, n, f in old), made, strict=True))
                make = self._ranges.make
                made = [r if (r := kept.pop((a, n, id(f)), None)) is not None else make(a, n, f)
                        for a, n, f in ranges]  # an edit changes a few of a block's many
                self._ranges.give_back(kept.values())  # (those the block no longer has)
                layout = block.layout()
                laid_out = layout.lineCount() > 0  # (setFormats clears the lines)
                layout.setFormats(made)
                self._formatted[number] = ranges, made
                if laid_out:  # one Qt has not laid out yet gets these formats when it does
                    if dirty and dirty[-1][1] == start:
                        dirty[-1][1] = separator + 1
                    else:
                        dirty.append([start, separator + 1])
        for start, end in dirty:
            doc.markContentsDirty(start, end - start)

    def painted(self) -> list[Piece]:
        """The pieces of text the view has formatted (the band around the screen)."""
        return list(self._pieces)

    def top_span_at(self, offset: int) -> str | None:
        """The span drawn on top at ``offset`` (the selected one, where it is)."""
        return next((p.top for p in self._pieces if p.start <= offset < p.end), None)

    # -- selection and offsets -----------------------------------------------------------
    def selected_range(self) -> tuple[int, int] | None:
        """The selection as stored offsets [start, end), snapped; None if nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.offsets.to_python(cursor.selectionStart(), snap="floor")
        end = self.offsets.to_python(cursor.selectionEnd(), snap="ceil")
        if self.snap_words:
            start, end = snap_to_words(self.text, start, end)
        else:
            start, end = snap_to_clusters(self.text, start, end)
        return (start, end) if start < end else None

    def select_range(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.offsets.to_utf16(start))
        cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def offset_at(self, point: QPoint) -> int:
        return self.offsets.to_python(self.cursorForPosition(point).position())

    def spans_at(self, offset: int) -> list[Span]:
        return [s for s in self.spans if s.start <= offset < s.end]

    # -- zoom ----------------------------------------------------------------------------
    def set_zoom(self, steps: int) -> None:
        self.zoom = max(-6, min(24, steps))
        font = self.font()
        font.setPointSize(BASE_POINT_SIZE + self.zoom)
        self.setFont(font)
        self.document().setDefaultFont(font)

    # -- events --------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.text().upper()
        if key in self.shortcut_keys and mods in (Qt.KeyboardModifier.NoModifier,
                                                  Qt.KeyboardModifier.ShiftModifier):
            self.sig_code_requested.emit(key)
            return
        if event.text() in ("]", "[") and not mods & ~Qt.KeyboardModifier.ShiftModifier:
            self.sig_step_span_requested.emit(1 if event.text() == "]" else -1)
            return
        if event.key() == Qt.Key.Key_Right and mods == (Qt.KeyboardModifier.ControlModifier
                                                        | Qt.KeyboardModifier.ShiftModifier):
            self._extend_to_word_end()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.suggestions \
                and mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            self.sig_suggestion_requested.emit(mods == Qt.KeyboardModifier.NoModifier)
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods:
            self.sig_delete_requested.emit()
            return
        super().keyPressEvent(event)

    def _extend_to_word_end(self) -> None:
        """Ctrl+Shift+Right grows the selection by a whole word, to that word's end: Qt's own
        stops at the next word's start, so after a double-click it added only the space."""
        cursor = self.textCursor()
        before = cursor.position()
        cursor.movePosition(QTextCursor.MoveOperation.EndOfWord, QTextCursor.MoveMode.KeepAnchor)
        if cursor.position() == before:
            cursor.movePosition(QTextCursor.MoveOperation.NextWord,
                                QTextCursor.MoveMode.KeepAnchor)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfWord,
                                QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        moved = self._press_pos is not None and (pos - self._press_pos).manhattanLength() > 3
        if event.button() == Qt.MouseButton.LeftButton and not moved \
                and not self.textCursor().hasSelection():
            self.sig_span_clicked.emit(self._cycle(self.spans_at(self.offset_at(pos))))

    def _cycle(self, under: list[Span]) -> str | None:
        """Clicking again where spans overlap moves to the next of them."""
        ids = [s.id for s in under]
        if self.selected_span_id in ids:
            return ids[(ids.index(self.selected_span_id) + 1) % len(ids)]
        return ids[0] if ids else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The viewport's tooltip, the spans under the mouse (not ``event``: 8 a switch)."""
        if event.type() != QEvent.Type.ToolTip or watched is not self.viewport():
            return False
        tip = self.tooltip_at(self.offset_at(event.pos()))  # type: ignore[attr-defined]
        if tip:
            QToolTip.showText(event.globalPos(), tip, self)  # type: ignore[attr-defined]
        else:
            QToolTip.hideText()
        return True

    def tooltip_at(self, offset: int) -> str:
        return span_tip(self.spans_at(offset), self.spans, self.scheme)
