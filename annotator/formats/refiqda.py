"""REFI-QDA project export (``.qdpx``: a zip of ``project.qde`` and ``sources/``).

After the REFI-QDA Project schema 1.0 (2019), and valid against it: coders are ``Users``;
the scheme is the ``CodeBook``, each category a code with its labels as sub-codes; each
document is a ``TextSource`` whose text is ``sources/<guid>.txt`` (lowercase, as §8.1 and
MAXQDA, QualCoder and ATLAS.ti have it); each span is a ``PlainTextSelection`` (start and
end in characters, the span's UUID as its guid) with one ``Coding`` of its label's code
(or its category's). REFI-QDA has no place for span attributes: they travel, with the label
and links, as one line of JSON in the selection's ``Description``, prefixed ``annotator:``,
so our own round trip is lossless and other tools show it as a note.

Each document is also a ``Case`` holding ``VariableValue``s: its date, outlet and url, and
every coder's document variables (``tone (ana)``: REFI-QDA variables belong to a case, not
to a coder). Each coder's status of a document is a ``Note`` the source refers to.
``line_endings="crlf"`` writes texts with Windows line breaks and counts positions in them,
as MAXQDA does. No character that XML 1.0 forbids reaches ``project.qde``, and no empty
container the schema forbids is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import zipfile
from bisect import bisect_left
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from annotator import __version__
from annotator.domain.errors import ProjectError
from annotator.domain.model import DocumentRecord
from annotator.domain.scheme import CodingScheme, VariableDef
from annotator.formats.export import atomic_path

NS = "urn:QDA-XML:project:1.0"
PREFIX = "annotator:"
_Q = f"{{{NS}}}"
_NAMESPACE_ID = uuid.UUID("6f1c7c2e-4b7a-4f0e-9c7e-2b0d8a1f5e3a")
SOURCES = "sources"
# Characters XML 1.0 forbids: most C0 controls (form feed and vertical tab among them, from
# PDF page breaks), lone surrogates and U+FFFE/U+FFFF. One of them makes project.qde
# unreadable for every client, so none may reach the XML.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TYPES = {"text": "Text", "choice": "Text", "boolean": "Boolean", "number": "Float",
          "date": "Date"}
_DOCUMENT_FIELDS = (("date", "Date"), ("outlet", "Text"), ("url", "Text"))


def _xml_text(text: str) -> str:
    """Text for a name or note: forbidden characters shown as U+FFFD (the selection's
    exact text travels in the source file, and its offsets, not here)."""
    return NOT_XML.sub("\ufffd", text)


def _xml_json(data: object) -> str:
    """JSON whose forbidden characters are \\u escapes, so it survives XML losslessly."""
    return NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}",
                        json.dumps(data, ensure_ascii=False))


def _guid(*parts: object) -> str:
    """A stable GUID for a code, user or source, so exports of one project repeat."""
    return str(uuid.uuid5(_NAMESPACE_ID, "/".join(map(str, parts))))


def code_guids(scheme: CodingScheme) -> dict[tuple[str, str | None], str]:
    guids: dict[tuple[str, str | None], str] = {}
    for category in scheme.categories:
        guids[(category.key, None)] = _guid("code", category.key)
        for label in category.labels:
            guids[(category.key, label.key)] = _guid("code", category.key, label.key)
    return guids


class _Positions:
    """Stored offsets → positions in the written text (CRLF counts two, as in MAXQDA)."""

    def __init__(self, text: str, crlf: bool) -> None:
        self.breaks = [i for i, ch in enumerate(text) if ch == "\n"] if crlf else []

    def __call__(self, offset: int) -> int:
        return offset + bisect_left(self.breaks, offset)


def write_qdpx(records: Iterable[DocumentRecord], path: Path, scheme: CodingScheme,
               project_name: str, *, line_endings: str = "lf") -> int:
    if line_endings not in ("lf", "crlf"):
        raise ProjectError(f"line endings must be 'lf' or 'crlf', not {line_endings!r}")
    ET.register_namespace("", NS)
    root = ET.Element(f"{_Q}Project", {"name": _xml_text(project_name),
                                        "origin": f"annotator {__version__}"})
    users_el = ET.SubElement(root, f"{_Q}Users")
    codes = code_guids(scheme)  # once, not per span
    _codebook(ET.SubElement(root, f"{_Q}CodeBook"), scheme, codes)
    variables_el = ET.SubElement(root, f"{_Q}Variables")
    cases = ET.SubElement(root, f"{_Q}Cases")
    sources = ET.SubElement(root, f"{_Q}Sources")
    notes = ET.SubElement(root, f"{_Q}Notes")
    variables: dict[str, tuple[str, str]] = {}  # name → (guid, type)
    users: dict[str, str] = {}
    texts: list[tuple[str, str]] = []
    count = 0
    for record in records:
        doc = record.document
        source_guid = _guid("source", doc.publication_key)
        source = ET.SubElement(sources, f"{_Q}TextSource", {
            "guid": source_guid, "name": _xml_text(doc.title or f"document {doc.id}"),
            "plainTextPath": f"internal://{source_guid}.txt"})
        crlf = line_endings == "crlf"
        texts.append((source_guid, doc.text.replace("\n", "\r\n") if crlf else doc.text))
        position = _Positions(doc.text, crlf)
        values: list[tuple[str, str, Any]] = []  # (variable name, type, value)
        for field, kind in _DOCUMENT_FIELDS:
            value = getattr(doc, field)
            if value:
                values.append((field, kind if field != "date" or is_iso_date(value) else "Text",
                               value))
        note_refs = []  # after every selection, as the schema's sequence wants
        for coder, work in record.coding.items():
            user = users.setdefault(coder, _guid("user", coder))
            for span in work.spans:
                _selection(source, span, user, position, codes, notes)
            for variable in scheme.variables:
                if variable.key in work.variables:
                    values.append((f"{variable.key} ({coder})", _TYPES[variable.type],
                                   _shown(variable, work.variables[variable.key])))
            note_guid = _guid("status", doc.publication_key, coder)
            note = ET.SubElement(notes, f"{_Q}Note", {"guid": note_guid, "name": _xml_text(
                f"status ({coder})"), **_made_by(user, work.status_at or _newest(work))})
            ET.SubElement(note, f"{_Q}PlainTextContent").text = _xml_text(
                f"{coder}: {work.status.display}")
            note_refs.append(note_guid)
            if work.memo:  # the coder's memo on the document, a note of its own
                memo_guid = _guid("memo", doc.publication_key, coder)
                memo = ET.SubElement(notes, f"{_Q}Note", {"guid": memo_guid, "name": _xml_text(
                    f"memo ({coder})"), **_made_by(user, work.memo_at or _newest(work))})
                ET.SubElement(memo, f"{_Q}PlainTextContent").text = _xml_text(work.memo)
                note_refs.append(memo_guid)
        for note_guid in note_refs:
            ET.SubElement(source, f"{_Q}NoteRef", {"targetGUID": note_guid})
        if values:  # nameless with one source, as MAXQDA writes a document's variables
            case = ET.SubElement(cases, f"{_Q}Case", {"guid": _guid("case", doc.publication_key)})
            for name, kind, value in values:
                guid, _ = variables.setdefault(name, (_guid("variable", name), kind))
                _variable_value(case, guid, kind, value)
            ET.SubElement(case, f"{_Q}SourceRef", {"targetGUID": source_guid})
        count += 1
    for coder, guid in users.items():
        ET.SubElement(users_el, f"{_Q}User", {"guid": guid, "name": _xml_text(coder)})
    for name, (guid, kind) in variables.items():
        ET.SubElement(variables_el, f"{_Q}Variable", {"guid": guid, "name": _xml_text(name),
                                                       "typeOfVariable": kind})
    for container in list(root):  # the schema forbids an empty Users, Sources, Cases…
        if len(container) == 0:
            root.remove(container)
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", ET.tostring(root, encoding="utf-8",
                                                        xml_declaration=True))
            for guid, text in texts:
                archive.writestr(f"{SOURCES}/{guid}.txt", text.encode("utf-8"))
    return count


def _codebook(book_el: ET.Element, scheme: CodingScheme,
              codes: dict[tuple[str, str | None], str]) -> None:
    book = ET.SubElement(book_el, f"{_Q}Codes")
    for category in scheme.categories:
        code = ET.SubElement(book, f"{_Q}Code", {
            "guid": codes[(category.key, None)], "name": _xml_text(category.name),
            "isCodable": "true", "color": category.colour})
        ET.SubElement(code, f"{_Q}Description").text = _xml_text(
            f"key: {category.key}\n{category.description}")
        for label in category.labels:
            sub = ET.SubElement(code, f"{_Q}Code", {
                "guid": codes[(category.key, label.key)], "name": _xml_text(label.name),
                "isCodable": "true", "color": category.colour})
            ET.SubElement(sub, f"{_Q}Description").text = _xml_text(
                f"key: {label.key}\n{label.description}")


def _selection(source: ET.Element, span: Any, user: str, position: _Positions,
               codes: dict[tuple[str, str | None], str], notes: ET.Element) -> None:
    code = codes.get((span.category, span.label)) or codes.get((span.category, None))
    if code is None:
        raise ProjectError(f"span {span.id} uses category {span.category!r}, which the coding "
                           f"scheme lacks; apply a scheme that has it")
    selection = ET.SubElement(source, f"{_Q}PlainTextSelection", {
        "guid": span.id, "name": _xml_text(span.text[:60]),
        "startPosition": str(position(span.start)), "endPosition": str(position(span.end)),
        **_made_by(user, span.created_at, span.updated_at)})
    extra = {"category": span.category, "label": span.label, "attributes": span.attributes,
             "updated_at": span.updated_at,
             **({"origin": span.origin} if span.origin else {})}
    ET.SubElement(selection, f"{_Q}Description").text = PREFIX + _xml_json(extra)
    coding = ET.SubElement(selection, f"{_Q}Coding", {"guid": _guid("coding", span.id),
                                                       "creatingUser": user,
                                                       "creationDateTime": span.created_at})
    ET.SubElement(coding, f"{_Q}CodeRef", {"targetGUID": code})
    if span.memo:  # a note MAXQDA and ATLAS.ti show as the segment's memo
        guid = _guid("memo", span.id)
        note = ET.SubElement(notes, f"{_Q}Note", {"guid": guid, "name": _xml_text(
            f"memo: {span.text[:40]}"), **_made_by(user, span.updated_at)})
        ET.SubElement(note, f"{_Q}PlainTextContent").text = _xml_text(span.memo)
        ET.SubElement(selection, f"{_Q}NoteRef", {"targetGUID": guid})


def _made_by(user: str, created: str, modified: str = "") -> dict[str, str]:
    """Who made an element and when, with the modifying pair too: QualCoder's import reads
    ``creationDateTime`` (or ``modifiedDateTime``) of every note and selection and stops on
    one that has neither; MAXQDA and ATLAS.ti show them."""
    return {"creatingUser": user, "creationDateTime": created, "modifyingUser": user,
            "modifiedDateTime": modified or created}


def _newest(work: Any) -> str:
    """A date for a note whose own row has none (a status or memo written before version
    7): the coder's newest span's, else the epoch, so exports still repeat byte for byte."""
    return max((s.updated_at for s in work.spans), default="1970-01-01T00:00:00Z")


def is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _shown(variable: VariableDef, value: Any) -> Any:
    """A choice travels as its option's name (what other tools show); the rest as is."""
    if variable.type == "choice":
        return next((o.name for o in variable.options if o.key == value), value)
    return value


def _variable_value(case: ET.Element, guid: str, kind: str, value: Any) -> None:
    element = ET.SubElement(case, f"{_Q}VariableValue")
    ET.SubElement(element, f"{_Q}VariableRef", {"targetGUID": guid})
    tag = {"Text": "TextValue", "Boolean": "BooleanValue", "Float": "FloatValue",
           "Date": "DateValue"}[kind]
    if kind == "Boolean":
        shown = "true" if value else "false"
    elif kind == "Float":
        shown = format(Decimal(str(value)), "f")  # xsd:decimal has no exponent
    else:
        shown = str(value)
    ET.SubElement(element, f"{_Q}{tag}").text = _xml_text(shown)
