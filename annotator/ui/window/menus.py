"""What the window's menus do: opening, importing, exporting, copying, merging and restoring
projects, the panels opened on demand, snapping, the shortcut list and About. The menus
themselves are declared in ``menu_bar.py``."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMessageBox

from annotator import __version__
from annotator.domain.errors import AnnotatorError
from annotator.paths import location
from annotator.services import actions
from annotator.storage import Project

if TYPE_CHECKING:
    from annotator.ui.window.main_window import MainWindow



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


def focus_filter(w: MainWindow) -> None:
    """The filter box, its text selected: typing replaces it, Enter or a pause filters."""
    w.left_panel.setVisible(True)
    w.actions_by_name["toggle_documents"].setChecked(True)
    w.search_box.setFocus()
    w.search_box.selectAll()


def open_panel(w: MainWindow, module: str, opener: str) -> None:
    """A tool's panel, imported when first wanted (not at start)."""
    import importlib

    getattr(importlib.import_module(f"annotator.ui.{module}"), opener)(w)


def open_duplicates(w: MainWindow) -> None:
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
    from annotator.ui.window.dialogs import run_import  # loads when first used

    if run_import(w, w.project.location, sources):
        w.doc_model.reload()
        if w.document_id is None and w.doc_model.ids:
            w.show_document(w.doc_model.ids[0])
        w.documents.select(w.document_id)
        w.update_status_bar()


def import_files(w: MainWindow) -> None:
    from annotator.formats.importers import SUFFIXES  # when asked, not at start

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
    from annotator.ui.window.dialogs import run_job  # loads when first used

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
    w.close_project()  # the list's own connection, too, before the file is replaced
    try:
        backup.restore_backup(found[choice].path, path, keep=settings.backups_keep,
                              beside=settings.backups_beside)
    except AnnotatorError as exc:
        QMessageBox.warning(w, "Not restored", str(exc))
    w.set_project(Project.open(path))
    w.statusBar().showMessage(f"Restored the backup of {found[choice].made:%Y-%m-%d %H:%M}.",
                              8000)


def merge_into(w: MainWindow) -> None:
    names, _ = QFileDialog.getOpenFileNames(w, "Merge other coders' projects into this one", "",
                                            "annotator projects (*.annotator)")
    if not names:
        return
    from annotator.services import study  # merging loads what it needs when asked
    from annotator.ui.window.dialogs import run_job  # loads when first used

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
    from annotator.ui.window.dialogs import show_shortcuts  # loads when first used

    show_shortcuts(w, shortcut_rows(w))


def about(w: MainWindow) -> None:
    QMessageBox.about(w, "About annotator",
                      f"annotator {__version__}\nHand-coding of news articles.\n"
                      f"Project: {w.project.location}")
