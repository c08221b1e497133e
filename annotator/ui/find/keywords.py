"""View → Highlight keywords (Ctrl+Shift+H): terms shown in every article as a reading aid
(blue letters, dotted underline), in the search's own language, one per line; typed or loaded
from a text file. They are a setting of the user, never spans, and never exported.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from annotator.domain.corpus_query import Query, QueryError, parse

if TYPE_CHECKING:
    from annotator.ui.find.context import FindContext


def keyword_query(lines: list[str]) -> Query | None:
    """One query matching any of ``lines`` (each a word, prefix* or "phrase"), or None for
    none; ``QueryError`` names the first line it cannot read."""
    terms = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            parse(line)
        except QueryError as exc:
            raise QueryError(f"line {number} ({line.strip()!r}): {exc}") from exc
        terms.append(f"({line})")
    return parse(" OR ".join(terms)) if terms else None


class KeywordsDialog(QDialog):
    def __init__(self, window: FindContext) -> None:
        super().__init__(window.window())
        self.window_ = window
        self.setWindowTitle("Highlight keywords")
        intro = QLabel("One term per line, shown in blue in every article; words, "
                       "\"phrases\" and prefixes (Stolten*); case and accents are ignored; "
                       "a line starting with # is a comment. Keywords are never stored as "
                       "spans.")
        intro.setWordWrap(True)
        self.edit = QPlainTextEdit("\n".join(window.settings.keywords))
        self.error = QLabel()
        self.error.setStyleSheet("color: #c00000")
        load = QPushButton("&Load from file…")
        load.clicked.connect(self.load)
        clear = QPushButton("C&lear")
        clear.clicked.connect(self.edit.clear)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(load, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(clear, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, 420)

    def load(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Keywords", "", "Text files (*.txt);;"
                                              "All files (*)")
        if not name:
            return
        try:
            text = Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.error.setText(f"{name}: cannot be read as UTF-8 text ({exc})")
            return
        self.edit.setPlainText(text)

    def accept(self) -> None:
        lines = self.edit.toPlainText().splitlines()
        try:
            query = keyword_query(lines)
        except QueryError as exc:
            self.error.setText(str(exc))
            return
        w = self.window_
        w.settings.keywords = [line for line in lines if line.strip()]
        w.settings.save()
        apply_keywords(w, query)
        super().accept()


def apply_keywords(window: FindContext, query: Query | None = None) -> None:
    if query is None and window.settings.keywords:
        try:
            query = keyword_query(window.settings.keywords)
        except QueryError:  # a settings file edited by hand: show nothing, say so
            window.statusBar().showMessage("The saved keywords cannot be read; View → "
                                           "Highlight keywords shows why.", 6000)
    window.view.set_keywords(query)
    n = len(window.view.keyword_ranges)
    if query is not None:
        window.statusBar().showMessage(f"{n} keyword match{'es' * (n != 1)} in this article",
                                       4000)


def edit_keywords(window: FindContext) -> None:
    KeywordsDialog(window).exec()
