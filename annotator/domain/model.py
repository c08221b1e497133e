"""The domain's records: documents, spans, statuses and change notices. Plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import Any

from annotator.domain.text import content_hash, publication_key


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def display(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class NewDocument:
    """A document read from a file, not yet stored. ``text`` is already normalised."""

    text: str
    title: str = ""
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    source_path: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # coder → {"status": ..., "variables": {...}, "spans": [{"id", "category", ...}]}, from
    # files that carry coding (our JSONL, REFI-QDA)
    coding: dict[str, dict[str, Any]] = field(default_factory=dict)
    # what the reader repaired or doubts in this document, for the import's summary (not
    # stored): a selection moved to the text its name holds, one whose name matches nothing
    notes: list[str] = field(default_factory=list)

    @cached_property
    def content_hash(self) -> str:
        """Worked out once (an import asks twice), and kept when the document is sent from
        a reading process to the writing one."""
        return content_hash(self.text)

    @cached_property
    def publication_key(self) -> str:
        """The text as printed by this outlet on this date (``text.publication_key``)."""
        return publication_key(self.content_hash, self.outlet, self.date)


@dataclass(frozen=True)
class Document:
    id: int
    text: str
    title: str
    date: str | None
    outlet: str | None
    url: str | None
    source_path: str | None
    content_hash: str
    metadata: dict[str, Any]

    @property
    def publication_key(self) -> str:
        """The text as printed by this outlet on this date (``text.publication_key``)."""
        return publication_key(self.content_hash, self.outlet, self.date)


@dataclass(frozen=True)
class DocumentRow:
    """What the document list shows: no text, so 100,000 of them stay cheap."""

    id: int
    title: str
    date: str | None
    outlet: str | None
    status: Status


@dataclass(frozen=True)
class Span:
    """A coder's annotation of ``text[start:end]`` (Python indices, half-open)."""

    id: str
    document_id: int
    coder: str
    category: str
    start: int
    end: int
    text: str
    label: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""
    memo: str = ""  # the coder's note on the span, plain text
    # where it came from: "" coded by hand; "auto-code" from a search's auto-coding;
    # "speaker-finder" or "learned" a suggestion the coder accepted (exports carry it;
    # agreement can leave such spans out)
    origin: str = ""

    def with_changes(self, **changes: Any) -> Span:
        return replace(self, **changes)

    @classmethod
    def stored(cls, id: str, document_id: int, coder: str, category: str,  # noqa: A002
               start: int, end: int, text: str, label: str | None,
               attributes: dict[str, Any], created_at: str, updated_at: str,
               memo: str, origin: str = "") -> Span:
        """A span as the store reads it, every field given: built without the frozen
        dataclass's ``__init__`` (a ``object.__setattr__`` per field), three times faster,
        so that a document's 5,000 spans are read about 10 ms sooner."""
        span = object.__new__(cls)
        span.__dict__.update(id=id, document_id=document_id, coder=coder, category=category,
                             start=start, end=end, text=text, label=label,
                             attributes=attributes, created_at=created_at,
                             updated_at=updated_at, memo=memo, origin=origin)
        return span

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Change:
    """What an operation changed, broadcast by the store so views can refresh.

    ``kind`` is one of: span_added, span_changed, span_removed, variable_set, status_set,
    memo_set, documents_imported, scheme_applied, coder_added, study_changed. ``remote``:
    made by someone else, on the project's server (it arrived by LISTEN/NOTIFY).
    """

    kind: str
    document_id: int | None = None
    coder: str | None = None
    span_id: str | None = None
    remote: bool = False


@dataclass(frozen=True)
class CoderWork:
    """One coder's work on one document."""

    status: Status
    variables: dict[str, Any]
    spans: list[Span]
    memo: str = ""  # the coder's note on the document
    status_at: str = ""  # when the status was last set (ISO 8601, UTC)
    memo_at: str = ""  # when the memo was last written


# One span as an export row, a plain tuple in this order (a million objects would cost more
# than writing them): what ``Project.span_rows`` yields and the spans CSV writes.
SPAN_ROW = ("span_id", "document_id", "title", "date", "outlet", "coder", "category", "label",
            "start", "end", "text", "attributes", "created_at", "updated_at", "memo", "origin")


@dataclass(frozen=True)
class DocumentRecord:
    """A document with the coding chosen for export: the unit every exporter writes."""

    document: Document
    coding: dict[str, CoderWork]
