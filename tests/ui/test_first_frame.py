"""The window's first frame: drawn from a glance at the project file before the rest of
annotator loads, it shows what the window then shows (the article, its headline, the list's
first rows with their statuses), and the window takes its place where it stood."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.domain.model import NewDocument, Status
from annotator.services import actions, study
from annotator.storage import Project
from annotator.ui.window import app
from annotator.ui.window.first_frame import MENU_TITLES, FirstFrame, show_first_frame
from annotator.ui.window.settings import Settings
from tests.conftest import ROOT


def _project(path: Path, count: int = 75) -> Project:
    project = actions.new_project(path)
    project.import_documents([NewDocument(
        text=f"Article {i}: the Kremlin said 🇺🇦 e\u0301 {'long ' * (i % 7)}words.\nSecond line.",
        title="" if i == 3 else f"Title {i:02d} " + "very long headline words " * (i % 3),
        date=f"2022-01-{1 + i % 28:02d}" if i % 4 else None,
        outlet="Reuters" if i % 2 else None) for i in range(count)])
    project.add_coder("ana")
    if count > 5:
        project.set_status(2, "ana", Status.IN_PROGRESS)
        project.set_status(5, "ana", Status.DONE)
    return project


def _framed(path: Path, settings: Settings, qtbot) -> FirstFrame:  # type: ignore[no-untyped-def]
    frame = show_first_frame(path, settings)
    assert frame is not None
    qtbot.addWidget(frame)
    assert frame.isVisible()
    return frame


def _same_as_window(frame: FirstFrame, path: Path, settings: Settings, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = app.open_window(path, settings)
    assert window is not None
    qtbot.addWidget(window)
    assert window.document_id == frame.glance.document_id
    assert window.view.toPlainText() == frame.article.toPlainText()
    assert window.header.text() == frame.header.text()
    assert window.view.verticalScrollBarPolicy() == frame.article.verticalScrollBarPolicy()
    model = window.doc_model
    shown = min(model.rowCount(), frame.rows.rowCount())
    assert shown == min(model.rowCount(), 60)
    for row in range(shown):
        for column in range(4):
            assert model.data(model.index(row, column)) == \
                frame.rows.item(row, column).text(), (row, column)
    window.close_project()


def test_the_first_frame_shows_what_the_window_then_shows(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.annotator"
    _project(path).close()
    settings = Settings(coder="ana")
    frame = _framed(path, settings, qtbot)
    assert frame.glance.document_id == 1 and frame.rows.rowCount() == 60
    assert frame.rows.item(1, 3).text() == "◐ in progress"
    assert frame.rows.item(4, 3).text() == "● done"
    assert frame.rows.item(3, 0).text() == "(document 4)"  # no title
    _same_as_window(frame, path, settings, qtbot)
    settings.last_document[str(path.resolve())] = 70  # where the coder stopped
    frame = _framed(path, settings, qtbot)
    assert frame.glance.document_id == 70
    _same_as_window(frame, path, settings, qtbot)


def test_an_assigned_coder_and_a_package_see_their_own_list(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "study.annotator"
    project = _project(path, 30)
    study.assign(project, ["ana", "ben"], overlap="20%", seed=3)
    project.close()
    for coder in ("ana", "ben"):
        settings = Settings(coder=coder)
        settings.last_document[str(path.resolve())] = 1  # not in each coder's list
        frame = _framed(path, settings, qtbot)
        assert frame.glance.coder == coder
        _same_as_window(frame, path, settings, qtbot)
    package = tmp_path / "ben.annotator"
    with Project.open(path) as project:
        study.package(project, "ben", package)
    frame = _framed(package, Settings(coder="ana"), qtbot)  # opened by whoever: ben's
    assert frame.glance.coder == "ben"
    _same_as_window(frame, package, Settings(coder="ana"), qtbot)


def test_no_first_frame_where_the_window_must_ask_or_cannot_glance(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import os
    import sqlite3

    path = tmp_path / "p.annotator"
    _project(path, 3).close()
    assert show_first_frame(path, Settings()) is None  # no coder yet: the prompt comes first
    assert show_first_frame(tmp_path / "missing.annotator", Settings(coder="ana")) is None
    assert show_first_frame("postgresql://lab.example/study", Settings(coder="ana")) is None
    lock = path.with_name(path.name + ".lock")  # open in another live process
    lock.write_text(json.dumps({"user": "ben", "host": os.uname().nodename,
                                "pid": os.getppid(), "since": "now"}), encoding="utf-8")
    assert show_first_frame(path, Settings(coder="ana")) is None
    lock.unlink()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 3")  # an older file: migrated by the window first
    conn.close()
    assert show_first_frame(path, Settings(coder="ana")) is None
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert show_first_frame(other, Settings(coder="ana")) is None
    (tmp_path / "empty.annotator").write_bytes(b"")
    assert show_first_frame(tmp_path / "empty.annotator", Settings(coder="ana")) is None


def test_starting_draws_the_frame_then_the_window_takes_its_place(
        qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    path = tmp_path / "p.annotator"
    _project(path, 10).close()
    settings = Settings(coder="ana")
    settings.save()
    seen: dict[str, object] = {}
    original_frame, original_open = app.show_first_frame, app.open_window

    def frame(*args):  # type: ignore[no-untyped-def]
        seen["frame"] = original_frame(*args)
        qtbot.addWidget(seen["frame"])
        return seen["frame"]

    def window(*args):  # type: ignore[no-untyped-def]
        seen["frame shown while the window was built"] = seen["frame"].isVisible()
        seen["window"] = original_open(*args)
        qtbot.addWidget(seen["window"])  # closed and deleted after the test
        return seen["window"]

    def loop(_app) -> int:  # type: ignore[no-untyped-def]
        seen["frame at the loop"] = seen["frame"].isVisible()
        seen["window at the loop"] = seen["window"].isVisible()
        seen["places"] = (seen["frame"].geometry(), seen["window"].geometry())
        seen["window"].close()
        return 0

    monkeypatch.setattr(app, "show_first_frame", frame)
    monkeypatch.setattr(app, "open_window", window)
    monkeypatch.setattr(QApplication, "exec", loop)
    assert app.run(path) == 0
    assert seen["frame shown while the window was built"]
    assert not seen["frame at the loop"] and seen["window at the loop"]
    frame_place, window_place = seen["places"]  # type: ignore[misc]
    assert frame_place == window_place


def test_the_frame_names_the_window_menus() -> None:
    from annotator.ui.window.menu_bar import MENUS

    assert MENU_TITLES == tuple(title for title, _entries in MENUS)


def test_the_first_frame_loads_little_of_annotator(tmp_path) -> None:
    """What makes the frame fast, checked without a clock: drawing it loads neither the
    store's ``Project`` nor the window, nor Qt's ``Qt`` namespace (27 ms at its first use),
    nor (on Linux) platformdirs and dataclasses (7 and 2 ms)."""
    path = tmp_path / "p.annotator"
    _project(path, 3).close()
    script = (
        "import sys\n"
        "import PySide6.QtCore as core\n"
        "from annotator.ui.window.app import application\n"
        "from annotator.ui.window.first_frame import show_first_frame\n"
        "from annotator.ui.window.settings import Settings\n"
        "application()\n"
        "frame = show_first_frame(sys.argv[1], Settings(coder='ana'))\n"
        "assert frame is not None and frame.isVisible()\n"
        "print(sorted(m for m in sys.modules if m.startswith('annotator')))\n"
        "print('Qt' in vars(core))\n"
        "print(sorted({'platformdirs', 'dataclasses'} & set(sys.modules)))\n")
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    modules, namespace, standard = proc.stdout.splitlines()
    for heavy in ("annotator.storage.project", "annotator.ui.window.main_window",
                  "annotator.domain.model", "annotator.ui.coding.article_view"):
        assert f"'{heavy}'" not in modules
    assert namespace == "False"
    if sys.platform.startswith("linux"):  # elsewhere platformdirs finds the settings
        assert standard == "[]"


@pytest.mark.parametrize("text", ["Kremlin says NATO must not expand eastward, again and again",
                                  "e\u0301" * 40, "👩\u200d👩\u200d👧" * 12, "🇺🇦" * 30])
def test_a_headline_is_cut_at_its_end_never_inside_a_character(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    import unicodedata

    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QLabel

    from annotator.ui.coding.looks import elide_end

    metrics = QFontMetrics(QLabel().font())
    assert elide_end(metrics, text, 10_000) == text
    for width in (40, 90, 150):
        cut = elide_end(metrics, text, width)
        assert cut.endswith("…") and text.startswith(cut[:-1])
        rest = text[len(cut) - 1:]
        assert not unicodedata.combining(rest[0]) and rest[0] not in "\u200d\ufe0f"
        assert not cut[:-1].endswith("\u200d")
        if len(cut) > 2:
            assert metrics.horizontalAdvance(cut) <= width


def test_the_frame_cuts_list_cells_in_the_middle_as_the_window_does(qtbot) -> None:  # type: ignore[no-untyped-def]
    """``elide_middle`` (which the first frame can use without Qt's namespace) cuts as
    Qt's ElideMiddle does, at every width, for ASCII, accents and emoji."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QLabel

    from annotator.ui.coding.looks import elide_middle

    font = QLabel().font()
    metrics = QFontMetrics(font)
    titles = ["Vladimir Putin says NATO ignored Russia's security concerns",
              "TheLibertyBeacon.com", "Äpfel und Birnen: Schröder über Grüne, café crème",
              "Kyiv 🇺🇦 and Moscow 🇷🇺 trade blame — AVAILABLE WAVE Ta Te"]
    for title in titles:
        for width in range(24, 420, 5):
            assert elide_middle(font, title, width) == metrics.elidedText(
                title, Qt.TextElideMode.ElideMiddle, width), (title, width)


def test_a_headline_shows_markup_in_a_title_as_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    from annotator.ui.coding.looks import Headline

    header = Headline()
    qtbot.addWidget(header)
    header.show_document("AT&T says <b>no</b> to Tass", "2022-02-02 · R&R <news>")
    assert "AT&amp;T says &lt;b&gt;no&lt;/b&gt; to Tass" in header.text()
    assert "R&amp;R &lt;news&gt;" in header.text()


def test_what_stops_a_frame_never_stops_the_start(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A row the frame cannot show (a status no annotator writes, in a damaged file) means
    no frame; the window opens as it always did."""
    from annotator.ui.window import first_frame

    path = tmp_path / "p.annotator"
    _project(path, 3).close()
    real = first_frame.glance

    def odd(*args):  # type: ignore[no-untyped-def]
        seen = real(*args)
        return type(seen)(seen.coder, seen.document_id, seen.title, seen.date, seen.outlet,
                          seen.text, [(1, "t", None, None, "reviewed")])

    monkeypatch.setattr(first_frame, "glance", odd)
    assert show_first_frame(path, Settings(coder="ana")) is None
    window = app.open_window(path, Settings(coder="ana"))
    assert window is not None
    qtbot.addWidget(window)
    assert window.document_id == 1
    window.close_project()


def test_a_long_assigned_list_opens_on_a_document_no_longer_assigned_as_a_short_one_does(
        qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The last document shown opens only if it is still in the coder's list. A list long
    enough to arrive in parts used to ask only whether the document existed, so a coder
    whose assignments changed reopened a document no longer theirs; the frame, asking the
    list, showed another, and the window then jumped."""
    from annotator.ui.coding import document_model

    monkeypatch.setattr(document_model, "FIRST_ROWS", 3)  # ana's list arrives in parts
    path = tmp_path / "study.annotator"
    project = _project(path, 30)
    study.assign(project, ["ana", "ben"], overlap="0%", seed=3)
    bens_only = next(i for i in project.all_document_ids()
                     if i not in project.document_ids("ana"))
    first = project.document_ids("ana")[0]
    project.close()
    settings = Settings(coder="ana")
    settings.last_document[str(path.resolve())] = bens_only
    frame = _framed(path, settings, qtbot)
    assert frame.glance.document_id == first
    window = app.open_window(path, settings)
    assert window is not None
    qtbot.addWidget(window)
    assert window.doc_model.partial  # the case: the rest of the list still coming
    assert window.document_id == first
    window.close_project()
