"""A long, heavily coded article: highlights are handed to Qt for the text on screen (and a
margin), and adding, changing or removing one span updates the window as a full re-read
would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.domain.model import NewDocument
from annotator.services import actions


def _long_project(tmp_path: Path, spans: int = 400):  # type: ignore[no-untyped-def]
    text = "\n\n".join(f"Paragraph {i}: the minister said 😀 the talks would go on."
                       for i in range(spans))
    project = actions.new_project(tmp_path / "long.annotator")
    project.import_documents([NewDocument(text=text, title="Long")])
    doc = project.all_document_ids()[0]
    with project.transaction():
        for i in range(spans):
            start = text.index(f"Paragraph {i}:")
            project.add_span(doc, "ana", "speaker", start, start + len(f"Paragraph {i}"))
    return project, text


def _fills(view) -> set[int]:  # type: ignore[no-untyped-def]
    return {piece.start for piece in view.painted()}


def test_only_spans_near_the_screen_are_painted_and_scrolling_brings_the_rest(
        make_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project, text = _long_project(tmp_path)
    window = make_window(project)
    view = window.view
    first, last = view.spans[0], view.spans[-1]
    assert first.start in _fills(view)
    assert last.start not in _fills(view)  # far below the screen: not given to Qt
    assert len({piece.top for piece in view.painted()}) < len(view.spans)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    assert last.start in _fills(view)  # scrolled into view: painted
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_BracketLeft)  # [ steps to a span and scrolls to it
    assert window.selected_span_id == view.spans[-1].id  # from none selected: the last one
    window.spans_table.setCurrentIndex(window.spans_model.index(0, 0))  # a row: scrolls up
    assert window.selected_span_id == first.id
    assert view.top_span_at(first.start) == first.id  # drawn on top, selected


def test_one_span_changes_leave_the_window_as_a_full_refresh_would(
        make_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project, text = _long_project(tmp_path, spans=30)
    window = make_window(project)
    view = window.view

    def same_as_stored() -> None:
        stored = project.spans(window.document_id)
        assert [s.id for s in window.spans] == [s.id for s in stored]
        assert [s.id for s in window.spans_model.spans] == [s.id for s in stored]
        for row, span in enumerate(stored):
            index = window.spans_model.index(row, 2)
            assert window.spans_model.data(index) == span.text

    at = text.index("minister", text.index("Paragraph 7:"))
    view.select_range(at, at + 8)
    qtbot.keyClick(view, Qt.Key.Key_S)  # added between paragraph 7's and 8's spans
    same_as_stored()
    added = window.selected_span_id
    assert window.spans_model.row_of(added) == 8
    span = project.span(added)
    window.coding.set_attribute(added, "direct_quote", True)  # one span changed
    same_as_stored()
    assert "yes" in window.spans_model.data(window.spans_model.index(8, 3))
    at9 = text.index("talks", text.index("Paragraph 9:"))
    view.select_range(at9, at9 + 5)
    qtbot.keyClick(view, Qt.Key.Key_D)  # a demand, linked to the new speaker span
    demand = window.selected_span_id
    window.coding.set_attribute(demand, "demanded_by", added)
    assert "“minister”" in window.spans_model.data(
        window.spans_model.index(window.spans_model.row_of(demand), 3))
    window.select_span(added)
    view.select_range(at - 4, at + 8)
    window.coding.resize_selected_span()  # the link's target changed: the demand's row says so
    same_as_stored()
    assert "“the minister”" in window.spans_model.data(
        window.spans_model.index(window.spans_model.row_of(demand), 3))
    window.select_span(added)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    same_as_stored()
    assert added not in {s.id for s in window.spans}
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo: back
    same_as_stored()
    assert project.span(added).text == "the minister" != span.text


def test_adding_or_deleting_a_span_moves_one_row_and_reformats_one_paragraph(
        make_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project, text = _long_project(tmp_path, spans=60)
    window = make_window(project)
    view, model = window.view, window.spans_model
    window.select_span(view.spans[0].id)  # formatted at the window's size, as a coder sees it
    window.select_span(None)
    seen: list[str] = []
    model.modelReset.connect(lambda: seen.append("reset"))
    model.rowsInserted.connect(lambda _p, first, last: seen.append(f"insert {first}-{last}"))
    model.rowsRemoved.connect(lambda _p, first, last: seen.append(f"remove {first}-{last}"))
    layout = view.document().documentLayout()
    relaid: list = []  # type: ignore[type-arg]
    layout.update.connect(lambda rect: relaid.append(rect))  # the area laid out again
    at = text.index("minister", text.index("Paragraph 3:"))
    view.select_range(at, at + 8)
    qtbot.keyClick(view, Qt.Key.Key_S)
    assert seen == ["insert 4-4"]  # after paragraph 3's own span: row 4, no reset
    block = layout.blockBoundingRect(view.document().findBlock(view.offsets.to_utf16(at)))
    assert len(relaid) == 1 and relaid[0].top() <= block.top()  # that paragraph, once,
    assert relaid[0].bottom() >= block.bottom()
    assert relaid[0].height() < 3 * block.height()  # and not the article
    added = window.selected_span_id
    assert view.top_span_at(at) == added
    seen.clear()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert seen == ["remove 4-4"] and view.top_span_at(at) is None
