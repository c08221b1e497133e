"""REFI-QDA project exchange (``.qdpx``: a zip of ``project.qde`` and ``Sources/``).

Export, after the REFI-QDA Project schema 1.0 (2019): coders are ``Users``; the scheme is
the ``CodeBook``, each category a code with its labels as sub-codes; each document is a
``TextSource`` whose text is ``Sources/<guid>.txt``; each span is a ``PlainTextSelection``
(start and end in characters, the span's UUID as its guid) with one ``Coding`` that
refers to its label's code (or its category's). REFI-QDA has no place for span attributes:
we write them, with the label and links, as one line of JSON in the selection's
``Description``, prefixed ``annotator:``, so our own round trip is lossless and other tools
show it as a note. Document variables are not exported (they are per coder; REFI-QDA's
variables are per case).

Import reads such files from any tool: codes are matched to categories and labels by name
or key; a code that matches none is an error naming it, and nothing is imported.
"""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from annotator import __version__
from annotator.domain.errors import ImportFailed, ProjectError
from annotator.domain.model import DocumentRecord, NewDocument
from annotator.domain.scheme import CodingScheme
from annotator.domain.text import normalise_newlines
from annotator.formats.checks import check_document
from annotator.formats.export import atomic_path

NS = "urn:QDA-XML:project:1.0"
PREFIX = "annotator:"
_Q = f"{{{NS}}}"
_NAMESPACE_ID = uuid.UUID("6f1c7c2e-4b7a-4f0e-9c7e-2b0d8a1f5e3a")
# Sizes after unzipping, checked from the archive's directory before anything is read, so a
# zip bomb is refused at once instead of filling memory.
MAX_MEMBER = 256 * 1024 * 1024
MAX_TOTAL = 1024 * 1024 * 1024


# Characters XML 1.0 forbids: most C0 controls (form feed and vertical tab among them, from
# PDF page breaks), lone surrogates and U+FFFE/U+FFFF. One of them makes project.qde
# unreadable for every client, so none may reach the XML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text for a name or note: forbidden characters shown as U+FFFD (the selection's
    exact text travels in the source file, and its offsets, not here)."""
    return _NOT_XML.sub("\ufffd", text)


def _xml_json(data: object) -> str:
    """JSON whose forbidden characters are \\u escapes, so it survives XML losslessly."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}",
                        json.dumps(data, ensure_ascii=False))


def _guid(*parts: object) -> str:
    """A stable GUID for a code, user or source, so exports of one project repeat."""
    return str(uuid.uuid5(_NAMESPACE_ID, "/".join(map(str, parts))))


def _code_guids(scheme: CodingScheme) -> dict[tuple[str, str | None], str]:
    guids = {}
    for category in scheme.categories:
        guids[(category.key, None)] = _guid("code", category.key)
        for label in category.labels:
            guids[(category.key, label.key)] = _guid("code", category.key, label.key)
    return guids


def write_qdpx(records: Iterable[DocumentRecord], path: Path, scheme: CodingScheme,
               project_name: str) -> int:
    ET.register_namespace("", NS)
    root = ET.Element(f"{_Q}Project", {"name": project_name, "origin": f"annotator {__version__}"})
    users_el = ET.SubElement(root, f"{_Q}Users")
    book = ET.SubElement(ET.SubElement(root, f"{_Q}CodeBook"), f"{_Q}Codes")
    codes = _code_guids(scheme)
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
    sources = ET.SubElement(root, f"{_Q}Sources")
    users: dict[str, str] = {}
    texts: list[tuple[str, str]] = []
    count = 0
    for record in records:
        doc = record.document
        source_guid = _guid("source", doc.content_hash)
        source = ET.SubElement(sources, f"{_Q}TextSource", {
            "guid": source_guid, "name": _xml_text(doc.title or f"document {doc.id}"),
            "plainTextPath": f"internal://{source_guid}.txt"})
        texts.append((source_guid, doc.text))
        for coder, work in record.coding.items():
            user = users.setdefault(coder, _guid("user", coder))
            for span in work.spans:
                selection = ET.SubElement(source, f"{_Q}PlainTextSelection", {
                    "guid": span.id, "name": _xml_text(span.text[:60]),
                    "startPosition": str(span.start), "endPosition": str(span.end),
                    "creatingUser": user,
                    "creationDateTime": span.created_at})
                extra = {"category": span.category, "label": span.label,
                         "attributes": span.attributes, "updated_at": span.updated_at}
                ET.SubElement(selection, f"{_Q}Description").text = \
                    PREFIX + _xml_json(extra)
                coding = ET.SubElement(selection, f"{_Q}Coding", {
                    "guid": _guid("coding", span.id), "creatingUser": user})
                code = codes.get((span.category, span.label)) or codes.get((span.category, None))
                if code is None:
                    raise ProjectError(f"span {span.id} uses category {span.category!r}, which "
                                       f"the coding scheme lacks; apply a scheme that has it")
                ET.SubElement(coding, f"{_Q}CodeRef", {"targetGUID": code})
        count += 1
    for coder, guid in users.items():
        ET.SubElement(users_el, f"{_Q}User", {"guid": guid, "name": _xml_text(coder)})
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", ET.tostring(root, encoding="utf-8",
                                                        xml_declaration=True))
            for guid, text in texts:
                archive.writestr(f"Sources/{guid}.txt", text.encode("utf-8"))
    return count


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
        documents = []
        for source in root.iter(f"{_Q}TextSource"):
            text = _source_text(archive, source, path)
            document = _document(source, text, codes, users, path)
            check_document(document, path)
            documents.append(document)
        return documents


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
        return normalise_newlines(content)
    location = source.get("plainTextPath", "")
    name = "Sources/" + location.removeprefix("internal://")
    try:
        return normalise_newlines(_member(archive, name).decode("utf-8-sig"))
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


def _document(source: ET.Element, text: str, codes: dict[str, _Code],
              users: dict[str | None, str | None], path: Path) -> NewDocument:
    coding: dict[str, list[dict[str, Any]]] = {}
    for selection in source.findall(f"{_Q}PlainTextSelection"):
        guid = selection.get("guid", "")
        try:
            start = int(selection.get("startPosition", ""))
            end = int(selection.get("endPosition", ""))
        except ValueError:
            raise ImportFailed(path, f"selection {guid}: startPosition and endPosition must "
                                     f"be whole numbers") from None
        if not 0 <= start < end <= len(text):
            raise ImportFailed(path, f"selection {guid} [{start}, {end}) lies "
                                     f"outside its source of {len(text)} characters")
        extra = _extra(selection, guid, path)
        refs = [codes[ref.get("targetGUID", "")] for ref in selection.iter(f"{_Q}CodeRef")
                if ref.get("targetGUID", "") in codes]
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
                "updated_at": extra.get("updated_at", "")})
    return NewDocument(text=text, title=source.get("name", ""), source_path=str(path),
                       coding={c: {"status": "in_progress", "variables": {}, "spans": s}
                               for c, s in coding.items()})
