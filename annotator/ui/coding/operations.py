"""The UI's only way to change data: small undoable operations over the project.

Each command's redo and undo are one store call each (one transaction); the store announces
what changed and the views refresh from that. ``document_id`` lets the window show the
document an undo or redo touched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from annotator.domain.errors import ServerUnreachable
from annotator.domain.model import Span, Status
from annotator.storage import DeletedSpan, Project

_MERGE_ATTRIBUTE = 1001
_MERGE_VARIABLE = 1002
_MERGE_SPAN_MEMO = 1003
_MERGE_DOCUMENT_MEMO = 1004
_UNREAD = object()  # a value to be read once the server is back


class _Command(QUndoCommand):
    """``apply`` does the change; ``redo`` is Qt's name for doing it again.

    ``QUndoStack.push`` calls ``redo`` and keeps the command even when it raises, so the
    window applies a command itself first and pushes it only once that succeeded.
    """

    def __init__(self, project: Project, document_id: int, text: str) -> None:
        super().__init__(text)
        self.project, self.document_id = project, document_id
        self.applied = False  # set by the window after its own first apply()
        self._read_later: Callable[[], Any] | None = None

    def apply(self) -> None:
        raise NotImplementedError

    def _undo_value(self, read: Callable[[], Any]) -> Any:
        """The value undo restores, read now; while the server is away, read just before
        the change is made (when the server is back), so the action can wait in order
        instead of failing before it is even kept."""
        try:
            return read()
        except ServerUnreachable:
            self._read_later = read
            return _UNREAD

    def _read_before_now(self) -> None:
        if self._read_later is not None:
            self.old = self._read_later()
            self._read_later = None

    def redo(self) -> None:
        if self.applied:
            self.applied = False  # that was push()'s call: the change is already made
            return
        self.apply()


class AddSpan(_Command):
    def __init__(self, project: Project, document_id: int, coder: str, category: str,
                 start: int, end: int, label: str | None = None,
                 attributes: dict[str, Any] | None = None, *, origin: str = "") -> None:
        name = project.scheme.category(category).name  # type: ignore[union-attr]
        super().__init__(project, document_id, f"Accept suggested {name} span" if origin
                         else f"Add {name} span")
        self.args = (document_id, coder, category, start, end, label, attributes)
        self.origin = origin  # "" by hand; see Span.origin
        self.span_id = str(uuid.uuid4())  # known before redo, so views can select it at once
        self.span: Span | None = None
        self._deleted: DeletedSpan | None = None

    def apply(self) -> None:
        if self._deleted is None:
            self.span = self.project.add_span(*self.args, span_id=self.span_id,
                                              origin=self.origin)
        else:  # again after undo: the same span (same id) comes back
            self.span = self.project.restore_span(self._deleted)

    def undo(self) -> None:
        assert self.span is not None
        self._deleted = self.project.delete_span(self.span.id)


class DeleteSpan(_Command):
    def __init__(self, project: Project, span: Span) -> None:
        super().__init__(project, span.document_id, f"Delete span “{span.text[:30]}”")
        self.span_id = span.id
        self._deleted: DeletedSpan | None = None

    def apply(self) -> None:
        self._deleted = self.project.delete_span(self.span_id)

    def undo(self) -> None:
        assert self._deleted is not None
        self.project.restore_span(self._deleted)


class UpdateSpan(_Command):
    """Relabel, resize or edit attributes: undo writes the old values back."""

    def __init__(self, project: Project, span: Span, text: str, **changes: Any) -> None:
        super().__init__(project, span.document_id, text)
        self.span_id = span.id
        self.new = changes
        self.old = {key: getattr(span, key) for key in changes}

    def apply(self) -> None:
        self.project.update_span(self.span_id, **self.new)

    def undo(self) -> None:
        self.project.update_span(self.span_id, **self.old)


class SetAttribute(UpdateSpan):
    """One attribute; consecutive edits of the same attribute merge into one undo step."""

    def __init__(self, project: Project, span: Span, key: str, value: Any) -> None:
        attributes = dict(span.attributes)
        if value is None:
            attributes.pop(key, None)
        else:
            attributes[key] = value
        super().__init__(project, span, f"Set {key}", attributes=attributes)
        self.key = key

    def id(self) -> int:
        return _MERGE_ATTRIBUTE

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not (isinstance(other, SetAttribute) and other.span_id == self.span_id
                and other.key == self.key):
            return False
        self.new = other.new
        return True


class SetVariable(_Command):
    def __init__(self, project: Project, document_id: int, coder: str, key: str,
                 value: Any) -> None:
        super().__init__(project, document_id, f"Set {key}")
        self.coder, self.key, self.value = coder, key, value
        self.old = self._undo_value(lambda: project.variables(document_id, coder).get(key))

    def apply(self) -> None:
        self._read_before_now()
        self.project.set_variable(self.document_id, self.coder, self.key, self.value)

    def undo(self) -> None:
        self.project.set_variable(self.document_id, self.coder, self.key, self.old)

    def id(self) -> int:
        return _MERGE_VARIABLE

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        """Text stored at each pause in typing is one undo step, as it was one edit."""
        if not (isinstance(other, SetVariable) and (other.document_id, other.coder, other.key)
                == (self.document_id, self.coder, self.key)):
            return False
        self.value = other.value
        return True


class SetStatus(_Command):
    def __init__(self, project: Project, document_id: int, coder: str, status: Status) -> None:
        super().__init__(project, document_id, f"Mark {status.display}")
        self.coder, self.status = coder, status
        self.old = self._undo_value(lambda: project.status(document_id, coder))

    def apply(self) -> None:
        self._read_before_now()
        self.project.set_status(self.document_id, self.coder, self.status)

    def undo(self) -> None:
        self.project.set_status(self.document_id, self.coder, self.old)


class RemoveDocuments(_Command):
    """Near-duplicates out of the corpus; undo puts the same rows back, ids and all.
    ``document_id`` is a document that stays, shown after an undo or a redo."""

    def __init__(self, project: Project, document_id: int, ids: list[int]) -> None:
        super().__init__(project, document_id, f"Remove {len(ids)} near-duplicate document"
                                               f"{'s' * (len(ids) != 1)}")
        self.ids = ids
        self._rows: list[tuple[Any, ...]] = []

    def apply(self) -> None:
        self._rows = self.project.remove_documents(self.ids)

    def undo(self) -> None:
        self.project.restore_documents(self._rows)


class SetMetadataField(_Command):
    """One imported metadata field on many documents (near-duplicate groups marked)."""

    def __init__(self, project: Project, document_id: int, key: str,
                 values: dict[int, str | None], text: str) -> None:
        super().__init__(project, document_id, text)
        self.key, self.values = key, values
        self._before: dict[int, str | None] = {}

    def apply(self) -> None:
        self._before = self.project.set_metadata_field(self.key, self.values)

    def undo(self) -> None:
        self.project.set_metadata_field(self.key, self._before)


class AddSpans(_Command):
    """Auto-coding: many spans of one category in one step; undo takes them all back and
    redo puts the same spans (same ids) back."""

    def __init__(self, project: Project, document_id: int, coder: str, category: str,
                 places: list[tuple[int, int, int]], label: str | None = None,
                 attributes: dict[str, Any] | None = None) -> None:
        name = project.scheme.category(category).name  # type: ignore[union-attr]
        super().__init__(project, document_id, f"Auto-code {len(places)} {name} spans")
        self.args = (coder, category, places, label, attributes)
        self.spans: list[Span] = []
        self._deleted: list[DeletedSpan] | None = None

    def apply(self) -> None:
        if self._deleted is None:
            self.spans = self.project.add_spans(*self.args)
        else:
            self.project.restore_spans(self._deleted)

    def undo(self) -> None:
        self._deleted = self.project.delete_spans([s.id for s in self.spans])


class SetSpanMemo(UpdateSpan):
    """A span's memo; the text stored at each pause in typing merges into one undo step."""

    def __init__(self, project: Project, span: Span, memo: str) -> None:
        super().__init__(project, span, "Edit span memo", memo=memo)

    def id(self) -> int:
        return _MERGE_SPAN_MEMO

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not (isinstance(other, SetSpanMemo) and other.span_id == self.span_id):
            return False
        self.new = other.new
        return True


class SetDocumentMemo(_Command):
    def __init__(self, project: Project, document_id: int, coder: str, memo: str) -> None:
        super().__init__(project, document_id, "Edit document memo")
        self.coder, self.memo = coder, memo
        self.old = self._undo_value(lambda: project.document_memo(document_id, coder))

    def apply(self) -> None:
        self._read_before_now()
        self.project.set_document_memo(self.document_id, self.coder, self.memo)

    def undo(self) -> None:
        self.project.set_document_memo(self.document_id, self.coder, self.old)

    def id(self) -> int:
        return _MERGE_DOCUMENT_MEMO

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not (isinstance(other, SetDocumentMemo) and (other.document_id, other.coder)
                == (self.document_id, self.coder)):
            return False
        self.memo = other.memo
        return True


class RejectSuggestion(_Command):
    """A suggestion the coder turned down: hidden for the rest of the session (the project
    stores only what was accepted); undo shows it again. Nothing in the store changes, so
    ``shown`` redraws the suggestions itself."""

    def __init__(self, project: Project, document_id: int, place: tuple[int, int, int],
                 rejected: set[tuple[int, int, int]], shown: Callable[[], None]) -> None:
        super().__init__(project, document_id, "Reject suggested span")
        self.place, self.rejected, self.shown = place, rejected, shown

    def apply(self) -> None:
        self.rejected.add(self.place)
        self.shown()

    def undo(self) -> None:
        self.rejected.discard(self.place)
        self.shown()
