"""The window's menu bar, declared as data: each menu a list of entries (text, what it does
with the window, shortcut, name in ``actions_by_name``), separators and the two places that
Qt fills itself (the undo stack's Undo/Redo, the recent projects). ``build_menus`` turns the
table into QActions; the help's shortcut list reads them back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence

from annotator.domain.model import Status
from annotator.ui.window import menus as m

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from annotator.ui.window.main_window import MainWindow

KS = QKeySequence.StandardKey
Shortcut = str | QKeySequence.StandardKey | tuple[str, ...] | None


@dataclass(frozen=True)
class Entry:
    text: str
    run: Callable[..., Any]  # given the window (and, for a toggle, whether it is now on)
    shortcut: Shortcut = None
    name: str | None = None
    toggle: bool = False
    checked: Callable[[MainWindow], bool] | None = None  # a toggle's state at start


SEPARATOR = "-"
UNDO_REDO = "undo and redo"  # the undo stack's own actions
RECENT = "recent projects"  # the submenu refresh_recent_menu fills


def _panel(module: str, opener: str) -> Callable[[MainWindow], None]:
    return lambda w: m.open_panel(w, module, opener)


MENUS: tuple[tuple[str, tuple[Entry | str, ...]], ...] = (
    ("&File", (
        Entry("&New project…", m.new_project, KS.New, "new"),
        Entry("&Open project…", m.open_project, KS.Open, "open"),
        Entry("Open on a ser&ver…", m.open_on_server, "Ctrl+Alt+O", "open_server"),
        RECENT,
        SEPARATOR,
        Entry("&Import files…", m.import_files, "Ctrl+I", "import_files"),
        Entry("Import &folder…", m.import_folder, "Ctrl+Shift+I", "import_folder"),
        Entry("&Export…", m.export_project, "Ctrl+E", "export"),
        Entry("Save a &copy…", m.save_copy, None, "save_copy"),
        Entry("&Merge projects…", m.merge_into, None, "merge"),
        Entry("Restore a &backup…", m.restore_backup, None, "restore"),
        SEPARATOR,
        Entry("&Quit", lambda w: w.close(), KS.Quit, "quit"),
    )),
    ("&Edit", (
        UNDO_REDO,
        SEPARATOR,
        Entry("&Delete span", lambda w: w.coding.delete_selected_span(), "Del", "delete"),
        Entry("&Resize span to selection", lambda w: w.coding.resize_selected_span(), "Ctrl+R",
              "resize"),
        Entry("&Find in article…", lambda w: w.navigation.show_find(), KS.Find, "find"),
        Entry("Find &next", lambda w: w.navigation.find_next(), KS.FindNext, "find_next"),
        SEPARATOR,
        Entry("Ne&xt span", lambda w: w.navigation.step_span(1), "Ctrl+]", "next_span"),
        Entry("Pre&vious span", lambda w: w.navigation.step_span(-1), "Ctrl+[", "previous_span"),
    )),
    ("&Coding", (
        Entry("&Previous document", lambda w: w.coding.step_document(-1), "Alt+Left", "previous"),
        Entry("&Next document", lambda w: w.coding.step_document(1), "Alt+Right", "next"),
        Entry("Mark &done and open next", lambda w: w.coding.mark_done_and_next(), "Ctrl+Return",
              "done"),
        Entry("Mark in &progress", lambda w: w.coding.set_status(Status.IN_PROGRESS), None,
              "in_progress"),
        SEPARATOR,
        Entry("&Switch coder…", lambda w: w.coder_panel.switch_coder(), "Ctrl+Shift+C",
              "coder"),
        Entry("&Blind coding (only my spans)", lambda w, on: w.coder_panel.set_blind(on), None,
              "blind", toggle=True),
        Entry("Suggest s&peakers (Enter accepts, Shift+Enter rejects)",
              lambda w, on: w.actions_by_name["suggest"].setChecked(w.suggestions.set_on(on)),
              "Ctrl+Shift+P", "suggest", toggle=True),
        Entry("…&learned from the coding (at least 50 speaker spans)",
              lambda w, on: w.suggestions.set_learned(on), None, "suggest_learned",
              toggle=True),
        Entry("Next &uncertain document (the model's least sure)",
              lambda w: w.suggestions.next_uncertain(), "Ctrl+Shift+U", "next_uncertain"),
        Entry("&Compare with coders…", lambda w: w.study.compare_with(), "Ctrl+Shift+M",
              "compare"),
        Entry("&Stop comparing", lambda w: w.study.compare_with(""), None, "stop_compare"),
        SEPARATOR,
        Entry("Accept selected span into &gold", lambda w: w.study.accept_span_into_gold(),
              "Ctrl+G", "accept_span"),
        Entry("Accept compared coder's document into gold",
              lambda w: w.study.accept_coder_into_gold(), "Ctrl+Shift+G", "accept_document"),
        Entry("Accept what &all coders agree on into gold",
              lambda w: w.study.accept_agreed_into_gold(), "Ctrl+Alt+G", "accept_agreed"),
        Entry("Accept what a &majority agrees on into gold",
              lambda w: w.study.accept_agreed_into_gold(majority=True), None, "accept_majority"),
    )),
    ("&Tools", (
        Entry("&Agreement…", lambda w: w.study.open_agreement(), "Ctrl+Shift+A", "agreement"),
        Entry("Check against &gold (training)…", lambda w: w.study.check_against_gold(),
              "Ctrl+Shift+T", "check_gold"),
        Entry("&Study design and progress…", lambda w: w.study.open_study(), None, "study"),
        Entry("Near-&duplicates…", m.open_duplicates, "Ctrl+Shift+D", "duplicates"),
        SEPARATOR,
        Entry("Search &corpus…", _panel("find.search_window", "open_search"),
              "Ctrl+Shift+F", "search_corpus"),
        Entry("Coded s&egments…", _panel("find.segments_window", "open_segments"),
              "Ctrl+Shift+S", "segments"),
        Entry("C&harts…", _panel("find.charts_window", "open_charts"), "Ctrl+Shift+J",
              "charts"),
    )),
    ("&View", (
        Entry("Go to &article", lambda w: w.navigation.focus_article(), "Ctrl+1", "focus_article"),
        Entry("Go to selected &span's fields", lambda w: w.navigation.focus_span_editor(), "Ctrl+2",
              "focus_span"),
        Entry("Go to document &variables", lambda w: w.navigation.focus_variables(), "Ctrl+3",
              "focus_variables"),
        Entry("Go to document &list", lambda w: w.navigation.focus_documents(), "Ctrl+L",
              "focus_documents"),
        Entry("Go to the list's &filter", m.focus_filter, "Ctrl+4", "focus_filter"),
        SEPARATOR,
        Entry("Show document &list", lambda w, on: w.left_panel.setVisible(on),
              "Ctrl+Shift+L", "toggle_documents", toggle=True, checked=lambda w: True),
        Entry("Show &codebook and fields", lambda w, on: w.right_panel.setVisible(on),
              "Ctrl+Shift+K", "toggle_fields", toggle=True, checked=lambda w: True),
        SEPARATOR,
        Entry("Zoom &in", lambda w: w.navigation.zoom(1), ("Ctrl+=", "Ctrl++"), "zoom_in"),
        Entry("Zoom &out", lambda w: w.navigation.zoom(-1), "Ctrl+-", "zoom_out"),
        Entry("&Reset zoom", lambda w: w.navigation.zoom(0), "Ctrl+0", "zoom_reset"),
        Entry("Highlight &keywords…", _panel("find.keywords", "edit_keywords"),
              "Ctrl+Shift+H", "keywords"),
        Entry("&Snap selections to words", m.set_snap, None, "snap", toggle=True,
              checked=lambda w: bool(w.settings.snap_to_words)),
    )),
    ("&Help", (
        Entry("&Keyboard shortcuts", m.shortcuts, "F1", "shortcuts"),
        Entry("&About annotator", m.about, None, "about"),
    )),
)


def build_menus(w: MainWindow) -> None:
    """The menu bar from ``MENUS``; every named action into ``w.actions_by_name``."""
    w.actions_by_name = {}
    bar = w.menuBar()
    for title, entries in MENUS:
        menu = bar.addMenu(title)
        for entry in entries:
            if entry == SEPARATOR:
                menu.addSeparator()
            elif entry == RECENT:
                w.recent_menu = menu.addMenu("Open &recent")
            elif entry == UNDO_REDO:
                _undo_redo(w, menu)
            elif isinstance(entry, Entry):
                _add(w, menu, entry)


def _add(w: MainWindow, menu: QMenu, entry: Entry) -> QAction:
    action = QAction(entry.text, w)
    if isinstance(entry.shortcut, tuple):
        action.setShortcuts([QKeySequence(s) for s in entry.shortcut])
    elif entry.shortcut is not None:
        action.setShortcut(QKeySequence(entry.shortcut))
    action.setCheckable(entry.toggle)
    if entry.checked is not None:
        action.setChecked(entry.checked(w))
    if entry.toggle:  # given whether it is now on, read from the action itself
        action.triggered.connect(lambda _on=False, run=entry.run, a=action: run(w, a.isChecked()))
    else:
        action.triggered.connect(lambda _on=False, run=entry.run: run(w))
    menu.addAction(action)
    if entry.name:
        w.actions_by_name[entry.name] = action
    return action


def _undo_redo(w: MainWindow, menu: QMenu) -> None:
    undo = w.undo_stack.createUndoAction(w, "&Undo")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    redo = w.undo_stack.createRedoAction(w, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    menu.addActions([undo, redo])
    w.actions_by_name.update(undo=undo, redo=redo)
