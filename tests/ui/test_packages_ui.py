"""A package opens as the coder it was made for, whatever name the settings remember; in a
blind package no one codes under another name; and a role taken in one project (gold) is
not carried into the next."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.services import actions, study
from annotator.storage import Project
from annotator.ui.window.settings import Settings
from tests.conftest import SEEDS
from tests.ui.conftest import drag_select, open_window_at


def _package(tmp_path: Path, coder: str) -> Path:
    with actions.new_project(tmp_path / "main.annotator") as project:
        actions.import_paths(project, [SEEDS])
        study.assign(project, ["ana", "ben"], per_document=1, seed=2)
        study.package(project, coder, tmp_path / f"{coder}.annotator")
    return tmp_path / f"{coder}.annotator"


def _open(path: Path | None, qtbot, coder: str | None = None):  # type: ignore[no-untyped-def]
    return open_window_at(path, qtbot, coder)


def test_a_package_opens_as_its_coder_not_the_last_name_used(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings.load()
    settings.coder = "ana"  # ana used this laptop last
    settings.save()
    path = _package(tmp_path, "ben")
    window = _open(path, qtbot)
    assert window.coder == "ben"
    assert "Coder: ben" in window.coder_label.text() and "ben's package" in \
        window.coder_label.text()
    drag_select(qtbot, window.view, 0, 5)  # code with the keyboard, as ben would
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    window.close()
    with Project.open(path, read_only=True) as package:
        assert {s.coder for s in package.iter_spans()} == {"ben"}
    assert Settings.load().coder == "ana"  # the laptop's own name is not changed


def test_no_one_codes_under_another_name_in_a_blind_package(qtbot, tmp_path: Path,
                                                            monkeypatch) -> None:  # type: ignore[no-untyped-def]
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    window = _open(_package(tmp_path, "ben"), qtbot)
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert window.coder == "ben" and told and "ben's package" in told[0]
    window.coder_panel.switch_coder("ana")  # nor by any other way in
    assert window.coder == "ben"


def test_gold_stays_in_the_project_it_was_taken_in(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, second = tmp_path / "a.annotator", tmp_path / "b.annotator"
    for path in (first, second):
        with actions.new_project(path) as project:
            actions.import_paths(project, [SEEDS])
    window = _open(first, qtbot, "ana")
    window.coder_panel.switch_coder("gold")  # adjudicating here
    assert window.coder == "gold"
    window.close()
    assert _open(second, qtbot).coder == "ana"  # another project: her own name
    assert _open(first, qtbot).coder == "gold"  # back where she adjudicates
