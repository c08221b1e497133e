"""REFI-QDA project import (``.qdpx`` from annotator, MAXQDA, ATLAS.ti, NVivo, QualCoder).

Codes are matched to categories and labels by name or key; a code that matches none is an
error naming it, and nothing is imported. Sources are read from ``sources/`` or
``Sources/``; positions counted in a text with Windows line breaks (MAXQDA counts CRLF as
two characters) are moved to the stored text's offsets; a selection with several codes
(ATLAS.ti) becomes one span per code. Cases' variables written by annotator
(``tone (ana)``) and the status notes come back as each coder's values and status.
Everything is checked before it reaches the project: sizes before unzipping, guids,
positions, notes and user names.
"""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from annotator.domain.errors import ImportFailed
from annotator.domain.model import NewDocument
from annotator.domain.scheme import CodingScheme
from annotator.domain.text import OffsetMap, normalise_newlines
from annotator.formats.checks import check_document
from annotator.formats.refiqda import NOT_XML, NS, PREFIX, is_iso_date

_Q = f"{{{NS}}}"
# Sizes after unzipping, checked from the archive's directory before anything is read, so a
# zip bomb is refused at once instead of filling memory.
MAX_MEMBER = 256 * 1024 * 1024
MAX_TOTAL = 1024 * 1024 * 1024
_CODER_VARIABLE = re.compile(r"^(?P<key>[a-z][a-z0-9_]*) \((?P<coder>.+)\)$")
_STATUS_NOTE = re.compile(r"^(?P<coder>.+): (?P<status>not started|in progress|done)$")
_MEMO_NOTE = re.compile(r"^memo \((?P<coder>.+)\)$")


@dataclass(frozen=True)
class _Code:
    category: str
    label: str | None


def _match_codes(root: ET.Element, scheme: CodingScheme, path: Path) -> dict[str, _Code]:
    """Code guid → category/label, by key (``key:`` in the description) or by name."""
    found: dict[str, _Code] = {}
    unknown: list[str] = []

    def key_of(code: ET.Element) -> str:
        text = code.findtext(f"{_Q}Description") or ""
        first = text.split("\n", 1)[0]
        return first[4:].strip() if first.startswith("key:") else ""

    def names(item: Any) -> set[str]:
        return {item.key.lower(), item.name.lower()}

    def walk(code: ET.Element, parent: str | None) -> None:
        name, key = code.get("name", ""), key_of(code)
        wanted = {name.lower(), key.lower()} - {""}
        if parent is None:
            category = next((c for c in scheme.categories if names(c) & wanted), None)
            if category is None:
                unknown.append(name)
            else:
                found[code.get("guid", "")] = _Code(category.key, None)
            for child in code.findall(f"{_Q}Code"):
                walk(child, category.key if category else None)
            return
        category = scheme.category(parent)
        label = next((lb for lb in category.labels if names(lb) & wanted), None) \
            if category else None
        if label is None:
            unknown.append(f"{parent}/{name}")
        else:
            found[code.get("guid", "")] = _Code(parent, label.key)

    for code in root.findall(f"{_Q}CodeBook/{_Q}Codes/{_Q}Code"):
        walk(code, None)
    if unknown:
        raise ImportFailed(path, "codes not in the coding scheme: " + ", ".join(unknown)
                           + " (add them to the scheme, with these names or keys)")
    return found




def read_qdpx(path: Path, scheme: CodingScheme) -> list[NewDocument]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ImportFailed(path, f"not a REFI-QDA project (.qdpx is a zip file): {exc}") from None
    with archive:
        _check_sizes(archive, path)
        try:
            root = ET.fromstring(archive.read("project.qde"))
        except KeyError:
            raise ImportFailed(path, "project.qde is missing from the archive") from None
        except ET.ParseError as exc:
            raise ImportFailed(path, f"project.qde is not valid XML ({exc})",
                               line=exc.position[0]) from None
        if root.tag != f"{_Q}Project":
            raise ImportFailed(path, f"not a REFI-QDA project (root element {root.tag})")
        codes = _match_codes(root, scheme, path)
        users = _users(root, path)
        _check_unique_guids(root, path)
        values = _case_values(root, scheme)
        fields = _case_fields(root)
        statuses = _status_notes(root)
        notes = {n.get("guid", ""): (n.get("name", ""),
                                     n.findtext(f"{_Q}PlainTextContent") or "")
                 for n in root.iter(f"{_Q}Note")}
        documents = []
        for source in root.iter(f"{_Q}TextSource"):
            raw = _source_text(archive, source, path)
            guid = source.get("guid", "")
            document = _document(source, raw, codes, users, path, notes,
                                 fields.get(guid, {}))
            for coder, work in _coder_work(source, values.get(guid, {}), statuses,
                                           notes).items():
                slot = document.coding.setdefault(coder, {"status": "in_progress",
                                                          "variables": {}, "spans": []})
                slot["variables"].update(work.get("variables", {}))
                slot["status"] = work.get("status", slot["status"])
                if work.get("memo"):
                    slot["memo"] = work["memo"]
            check_document(document, path)
            documents.append(document)
        return documents


def _case_variables(root: ET.Element) -> Iterator[tuple[list[str], str, ET.Element]]:
    """Each case variable's value: (the sources its case names, the variable's name, the
    VariableValue element)."""
    names = {v.get("guid"): v.get("name", "") for v in root.iter(f"{_Q}Variable")}
    for case in root.iter(f"{_Q}Case"):
        sources = [r.get("targetGUID", "") for r in case.findall(f"{_Q}SourceRef")]
        for value_el in case.findall(f"{_Q}VariableValue"):
            ref = value_el.find(f"{_Q}VariableRef")
            yield sources, names.get(ref.get("targetGUID") if ref is not None else None,
                                     "") or "", value_el


def _case_values(root: ET.Element, scheme: CodingScheme) -> dict[str, dict[str, dict[str, Any]]]:
    """Source guid → coder → variable → value, from cases' ``key (coder)`` variables."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for sources, name, value_el in _case_variables(root):
        match = _CODER_VARIABLE.match(name)
        variable = scheme.variable(match["key"]) if match else None
        if match is None or variable is None:
            continue
        value = _typed_value(value_el, variable)
        if value is None:
            continue
        for source in sources:
            found.setdefault(source, {}).setdefault(match["coder"], {})[variable.key] = value
    return found


def _case_fields(root: ET.Element) -> dict[str, dict[str, str]]:
    """Source guid → the document's own date, outlet and url, from its case's variables of
    those names (as annotator writes them): a round trip keeps each publication apart."""
    found: dict[str, dict[str, str]] = {}
    for sources, name, value_el in _case_variables(root):
        value = next((c.text.strip() for c in value_el if c.text and c.text.strip()), "")
        if name in ("date", "outlet", "url") and value and (
                name != "date" or is_iso_date(value)):
            for source in sources:
                found.setdefault(source, {})[name] = value
    return found


def _typed_value(element: ET.Element, variable: Any) -> Any:
    for child in element:
        tag, text = child.tag.removeprefix(_Q), child.text or ""
        if tag == "BooleanValue":
            return text.strip().lower() in ("true", "1")
        if tag in ("IntegerValue", "FloatValue"):
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else number
        if tag == "TextValue" and variable.type == "choice":
            return next((o.key for o in variable.options if text in (o.name, o.key)), None)
        if tag in ("TextValue", "DateValue"):
            return text
    return None


def _status_notes(root: ET.Element) -> dict[str, tuple[str, str]]:
    """Note guid → (coder, status) for the status notes annotator writes."""
    found = {}
    for note in root.iter(f"{_Q}Note"):
        match = _STATUS_NOTE.match((note.findtext(f"{_Q}PlainTextContent") or "").strip())
        if match:
            found[note.get("guid", "")] = (match["coder"], match["status"].replace(" ", "_"))
    return found


def _coder_work(source: ET.Element, values: dict[str, dict[str, Any]],
                statuses: dict[str, tuple[str, str]], notes: dict[str, tuple[str, str]]
                ) -> dict[str, dict[str, Any]]:
    work: dict[str, dict[str, Any]] = {c: {"variables": v} for c, v in values.items()}
    for ref in source.findall(f"{_Q}NoteRef"):
        if (found := statuses.get(ref.get("targetGUID", ""))) is not None:
            work.setdefault(found[0], {})["status"] = found[1]
        name, text = notes.get(ref.get("targetGUID", ""), ("", ""))
        if (memo := _MEMO_NOTE.match(name)) and text.strip():  # a coder's document memo
            work.setdefault(memo["coder"], {})["memo"] = text
    return work


def _check_sizes(archive: zipfile.ZipFile, path: Path) -> None:
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > MAX_MEMBER or total > MAX_TOTAL:
            raise ImportFailed(path, f"{info.filename} unpacks to {info.file_size:,} bytes "
                                     f"(archive total so far {total:,}); more than a REFI-QDA "
                                     f"project of texts holds, so it is refused unread")


def _users(root: ET.Element, path: Path) -> dict[str | None, str]:
    users: dict[str | None, str] = {}
    for user in root.iter(f"{_Q}User"):
        name = (user.get("name") or user.get("id") or "").strip()
        if not name:
            raise ImportFailed(path, f"user {user.get('guid')} has no name; every coder needs "
                                     f"one")
        users[user.get("guid")] = name
    return users


def _check_unique_guids(root: ET.Element, path: Path) -> None:
    seen: set[str] = set()
    for element in root.iter():
        if element.tag in (f"{_Q}PlainTextSelection", f"{_Q}TextSource"):
            guid = element.get("guid", "")
            if not guid:
                raise ImportFailed(path, f"a {element.tag.removeprefix(_Q)} has no guid")
            if guid in seen:
                raise ImportFailed(path, f"guid {guid} is used twice")
            seen.add(guid)


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member by name; MAXQDA, QualCoder and REFI-QDA 1.0 itself write ``sources/``."""
    for candidate in (name, name[:1].lower() + name[1:], name[:1].upper() + name[1:]):
        try:
            return archive.read(candidate)
        except KeyError:
            continue
    raise KeyError(name)


def _source_text(archive: zipfile.ZipFile, source: ET.Element, path: Path) -> str:
    content = source.findtext(f"{_Q}PlainTextContent")
    if content is not None:
        return content
    location = source.get("plainTextPath", "")
    name = "Sources/" + location.removeprefix("internal://")
    try:
        return _member(archive, name).decode("utf-8-sig")
    except KeyError:
        raise ImportFailed(path, f"source text {name} is missing from the archive") from None
    except UnicodeDecodeError:
        raise ImportFailed(path, f"source text {name} is not UTF-8") from None


def _extra(selection: ET.Element, guid: str, path: Path) -> dict[str, Any]:
    """What annotator wrote into the description: label, attributes, links, updated_at."""
    description = selection.findtext(f"{_Q}Description") or ""
    if not description.startswith(PREFIX):
        return {}
    try:
        extra = json.loads(description[len(PREFIX):])
    except (ValueError, RecursionError):
        extra = None
    if not isinstance(extra, dict) or not isinstance(extra.get("attributes", {}), dict):
        raise ImportFailed(path, f"selection {guid}: the '{PREFIX}' note is not the JSON "
                                 f"object annotator writes")
    return extra


class _Offsets:
    """Positions in the text as the other tool counted it → offsets in the stored text
    (newlines normalised): each CRLF before a position counted two there, one here."""

    def __init__(self, raw: str) -> None:
        self.pairs = [m.start() for m in re.finditer("\r\n", raw)]

    def __call__(self, position: int) -> int:
        return position - bisect_right(self.pairs, position - 2)


class _Readings:
    """The ways another tool may have counted a selection's positions, the usual first:
    characters with CRLF as two (MAXQDA; LF alone counts one anyway); characters with CRLF
    as one (ATLAS.ti); UTF-16 units, as Qt's text editor counts them (QualCoder's coding
    window: an emoji counts two), on the stored text and on the text as written. A
    selection's ``name`` holds its text in QualCoder's and our files: the first reading
    whose text is that name wins, and what was moved, or matches no reading, is named."""

    def __init__(self, raw: str, text: str) -> None:
        self.text = text
        crlf = _Offsets(raw)
        stored, written = OffsetMap(text), OffsetMap(raw)
        self.ways: list[tuple[str, Callable[[int], int]]] = [
            ("", crlf), ("with a line break counted once", lambda p: p),
                     ("in UTF-16 units", lambda p: stored.to_python(p)),
                     ("in UTF-16 units", lambda p: crlf(written.to_python(p)))]
        self.moved: dict[str, int] = {}
        self.unmatched: list[str] = []

    def place(self, guid: str, start: int, end: int, name: str | None) -> tuple[int, int]:
        first = (self.ways[0][1](start), self.ways[0][1](end))
        if not name or self._holds(first, name):
            return first
        for way, read in self.ways[1:]:
            there = (read(start), read(end))
            if there != first and self._holds(there, name):
                self.moved[way] = self.moved.get(way, 0) + 1
                return there
        self.unmatched.append(f"selection {guid} ({name[:40]!r} is not the text at its "
                              f"positions, {self.text[first[0]:first[1]][:40]!r})")
        return first

    def _holds(self, where: tuple[int, int], name: str) -> bool:
        start, end = where
        if not 0 <= start < end <= len(self.text):
            return False
        wanted, there = _comparable(name), _comparable(self.text[start:end])
        return there == wanted or (len(wanted) >= 20 and there.startswith(wanted))

    def notes(self, title: str) -> list[str]:
        said = [f"{count} selection{'s' * (count != 1)} in {title!r} counted {way}: moved "
                f"to the text its name holds" for way, count in self.moved.items()]
        if self.unmatched:
            said.append(f"{len(self.unmatched)} selection{'s' * (len(self.unmatched) != 1)} "
                        f"in {title!r} whose name is not its text in any reading, imported "
                        f"where its positions say; check "
                        + "; ".join(self.unmatched[:5])
                        + (f"; and {len(self.unmatched) - 5} more"
                           if len(self.unmatched) > 5 else ""))
        return said


def _comparable(text: str) -> str:
    """A selection's text as an XML attribute brings it back: line breaks and tabs as spaces
    (unless escaped), characters XML forbids as U+FFFD."""
    return NOT_XML.sub("\ufffd", re.sub("[\t\n\r]", " ", text))


def _document(source: ET.Element, raw: str, codes: dict[str, _Code],
              users: dict[str | None, str], path: Path,
              notes: dict[str, tuple[str, str]], fields: dict[str, str]) -> NewDocument:
    text = normalise_newlines(raw)
    readings = _Readings(raw, text)
    coding: dict[str, list[dict[str, Any]]] = {}
    for selection in source.findall(f"{_Q}PlainTextSelection"):
        guid = selection.get("guid", "")
        try:
            start, end = readings.place(guid, int(selection.get("startPosition", "")),
                                        int(selection.get("endPosition", "")),
                                        selection.get("name"))
        except ValueError:
            raise ImportFailed(path, f"selection {guid}: startPosition and endPosition must "
                                     f"be whole numbers") from None
        if not 0 <= start < end <= len(text):
            raise ImportFailed(path, f"selection {guid} [{start}, {end}) lies "
                                     f"outside its source of {len(text)} characters")
        extra = _extra(selection, guid, path)
        refs = [codes[ref.get("targetGUID", "")] for ref in selection.iter(f"{_Q}CodeRef")
                if ref.get("targetGUID", "") in codes]
        memo = "\n\n".join(  # the segment's memo, from any client that writes notes
            note for note in (notes.get(ref.get("targetGUID", ""), ("", ""))[1].strip()
                              for ref in selection.findall(f"{_Q}NoteRef")) if note)
        for number, code in enumerate(refs):
            coder = users.get(selection.get("creatingUser")) or "imported"
            # a quotation with several codes (ATLAS.ti) is one span per code
            span_id = guid if number == 0 else str(uuid.uuid5(uuid.UUID(int=0), f"{guid}/"
                                                              f"{number}"))
            coding.setdefault(coder, []).append({
                "id": span_id, "category": code.category,
                "label": code.label or extra.get("label"), "start": start, "end": end,
                "attributes": extra.get("attributes", {}),
                "created_at": selection.get("creationDateTime", ""),
                "updated_at": extra.get("updated_at", ""), "memo": memo,
                "origin": str(extra.get("origin") or "")})
    title = source.get("name", "")
    return NewDocument(text=text, title=title, source_path=str(path), date=fields.get("date"),
                       outlet=fields.get("outlet"), url=fields.get("url"),
                       coding={c: {"status": "in_progress", "variables": {}, "spans": s}
                               for c, s in coding.items()},
                       notes=readings.notes(title or source.get("guid", "")))
