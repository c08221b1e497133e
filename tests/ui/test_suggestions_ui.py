"""Suggested speakers in the article (#29): drawn dashed, Enter accepts one (a span whose
origin says it was suggested), Shift+Enter rejects one, Ctrl+Z undoes either; coding over a
suggestion replaces it; a study can lock suggestions off."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat


def _on(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert window.actions_by_name["suggest"].isChecked()


def _first_document_with_suggestions(window):  # type: ignore[no-untyped-def]
    for document in window.doc_model.ids:
        window.show_document(document)
        if window.suggestions.shown():
            return document
    raise AssertionError("no sample article has a suggestion")


def _dashed(view) -> set[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    return {(p.start, p.end, "speaker") for p in view.painted()
            if p.format.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline}


def test_enter_accepts_and_shift_enter_rejects_each_undoable(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    _on(window, qtbot)
    document = _first_document_with_suggestions(window)
    view = window.view
    shown = window.suggestions.shown()
    first, second = shown[0], shown[1]
    assert {first, second} <= _dashed(view)  # drawn, dashed
    view.setFocus()
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_utf16(first[0]))
    view.setTextCursor(cursor)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    accepted = [s for s in window.project.spans(document, "ana") if s.category == "speaker"]
    assert [(s.start, s.end, s.origin) for s in accepted] == [(*first[:2], "speaker-finder")]
    assert window.selected_span_id == accepted[0].id  # selected: Ctrl+2 reaches its fields
    quoted = next(p.quote is not None for p in window.suggestions._proposals()
                  if (p.start, p.end) == first[:2])
    assert accepted[0].attributes.get("direct_quote", False) is quoted  # the quote attribute
    assert first not in window.suggestions.shown() and first not in _dashed(view)
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # the next
    assert second not in window.suggestions.shown()
    assert len(window.project.spans(document, "ana")) == 1  # a rejection stores nothing
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert second in window.suggestions.shown()  # the rejection undone
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.spans(document, "ana") == []  # the acceptance undone
    assert first in window.suggestions.shown()


def test_coding_over_a_suggestion_corrects_it(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    _on(window, qtbot)
    _first_document_with_suggestions(window)
    view = window.view
    start, end, category = window.suggestions.shown()[0]
    view.select_range(start, end - 1)  # a different range, by hand
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_S)
    (span,) = [s for s in window.spans if s.category == "speaker"]
    assert span.origin == "" and (start, end, category) not in window.suggestions.shown()


def test_a_study_can_lock_suggestions_off(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.project.set_study_setting("suggestions_locked", True)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert not window.actions_by_name["suggest"].isChecked()
    assert window.suggestions.shown() == [] and window.view.suggestions == []
    assert "switches suggestions off" in window.statusBar().currentMessage()


def _generated_project(tmp_path, coder: str, category: str = "speaker"):  # type: ignore[no-untyped-def]
    """30 generated articles, the first 25 coded (speakers by construction) by ``coder`` and
    done; the rest not yet."""
    import random
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent.parent.parent / "benchmarks"))
    from bench_suggest import article

    from annotator.domain.model import NewDocument, Status
    from annotator.services import actions

    rng = random.Random(3)
    corpus = [article(rng) for _ in range(30)]
    project = actions.new_project(tmp_path / "generated.annotator")
    project.import_documents([NewDocument(text=t, title=f"Article {i:02d}")
                              for i, (t, _) in enumerate(corpus)])
    ids = project.all_document_ids()
    with project.transaction():
        for document, (_, spans) in list(zip(ids, corpus, strict=True))[:25]:
            for start, end in spans:
                project.add_span(document, coder, category, start, end)
            project.set_status(document, coder, Status.DONE)
    return project, ids, corpus


def test_learned_suggestions_come_from_the_coding_and_are_accepted_as_learned(
        make_window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    project, ids, corpus = _generated_project(tmp_path, "ana")
    window = make_window(project)
    _on(window, qtbot)
    window.actions_by_name["suggest_learned"].trigger()
    qtbot.waitUntil(lambda: "speaker" in window.suggestions.models, timeout=30_000)
    window.show_document(ids[27])  # never coded: what the model proposes there
    shown = window.suggestions.shown()
    coded = {(a, b, "speaker") for a, b in corpus[27][1]}  # what its coding would be
    assert coded and len(set(shown) & coded) >= len(coded) - 1  # nearly all of it
    assert len(set(shown) - coded) <= 1  # and little else
    view = window.view
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_utf16(shown[0][0]))  # the first of them
    view.setTextCursor(cursor)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    (span,) = window.project.spans(ids[27], "ana")
    assert span.origin == "learned"
    from annotator.services.learned import least_sure

    expected = least_sure(window.project, window.suggestions.models, "ana")
    assert sorted(expected) == sorted([ids[25], ids[26], ids[28], ids[29]])  # 27 started
    visited = []  # Ctrl+Shift+U: the uncoded documents, the model's least sure first
    for _ in range(5):
        qtbot.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
        visited.append(window.document_id)
    assert visited[:4] == expected and visited[4] == visited[3]
    assert "No uncoded document left" in window.statusBar().currentMessage()


def test_a_blind_coder_learns_from_their_own_coding_only(make_window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    project, _, _ = _generated_project(tmp_path, "gold")  # gold's, not ana's
    window = make_window(project)
    window.coder_panel.set_blind(True)
    _on(window, qtbot)
    window.actions_by_name["suggest_learned"].trigger()
    qtbot.waitUntil(lambda: "No learned suggestions" in window.statusBar().currentMessage(),
                    timeout=30_000)
    assert "speaker 0" in window.statusBar().currentMessage()  # the counts, per category
    assert window.suggestions.models == {} and window.suggestions.shown() == []


def test_locking_suggestions_in_the_study_turns_them_off_in_an_open_window(
        make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    _on(window, qtbot)
    _first_document_with_suggestions(window)
    window.project.set_study_setting("suggestions_locked", True)  # the coordinator, say
    qtbot.waitUntil(lambda: not window.actions_by_name["suggest"].isChecked(), timeout=3000)
    assert window.view.suggestions == []


def test_a_suggestion_with_its_quote_is_accepted_as_a_direct_quote(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    _on(window, qtbot)
    view = window.view
    for document in window.doc_model.ids:
        window.show_document(document)
        quoted = [(p.start, p.end) for p in window.suggestions._proposals()
                  if p.quote is not None
                  and (p.start, p.end, "speaker") in window.suggestions.shown()]
        if quoted:
            break
    else:
        raise AssertionError("no sample article has a quoted speaker")
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_utf16(quoted[0][0]))
    view.setTextCursor(cursor)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    (span,) = window.project.spans(document, "ana")
    assert (span.start, span.end) == quoted[0] and span.attributes == {"direct_quote": True}


def test_learned_suggestions_come_for_any_category_with_enough_coding(
        make_window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    project, ids, corpus = _generated_project(tmp_path, "ana", category="source_outlet")
    window = make_window(project)
    _on(window, qtbot)
    window.actions_by_name["suggest_learned"].trigger()
    qtbot.waitUntil(lambda: bool(window.suggestions.models), timeout=30_000)
    assert set(window.suggestions.models) == {"source_outlet"}  # speaker had no coding
    window.show_document(ids[28])
    shown = window.suggestions.shown()
    assert shown and {c for _, _, c in shown} == {"source_outlet"}
    view = window.view
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_utf16(shown[0][0]))
    view.setTextCursor(cursor)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    (span,) = window.project.spans(ids[28], "ana")
    assert (span.category, span.origin) == ("source_outlet", "learned")
