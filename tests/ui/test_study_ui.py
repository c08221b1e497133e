"""The study in the window: assign and progress, blind locked, a coder seeing only their
documents, accepting what coders agree on (links kept), and the training check."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.domain.model import NewDocument, Status
from annotator.services import study
from annotator.services.actions import GOLD


def test_assign_and_progress_in_the_study_window(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    project = window.project
    project.import_documents([NewDocument(text=f"Putin spoke on day {i}.") for i in range(15)])
    window.study.open_study()
    dialog = window.study.study_window
    qtbot.addWidget(dialog)
    dialog.new_coder.setText("ben")
    qtbot.keyClick(dialog.new_coder, Qt.Key.Key_Return)
    assert dialog.chosen() == ["ana", "ben"]
    dialog.assign()
    design = project.design()
    assert design["reliability_sample"] == 4  # 20 % of 20 documents
    assert {c: d["assigned"] for c, d in design["coders"].items()} == {"ana": 12, "ben": 12}
    assert dialog.progress.rowCount() == 2 and dialog.progress.item(0, 1).text() == "12"
    assert len(window.doc_model.ids) == 12  # ana now sees only her documents
    dialog.lock_blind.setChecked(True)
    assert window.blind and not window.actions_by_name["blind"].isEnabled()


def test_accept_what_all_coders_agree_on_keeps_links(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    project = window.project
    doc = window.document_id
    text = project.document(doc).text
    putin = text.index("Vladimir Putin")
    for coder in ("ben", "cem"):
        speaker = project.add_span(doc, coder, "speaker", putin, putin + 14,
                                   attributes={"actor": "putin"})
        project.add_span(doc, coder, "accusation", putin, putin + 30,
                         attributes={"accuser": speaker.id, "target": "nato"})
        project.set_status(doc, coder, Status.DONE)
    project.add_span(doc, "ben", "demand", 0, 3)  # only ben: not accepted
    window.coder_panel.switch_coder(GOLD)
    assert window.study.accept_agreed_into_gold() == 2
    gold = {s.category: s for s in project.spans(doc, GOLD)}
    assert set(gold) == {"speaker", "accusation"}
    assert gold["accusation"].attributes == {"accuser": gold["speaker"].id, "target": "nato"}
    window.undo_stack.undo()  # one step
    assert project.spans(doc, GOLD) == []


def test_training_check_against_gold(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    project = window.project
    ids = project.all_document_ids()
    for doc in ids[:2]:
        text = project.document(doc).text
        at = text.index("Putin")
        project.add_span(doc, GOLD, "speaker", at, at + 5)
        project.add_span(doc, "ana", "speaker", at, at + 5 if doc == ids[0] else at + 3)
        project.set_status(doc, "ana", Status.IN_PROGRESS)
        project.set_status(doc, GOLD, Status.DONE)
    project.set_study_setting("training_documents", ids[:2])
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.study.agreement_window
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    assert dialog.report.coders == ["ana", GOLD] and dialog.report.documents == 2
    f1 = dialog.report.find("spans", "speaker", "span_f1_exact", f"ana|{GOLD}")
    assert f1.value == 0.5  # one of the two Putins has the wrong extent
    assert dialog.disagreements.rowCount() == 1  # the differences, document by document


def test_a_packaged_coder_is_blind_and_locked(make_window, tmp_path, project) -> None:  # type: ignore[no-untyped-def]
    study.assign(project, ["ana", "ben"], overlap=2, seed=1)
    study.package(project, "ana", tmp_path / "ana.annotator")
    from annotator.storage import Project

    window = make_window(Project.open(tmp_path / "ana.annotator"))
    assert window.blind and not window.actions_by_name["blind"].isEnabled()
    assert window.project.coders() == ["ana"]


def test_compare_with_three_coders_gives_a_lane_each(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.resize(1900, 900)
    project = window.project
    doc = window.document_id
    project.add_span(doc, "ana", "speaker", 0, 3)
    project.add_span(doc, "ben", "speaker", 0, 3)
    project.add_span(doc, "cem", "speaker", 0, 4)
    project.add_span(doc, "dan", "speaker", 0, 3)
    window.refresh_coding()
    window.study.compare_with(["ben", "cem", "dan"])
    lanes = [lane for lane in window.lanes.lanes if lane.coder]
    assert [lane.coder for lane in lanes] == ["ben", "cem", "dan"]
    assert all(lane.box.isVisible() and lane.coder in lane.label.text() for lane in lanes)
    cem = lanes[1].view
    assert cem.different == {cem.spans[0].id}  # cem's extent matches no span of ana's
    assert lanes[0].view.different == set()
    assert window.view.different == {window.spans[0].id}  # ana's lacks a match in cem's
    view = lanes[2].view
    from tests.ui.conftest import point_at

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, 1))
    assert window.compare_selected_span_id == view.spans[0].id
    window.study.accept_span_into_gold()
    assert [s.coder for s in project.spans(doc, "gold")] == ["gold"]
    window.study.compare_with("")
    assert not any(lane.box.isVisible() for lane in window.lanes.lanes)
