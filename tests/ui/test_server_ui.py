"""The window on a project on a PostgreSQL server: coding stored on the server, other
coders' changes shown as they happen (LISTEN/NOTIFY), and a server that goes away in the
middle of a session: the actions wait in order, are saved when it is back, and any the
server refuses are named with the reason. Nothing is dropped silently."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt

from annotator.domain.assignment import Plan
from annotator.domain.model import Status
from annotator.services import actions
from annotator.storage import Project
from annotator.storage.postgres import server
from annotator.storage.sqlite.database import now
from tests.conftest import SEEDS
from tests.ui.conftest import drag_select

pytest.importorskip("psycopg")


@pytest.fixture
def team(pg_server, pg_url, monkeypatch):  # type: ignore[no-untyped-def]
    """The seeds on the server; ana and ben are coder roles, ana on documents 1-3."""
    tag = uuid.uuid4().hex[:6]
    names = {"ana": f"ana_{tag}", "ben": f"ben_{tag}"}
    with actions.new_project(pg_url) as project:
        actions.import_paths(project, [SEEDS])
        server.init(project.db)
        made = {k: server.add_coder(project.db, n, created_at=now()) for k, n in names.items()}
        project.set_assignments(Plan(order={names["ana"]: [1, 2, 3], names["ben"]: [2, 4, 5]},
                                     reliability={2}))
    monkeypatch.setenv("PGPASSWORD", made["ana"].password)
    url = pg_server.as_user(pg_url, names["ana"])
    yield {"owner": pg_url, "ana": url, "names": names, "server": pg_server}
    pg_server.drop_database(pg_url)
    pg_server.drop_project_roles(pg_url, list(names.values()))


def open_window_on(url: str, qtbot, coder: str | None = None):  # type: ignore[no-untyped-def]
    from tests.ui.conftest import open_window_at

    return open_window_at(url, qtbot, coder)


def ana_to_be_cut_off(team, qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    """ana's window, its warnings collected and its retries left to the test, on a server
    the test may stop."""
    from PySide6.QtWidgets import QMessageBox

    if not team["server"].can_restart:
        pytest.skip("the test server is not ours to stop (ANNOTATOR_TEST_POSTGRESQL)")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    window = open_window_on(team["ana"], qtbot)
    window.server_link.timer.setInterval(60_000)  # the test says when to try again
    return window, warnings


def code_word(window, qtbot, word: str) -> None:  # type: ignore[no-untyped-def]
    text = window.view.text
    start = text.index(word)
    drag_select(qtbot, window.view, start, start + len(word))
    qtbot.keyClick(window.view, Qt.Key.Key_S)


def stored(url: str, doc: int) -> list[str]:
    with Project.open(url, read_only=True) as project:
        return [s.text for s in project.spans(doc)]


def test_a_coder_codes_on_the_server_as_their_role(team, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window_on(team["ana"], qtbot)
    assert window.coder == team["names"]["ana"]  # the role says who codes
    assert window.doc_model.ids == [1, 2, 3]
    assert "postgresql://" in window.windowTitle()
    window.show_document(1)
    code_word(window, qtbot, "Putin")
    assert stored(team["owner"], 1) == ["Putin"]
    assert window.saved_label.text() == "✓ saved"
    window.close()


def test_other_coders_progress_shows_as_it_happens(team, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window_on(team["owner"], qtbot, "carla")  # the coordinator's window
    window.study.open_study()
    dialog = window.study.study_window
    qtbot.addWidget(dialog)
    ben = team["names"]["ben"]

    def bens_done() -> str:
        rows = {dialog.progress.item(r, 0).text(): r for r in range(dialog.progress.rowCount())}
        return dialog.progress.item(rows[ben], 2).text()

    assert bens_done() == "0"
    with Project.open(team["owner"]) as elsewhere:  # another coder's window, another process
        elsewhere.set_status(4, ben, Status.DONE)
    qtbot.waitUntil(lambda: bens_done() == "1", timeout=5000)  # no polling: NOTIFY
    window.close()


def test_the_server_goes_away_and_comes_back_mid_session(team, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    if not team["server"].can_restart:
        pytest.skip("the test server is not ours to stop (ANNOTATOR_TEST_POSTGRESQL)")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    window = open_window_on(team["ana"], qtbot)
    window.show_document(1)
    code_word(window, qtbot, "Putin")  # saved before the server goes
    team["server"].stop_now()
    try:
        code_word(window, qtbot, "Kremlin")
        code_word(window, qtbot, "NATO")
        assert window.saved_label.text() == ("✗ not saved — reconnecting (2 actions waiting, "
                                             "kept in order)")
        assert "1. Add Speaker span\n2. Add Speaker span" in window.saved_label.toolTip()
        window.show_document(1)
    finally:
        team["server"].start_again()
    qtbot.waitUntil(lambda: not window.server_link.waiting, timeout=15000)
    assert sorted(stored(team["owner"], 1)) == ["Kremlin", "NATO", "Putin"]
    assert window.saved_label.text() == "✓ saved"
    assert window.undo_stack.count() == 3 and not warnings  # each one undoable, in order:
    assert [window.undo_stack.command(i).span.text for i in range(3)] == \
        ["Putin", "Kremlin", "NATO"]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sorted(stored(team["owner"], 1)) == ["Kremlin", "Putin"]  # NATO's undone
    window.close()


def test_actions_the_server_refuses_after_it_is_back_are_named(team, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window, warnings = ana_to_be_cut_off(team, qtbot, monkeypatch)
    window.show_document(3)
    team["server"].stop_now()
    try:
        code_word(window, qtbot, "Kremlin")
    finally:
        team["server"].start_again()
    ana, ben = team["names"]["ana"], team["names"]["ben"]
    with Project.open(team["owner"]) as coordinator:  # meanwhile: document 3 goes to ben
        coordinator.set_assignments(Plan(order={ana: [1, 2], ben: [2, 3, 4, 5]},
                                         reliability={2}))
    window.server_link.retry()
    assert not window.server_link.waiting and stored(team["owner"], 3) == []
    assert len(warnings) == 1
    assert "Add Speaker span" in warnings[0] and "row-level security" in warnings[0]
    window.close()


def test_open_on_a_server_from_the_file_menu(team, qtbot, make_window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    window = make_window()  # a file first, as the coder's window usually starts
    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: (asked.append(k.get("text", "")) or (team["ana"], True)))
    window.actions_by_name["open_server"].trigger()
    assert window.project.on_server and window.coder == team["names"]["ana"]
    assert window.settings.recent_projects[0] == team["ana"]  # reopened from File → Recent
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    window.coder_panel.switch_coder("ben")  # a coder on a server codes as their own role
    assert window.coder == team["names"]["ana"] and "the role you connected as" in told[0]
    window.close()


def test_every_kind_of_action_waits_while_the_server_is_away(team, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Mark done, mark in progress, a document variable, the document memo, a label, an
    attribute and a span memo: each is kept in order while the server is away (they used
    to read from the server first, fail, and vanish) and saved when it is back."""
    window, warnings = ana_to_be_cut_off(team, qtbot, monkeypatch)
    window.show_document(2)
    code_word(window, qtbot, "Putin")  # saved before the server goes
    span = window.spans[0]
    team["server"].stop_now()
    try:
        window.coding.set_status(Status.IN_PROGRESS)  # Coding → Mark in progress
        window.coding.set_variable("tone", "negative")
        window.coding.set_document_memo("Check the quote against the wire copy.")
        window.coding.relabel(span.id, None)
        window.coding.set_attribute(span.id, "actor", "putin")
        window.coding.set_span_memo(span.id, "the president himself")
        qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert window.server_link.waiting and len(window.server_link.outbox) == 7
        assert window.saved_label.text() == ("✗ not saved — reconnecting (7 actions waiting, "
                                             "kept in order)")
    finally:
        team["server"].start_again()
    window.server_link.retry()
    assert not window.server_link.waiting and not warnings
    ana = team["names"]["ana"]
    with Project.open(team["owner"], read_only=True) as project:
        assert project.status(2, ana) is Status.DONE  # in progress, then done: in order
        assert project.variables(2, ana) == {"tone": "negative"}
        assert project.document_memo(2, ana) == "Check the quote against the wire copy."
        stored_span = project.span(span.id)
        assert stored_span.attributes.get("actor") == "putin"
        assert stored_span.memo == "the president himself"
    assert window.undo_stack.count() == 8  # each one undoable
    window.undo_stack.undo()  # done → in progress again, read when it was applied
    with Project.open(team["owner"], read_only=True) as project:
        assert project.status(2, ana) is Status.IN_PROGRESS
    window.close()
