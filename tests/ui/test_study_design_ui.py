"""The coordinator's view is true: Tools → Study design and progress opens with the study's
stored design (not the defaults, which "Assign documents" would redraw with), and the
command line prints it and lists the reliability sample."""

from __future__ import annotations

from pathlib import Path

from annotator.services import actions, study
from annotator.ui.study.study_window import StudyWindow
from tests.conftest import SEEDS, run_cli


def _study(tmp_path: Path) -> Path:
    path = tmp_path / "study.annotator"
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
        study.assign(project, ["ana", "ben"], overlap="100%", seed=7, stratify="outlet")
        project.add_coder("cem")  # a coder outside the design
    return path


def test_the_study_window_opens_with_the_stored_design(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.storage import Project

    with Project.open(_study(tmp_path)) as project:
        window = StudyWindow(project)
        qtbot.addWidget(window)
        assert window.overlap.value() == 100 and window.seed.value() == 7
        assert window.stratify.currentData() == "outlet"
        assert window.chosen() == ["ana", "ben"]  # cem is not part of the drawn design
        before = project.assignment_rows()
        window.assign()  # drawn again with the same design: the same sample
        assert sorted(project.assignment_rows()) == sorted(before)


def test_the_command_line_prints_the_design_and_lists_the_sample(tmp_path: Path) -> None:
    path = _study(tmp_path)
    code, out, err = run_cli("info", str(path))
    assert code == 0, err
    assert "design:    ana, ben; sample 100% of the documents, 2 coders per document, " \
           "drawn by outlet, seed 7" in out
    code, out, err = run_cli("study", str(path), "--sample")
    assert code == 0, err
    listed = [line for line in out.splitlines() if line.startswith("  sample document")]
    assert len(listed) == 5 and all("ana, ben" in line for line in listed)


def test_a_changed_scheme_that_keeps_its_version_is_warned_about(tmp_path: Path) -> None:
    from tests.conftest import DEFAULT_SCHEME

    path = _study(tmp_path)
    changed = tmp_path / "scheme.yaml"
    changed.write_text(DEFAULT_SCHEME.read_text(encoding="utf-8").replace(
        "name: Speaker", "name: Speaker (quoted)"), encoding="utf-8")
    code, out, err = run_cli("scheme", "apply", str(path), str(changed))
    assert code == 0 and "keeps its version number" in err, (out, err)
    code, out, err = run_cli("scheme", "apply", str(path), str(changed))
    assert code == 0 and "warning" not in err  # the same scheme again: nothing to say


def test_the_first_window_fits_the_screen_it_opens_on(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()  # no saved geometry: a first start
    area = window.screen().availableGeometry()
    assert window.width() <= area.width() and window.height() <= area.height()
    assert area.contains(window.geometry().topLeft())


def test_the_codebook_tree_shows_every_category_and_label(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.resize(1366 - 16, 768 - 64)  # a laptop's screen, less the frame
    tree = window.scheme_panel.tree
    viewport = tree.viewport().rect()
    for i in range(tree.topLevelItemCount()):
        category = tree.topLevelItem(i)
        for item in [category] + [category.child(j) for j in range(category.childCount())]:
            assert viewport.contains(tree.visualItemRect(item)), item.text(0)


def test_accept_agreed_in_the_window_follows_the_same_rules(make_window) -> None:  # type: ignore[no-untyped-def]
    from annotator.domain.model import Status
    from annotator.services.actions import GOLD

    window = make_window()
    project, doc = window.project, window.document_id
    text = project.document(doc).text
    at = text.index("Putin")
    for coder in ("ana", "ben"):
        speaker = project.add_span(doc, coder, "speaker", at, at + 5)
        demand = project.add_span(doc, coder, "demand", 0, 10)
        if coder == "ben":
            project.update_span(demand.id, attributes={"demanded_by": speaker.id})
        project.set_variable(doc, coder, "tone", "negative")
        project.set_status(doc, coder, Status.DONE)
    window.coder_panel.switch_coder(GOLD)
    assert window.study.accept_agreed_into_gold() == 1  # the speaker; the demand's link differs
    assert [s.category for s in project.spans(doc, GOLD)] == ["speaker"]
    assert project.variables(doc, GOLD) == {"tone": "negative"}
    window.undo_stack.undo()  # spans and values: one step
    assert project.spans(doc, GOLD) == [] and project.variables(doc, GOLD) == {}


def test_compare_lanes_scroll_together_text_and_all(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Scrolling one lane moves every lane's text, not only its scroll bar (the other bars
    had their signals blocked, so their text stayed where it was)."""
    from annotator.domain.model import Status

    window = make_window()
    window.resize(1300, 420)  # short lanes: the article needs scrolling
    project, doc = window.project, window.document_id
    for coder in ("ben", "cem"):
        project.add_span(doc, coder, "speaker", 0, 5)
        project.set_status(doc, coder, Status.DONE)
    window.study.compare_with(["ben", "cem"])
    qtbot.wait(50)
    views = [window.view, *(lane.view for lane in window.lanes.lanes if lane.coder)]
    assert all(v.verticalScrollBar().maximum() > 0 for v in views)

    def first_block(view) -> int:  # type: ignore[no-untyped-def]
        return view.cursorForPosition(view.viewport().rect().topLeft()).blockNumber()

    lane = views[1]
    lane.verticalScrollBar().setValue(lane.verticalScrollBar().maximum())  # to the end
    qtbot.wait(50)
    assert all(v.verticalScrollBar().value() == v.verticalScrollBar().maximum() for v in views)
    assert all(first_block(v) > 0 for v in views)  # the text moved in every lane
    blocks = {first_block(v) for v in views}
    assert max(blocks) - min(blocks) <= 1
    shot = views[2].viewport().grab().toImage()  # a lane the user did not touch repaints
    assert not shot.isNull()


def test_hovering_a_span_shows_its_attributes(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    project, doc = window.project, window.document_id
    text = project.document(doc).text
    at = text.index("Putin")
    speaker = project.add_span(doc, "ana", "speaker", at, at + 5,
                               attributes={"actor": "putin", "direct_quote": True})
    project.add_span(doc, "ana", "demand", 0, 8, attributes={"demanded_by": speaker.id})
    window.refresh_coding()
    tip = window.view.tooltip_at(at + 1)
    assert "Actor:</i> Vladimir Putin" in tip and "Direct quote:</i> yes" in tip
    assert "Demanded by:</i> → speaker “Putin”" in window.view.tooltip_at(2)


def test_disagreements_list_variables_and_open_the_coders_who_disagree(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]

    from annotator.domain.model import Status
    from annotator.services.actions import GOLD
    from tests.ui.conftest import agreement_computed
    from tests.unit.test_agreement_report import code_seeds

    window = make_window()
    code_seeds(window.project, "ana")
    code_seeds(window.project, "ben", shift=2, tone="positive")
    for doc in window.project.all_document_ids():
        window.project.set_status(doc, "ana", Status.DONE)
        window.project.set_status(doc, "ben", Status.DONE)
    window.coder_panel.switch_coder(GOLD)  # the coordinator adjudicates
    dialog = agreement_computed(window, qtbot)
    rows = [[dialog.disagreements.item(r, c).text() for c in range(3)]
            for r in range(dialog.disagreements.rowCount())]
    tone = next(r for r in rows if r[1] == "Tone towards Russia")
    assert "ana: negative" in tone[2] and "ben: positive" in tone[2]
    speaker = next(r for r in range(len(rows)) if rows[r][1] == "Speaker")
    dialog.disagreements.itemDoubleClicked.emit(dialog.disagreements.item(speaker, 0))
    assert [lane.coder for lane in window.lanes.lanes if lane.coder] == ["ana", "ben"]


def test_after_an_accept_into_gold_the_scrolled_lanes_paint_one_position(
        make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Accepting into gold with the lanes scrolled redraws each lane at its one position:
    what is on screen equals a fresh paint of the same lane."""
    from annotator.domain.model import Status
    from annotator.services.actions import GOLD

    window = make_window()
    window.resize(1300, 420)
    project, doc = window.project, window.document_id
    text = project.document(doc).text
    at = text.rindex("NATO")  # far down the article
    span = project.add_span(doc, "ben", "speaker", at, at + 4)
    project.set_status(doc, "ben", Status.DONE)
    window.coder_panel.switch_coder(GOLD)
    window.study.compare_with(["ben"])
    qtbot.wait(50)
    lane = next(lane.view for lane in window.lanes.lanes if lane.coder)
    lane.verticalScrollBar().setValue(lane.verticalScrollBar().maximum())
    qtbot.wait(50)
    window.study.accept_span_into_gold(span.id)
    qtbot.wait(100)
    for view in (window.view, lane):
        shown = view.viewport().grab().toImage()
        view.viewport().repaint()  # a fresh paint of the same position
        assert view.viewport().grab().toImage() == shown
    assert [s.text for s in project.spans(doc, GOLD)] == ["NATO"]
    assert window.view.verticalScrollBar().value() == window.view.verticalScrollBar().maximum()


def test_titles_alike_at_the_start_stay_apart_in_the_list(make_window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    window = make_window()
    table, model = window.doc_table, window.doc_model
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    titles = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    putin = [t for t in titles if t.startswith("Vladimir P")]
    assert len(putin) == 2
    width = table.columnWidth(0) - 8
    shown = {table.fontMetrics().elidedText(t, Qt.TextElideMode.ElideMiddle, width)
             for t in putin}
    assert len(shown) == 2  # cut in the middle, the two seeds no longer look alike
    assert all(model.data(model.index(r, 0), Qt.ItemDataRole.ToolTipRole) == titles[r]
               for r in range(model.rowCount()))  # and the whole title on hover
