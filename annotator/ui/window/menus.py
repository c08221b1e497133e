"""The window's menus and their keyboard shortcuts, declared in one table each."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMessageBox

from annotator import __version__
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Status
from annotator.formats.importers import SUFFIXES
from annotator.paths import location
from annotator.services import actions, study
from annotator.storage import Project
from annotator.ui.window.dialogs import run_import, run_job, show_shortcuts

if TYPE_CHECKING:
    from annotator.ui.window.main_window import MainWindow

KS = QKeySequence.StandardKey


def _action(window: MainWindow, menu, text: str, slot, shortcut=None,  # type: ignore[no-untyped-def]
            name: str | None = None, checkable: bool = False) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setCheckable(checkable)
    action.triggered.connect(slot)
    menu.addAction(action)
    if name:
        window.actions_by_name[name] = action
    return action


def build_menus(w: MainWindow) -> None:
    w.actions_by_name = {}
    bar = w.menuBar()
    file = bar.addMenu("&File")
    _action(w, file, "&New project…", partial(new_project, w), KS.New, "new")
    _action(w, file, "&Open project…", partial(open_project, w), KS.Open, "open")
    _action(w, file, "Open on a ser&ver…", partial(open_on_server, w), "Ctrl+Alt+O",
            "open_server")
    w.recent_menu = file.addMenu("Open &recent")
    file.addSeparator()
    _action(w, file, "&Import files…", partial(import_files, w), "Ctrl+I", "import_files")
    _action(w, file, "Import &folder…", partial(import_folder, w), "Ctrl+Shift+I",
            "import_folder")
    _action(w, file, "&Export…", partial(export_project, w), "Ctrl+E", "export")
    _action(w, file, "Save a &copy…", partial(save_copy, w), None, "save_copy")
    _action(w, file, "&Merge projects…", partial(merge_into, w), None, "merge")
    _action(w, file, "Restore a &backup…", partial(restore_backup, w), None, "restore")
    file.addSeparator()
    _action(w, file, "&Quit", w.close, KS.Quit, "quit")

    edit = bar.addMenu("&Edit")
    undo = w.undo_stack.createUndoAction(w, "&Undo")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    redo = w.undo_stack.createRedoAction(w, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    edit.addActions([undo, redo])
    w.actions_by_name.update(undo=undo, redo=redo)
    edit.addSeparator()
    _action(w, edit, "&Delete span", w.delete_selected_span, "Del", "delete")
    _action(w, edit, "&Resize span to selection", w.resize_selected_span, "Ctrl+R", "resize")
    _action(w, edit, "&Find in article…", w.show_find, KS.Find, "find")
    _action(w, edit, "Find &next", w.find_next, KS.FindNext, "find_next")
    edit.addSeparator()
    _action(w, edit, "Ne&xt span", lambda: w.step_span(1), "Ctrl+]", "next_span")
    _action(w, edit, "Pre&vious span", lambda: w.step_span(-1), "Ctrl+[", "previous_span")

    coding = bar.addMenu("&Coding")
    _action(w, coding, "&Previous document", lambda: w.step_document(-1), "Alt+Left", "previous")
    _action(w, coding, "&Next document", lambda: w.step_document(1), "Alt+Right", "next")
    _action(w, coding, "Mark &done and open next", w.mark_done_and_next, "Ctrl+Return", "done")
    _action(w, coding, "Mark in &progress", lambda: w.set_status(Status.IN_PROGRESS), None,
            "in_progress")
    coding.addSeparator()
    _action(w, coding, "&Switch coder…", lambda: w.switch_coder(), "Ctrl+Shift+C", "coder")
    _action(w, coding, "&Blind coding (only my spans)", w.set_blind, None, "blind", True)
    _action(w, coding, "&Compare with coders…", lambda: w.compare_with(), "Ctrl+Shift+M",
            "compare")
    _action(w, coding, "&Stop comparing", lambda: w.compare_with(""), None, "stop_compare")
    coding.addSeparator()
    _action(w, coding, "Accept selected span into &gold", lambda: w.accept_span_into_gold(),
            "Ctrl+G", "accept_span")
    _action(w, coding, "Accept compared coder's document into gold",
            lambda: w.accept_coder_into_gold(), "Ctrl+Shift+G", "accept_document")
    _action(w, coding, "Accept what &all coders agree on into gold",
            lambda: w.accept_agreed_into_gold(), "Ctrl+Alt+G", "accept_agreed")
    _action(w, coding, "Accept what a &majority agrees on into gold",
            lambda: w.accept_agreed_into_gold(majority=True), None, "accept_majority")

    tools = bar.addMenu("&Tools")
    _action(w, tools, "&Agreement…", lambda: w.open_agreement(), "Ctrl+Shift+A", "agreement")
    _action(w, tools, "Check against &gold (training)…", lambda: w.check_against_gold(),
            "Ctrl+Shift+T", "check_gold")
    _action(w, tools, "&Study design and progress…", lambda: w.open_study(), None, "study")
    _action(w, tools, "Near-&duplicates…", lambda: _open_duplicates(w), "Ctrl+Shift+D",
            "duplicates")
    tools.addSeparator()
    _action(w, tools, "Search &corpus…", lambda: _open_panel(w, "find.search_window",
                                                             "open_search"),
            "Ctrl+Shift+F", "search_corpus")
    _action(w, tools, "Coded s&egments…", lambda: _open_panel(w, "find.segments_window",
                                                              "open_segments"),
            "Ctrl+Shift+S", "segments")
    _action(w, tools, "C&harts…", lambda: _open_panel(w, "find.charts_window", "open_charts"),
            "Ctrl+Shift+J", "charts")

    view = bar.addMenu("&View")
    _action(w, view, "Go to &article", w.focus_article, "Ctrl+1", "focus_article")
    _action(w, view, "Go to selected &span's fields", w.focus_span_editor, "Ctrl+2",
            "focus_span")
    _action(w, view, "Go to document &variables", w.focus_variables, "Ctrl+3",
            "focus_variables")
    _action(w, view, "Go to document &list", w.focus_documents, "Ctrl+L", "focus_documents")
    _action(w, view, "Go to the list's &filter", lambda: _focus_filter(w), "Ctrl+4",
            "focus_filter")
    view.addSeparator()
    _action(w, view, "Show document &list", lambda on: w.left_panel.setVisible(on),
            "Ctrl+Shift+L",
            "toggle_documents", True).setChecked(True)
    _action(w, view, "Show &codebook and fields", lambda on: w.right_panel.setVisible(on),
            "Ctrl+Shift+K",
            "toggle_fields", True).setChecked(True)
    view.addSeparator()
    _action(w, view, "Zoom &in", lambda: w.zoom(1), "Ctrl+=", "zoom_in").setShortcuts(
        [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
    _action(w, view, "Zoom &out", lambda: w.zoom(-1), "Ctrl+-", "zoom_out")
    _action(w, view, "&Reset zoom", lambda: w.zoom(0), "Ctrl+0", "zoom_reset")
    _action(w, view, "Highlight &keywords…",
            lambda: _open_panel(w, "find.keywords", "edit_keywords"), "Ctrl+Shift+H", "keywords")
    snap = _action(w, view, "&Snap selections to words", partial(set_snap, w), None, "snap",
                   True)
    snap.setChecked(w.settings.snap_to_words)

    help_ = bar.addMenu("&Help")
    _action(w, help_, "&Keyboard shortcuts", partial(shortcuts, w), "F1", "shortcuts")
    _action(w, help_, "&About annotator", partial(about, w), None, "about")


def refresh_recent_menu(w: MainWindow) -> None:
    w.recent_menu.clear()
    for name in w.settings.recent_projects:
        action = w.recent_menu.addAction(name)
        action.triggered.connect(partial(_open_path, w, location(name)))
    w.recent_menu.setEnabled(bool(w.settings.recent_projects))


def _open_path(w: MainWindow, path: Path | str) -> None:
    try:
        w.open_project_path(path)
    except AnnotatorError as exc:
        QMessageBox.warning(w, "Cannot open project", str(exc))


def new_project(w: MainWindow) -> None:
    name, _ = QFileDialog.getSaveFileName(w, "New project", str(Path.home() / "project.annotator"),
                                          "annotator projects (*.annotator)")
    if not name:
        return
    path = Path(name).with_suffix(".annotator")
    scheme, _ = QFileDialog.getOpenFileName(w, "Coding scheme (cancel for the default)", "",
                                            "Coding schemes (*.yaml *.yml *.json)")
    try:
        project = actions.new_project(path, Path(scheme) if scheme else None)
    except AnnotatorError as exc:
        QMessageBox.warning(w, "Cannot create project", str(exc))
        return
    w.set_project(project)


def open_project(w: MainWindow) -> None:
    name, _ = QFileDialog.getOpenFileName(w, "Open project", "", "annotator projects "
                                          "(*.annotator);;All files (*)")
    if name:
        _open_path(w, Path(name))


def open_on_server(w: MainWindow) -> None:
    """A project on a lab's PostgreSQL server; the password comes from ~/.pgpass or
    PGPASSWORD, never from this box."""
    last = next((p for p in w.settings.recent_projects if p.startswith("postgres")), "")
    url, ok = QInputDialog.getText(
        w, "Open on a server", "Location (postgresql://YOU@HOST/DATABASE; the password comes "
        "from ~/.pgpass or PGPASSWORD):", text=last or "postgresql://")
    if ok and url.strip():
        _open_path(w, url.strip())


def _focus_filter(w: MainWindow) -> None:
    """The filter box, its text selected: typing replaces it, Enter or a pause filters."""
    w.left_panel.setVisible(True)
    w.actions_by_name["toggle_documents"].setChecked(True)
    w.search_box.setFocus()
    w.search_box.selectAll()


def _open_panel(w: MainWindow, module: str, opener: str) -> None:
    """A tool's panel, imported when first wanted (not at start)."""
    import importlib

    getattr(importlib.import_module(f"annotator.ui.{module}"), opener)(w)


def _open_duplicates(w: MainWindow) -> None:
    from annotator.ui.find.duplicates_window import open_duplicates

    open_duplicates(w)


def _import(w: MainWindow, sources: list[Path]) -> None:
    """Read the files, show what was found, and import it only if the user says so."""
    from annotator.ui.window.import_preview import ImportPreview

    if not sources:
        return
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        found = actions.preview_import(sources, scheme=w.project.scheme)
    except AnnotatorError as exc:
        QApplication.restoreOverrideCursor()
        QMessageBox.warning(w, "Cannot import", f"{exc}\n\nNothing was imported.")
        return
    QApplication.restoreOverrideCursor()
    if ImportPreview(w, found).exec() != QDialog.DialogCode.Accepted:
        return
    if run_import(w, w.project.location, sources):
        w.doc_model.reload()
        if w.document_id is None and w.doc_model.ids:
            w.show_document(w.doc_model.ids[0])
        w._select_list_row()
        w._update_status_bar()


def import_files(w: MainWindow) -> None:
    names, _ = QFileDialog.getOpenFileNames(w, "Import files", "",
                                            f"Articles ({' '.join('*' + x for x in SUFFIXES)})")
    _import(w, [Path(n) for n in names])


def import_folder(w: MainWindow) -> None:
    name = QFileDialog.getExistingDirectory(w, "Import a folder (searched recursively)")
    _import(w, [Path(name)] if name else [])


EXPORT_FILTERS = {
    "Spans, one row each (*.csv)": ("spans-csv", ".csv"),
    "Spans for Excel (*.csv)": ("spans-csv-excel", ".csv"),
    "Document × coder matrix, with its data dictionary (*.csv)": ("matrix-csv", ".csv"),
    "Document × coder matrix for SPSS, with labels (*.sav)": ("spss", ".sav"),
    "Document × coder matrix for Stata, with labels (*.dta)": ("stata", ".dta"),
    "JSON lines, re-importable (*.jsonl)": ("jsonl", ".jsonl"),
    "brat standoff, a folder per coder (*)": ("brat", ""),
    "REFI-QDA for ATLAS.ti, NVivo, QualCoder (*.qdpx)": ("qdpx", ".qdpx"),
    "REFI-QDA for MAXQDA, Windows line breaks (*.qdpx)": ("qdpx-crlf", ".qdpx"),
    "Codebook, Markdown (*.md)": ("codebook-md", ".md"),
    "Codebook, HTML (*.html)": ("codebook-html", ".html"),
}


def export_project(w: MainWindow) -> None:
    name, chosen = QFileDialog.getSaveFileName(w, "Export", str(w.project.beside("")),
                                               ";;".join(EXPORT_FILTERS))
    if not name:
        return
    fmt, suffix = EXPORT_FILTERS.get(chosen, ("spans-csv", ".csv"))
    excel = fmt.endswith("-excel")
    line_endings = "crlf" if fmt.endswith("-crlf") else "lf"
    fmt = fmt.removesuffix("-excel").removesuffix("-crlf")
    path = Path(name) if Path(name).suffix or not suffix else Path(name + suffix)
    count, error = run_job(w, "Export", w.project.location, lambda project, progress, cancelled:
                           actions.export(project, fmt, path, excel=excel,
                                          line_endings=line_endings, progress=progress,
                                          cancelled=cancelled))
    if error:
        QMessageBox.warning(w, "Export failed", f"{error}\n\nNo file was written.")
    elif count is not None:
        w.statusBar().showMessage(f"Exported to {path}", 8000)


def save_copy(w: MainWindow) -> None:
    name, _ = QFileDialog.getSaveFileName(
        w, "Save a copy (for another coder, or a backup)",
        str(w.project.beside("-copy.annotator")),
        "annotator projects (*.annotator)")
    if name:
        try:
            w.project.save_copy(Path(name))
            w.statusBar().showMessage(f"Saved a copy as {name}", 8000)
        except AnnotatorError as exc:
            QMessageBox.warning(w, "No copy saved", str(exc))


def restore_backup(w: MainWindow, choice: int | None = None) -> None:
    """Put the project back as a backup holds it; the state before is backed up first."""
    from annotator.storage.sqlite import backup

    settings = w.settings
    if w.project.on_server:
        QMessageBox.information(w, "Restore a backup", "This project is on a server: its "
                                "administrator keeps its backups. File → Save a copy makes "
                                "a file of it as it is now.")
        return
    found = backup.list_backups(w.project.path, settings.backups_beside)
    if not found:
        folder = backup.backup_folder(w.project.path, settings.backups_beside)
        QMessageBox.information(w, "Restore a backup", "There is no backup of this project "
                                f"yet (they are made when it opens, in {folder}).")
        return
    if choice is None:
        items = [f"{b.made:%Y-%m-%d %H:%M:%S}  ({b.size / 1e6:.1f} MB)" for b in found]
        item, ok = QInputDialog.getItem(w, "Restore a backup", "Put the project back as it "
                                        "was at (the state now is backed up first):", items, 0,
                                        False)
        if not ok:
            return
        choice = items.index(item)
    path = w.project.path
    w.bridge.detach()
    w.doc_model.close()  # the list's own connection, too, before the file is replaced
    w.project.close()
    try:
        backup.restore_backup(found[choice].path, path, keep=settings.backups_keep,
                              beside=settings.backups_beside)
    except AnnotatorError as exc:
        QMessageBox.warning(w, "Not restored", str(exc))
    w.bridge = None  # set_project must not close the project a second time
    w.set_project(Project.open(path))
    w.statusBar().showMessage(f"Restored the backup of {found[choice].made:%Y-%m-%d %H:%M}.",
                              8000)


def merge_into(w: MainWindow) -> None:
    names, _ = QFileDialog.getOpenFileNames(w, "Merge other coders' projects into this one", "",
                                            "annotator projects (*.annotator)")
    if not names:
        return
    result, error = run_job(w, "Merge", w.project.location, lambda project, progress, cancelled:
                            study.merge_projects(project, [Path(n) for n in names]))
    if error:
        QMessageBox.warning(w, "Nothing was merged", error)
        return
    if result is not None:
        counts = result.counts()
        said = [f"{result.documents_added} new documents, {result.spans_added} spans, "
                f"{result.values_added} variable values; coders' documents: {counts['add']} "
                f"added, {result.replaced} replaced, {counts['keep']} kept.",
                *result.scheme_notes]
        said += [str(d) for d in result.decisions if d.action == "replace"][:15]
        if result.backup:
            said.append(f"The project as it was before the merge: {result.backup}")
        QMessageBox.information(w, "Merged", "\n".join(said))
        w.doc_model.reload()
        w.show_document(w.document_id)


def set_snap(w: MainWindow, on: bool) -> None:
    w.settings.snap_to_words = w.view.snap_words = on


def shortcut_rows(w: MainWindow) -> list[tuple[str, str]]:
    rows = []
    for key, (category, label) in w.project.scheme.shortcuts().items():
        what = f"code the selection as {category.name}" + (f" · {label.name}" if label else "")
        if label:
            what += " (or relabel the selected span)"
        rows.append((key, what))
    rows.append(("Shift+arrows, Ctrl+Shift+arrows", "select by character, by word"))
    for action in w.actions_by_name.values():
        if not action.shortcut().isEmpty():
            rows.append((action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                         action.text().replace("&", "")))
    return rows


def shortcuts(w: MainWindow) -> None:
    show_shortcuts(w, shortcut_rows(w))


def about(w: MainWindow) -> None:
    QMessageBox.about(w, "About annotator",
                      f"annotator {__version__}\nHand-coding of news articles.\n"
                      f"Project: {w.project.location}")
