"""A REFI-QDA project reader that behaves as QualCoder's project import does, for testing
that a QualCoder user can open what we export.

Written for these tests from the steps of QualCoder's ``refi.py`` (``RefiImport``, QualCoder
at commit c3204641; QualCoder is LGPL-3.0, and none of its code is copied here). What it
keeps of QualCoder's behaviour, because each has bitten a real export:

- every ``Note`` must carry ``creationDateTime`` or ``modifiedDateTime``: QualCoder calls
  ``.replace('T', ' ')`` on it and stops with ``AttributeError`` on a note with neither
  (sources and codings are loaded by then; cases, file variables and notes are not);
- a ``Case`` *without* a name and with one ``SourceRef`` holds that source's variables (file
  attributes, as MAXQDA writes them); a named case becomes a case of its own, not linked to
  any source;
- a source's text is read with universal newlines; if its first line break was CRLF, every
  ``\\n`` becomes ``\\n `` (QualCoder's fix for NVivo), except in a file from ATLAS.ti;
- a coding's text is ``fulltext[start:end]``, positions taken as they are;
- users are found by ``creatingUser`` (else ``modifyingUser``); an unknown one is "default";
- code names are unique in QualCoder: a second code of the same name reuses the first.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

_NS = "{urn:QDA-XML:project:1.0}"
_VALUES = tuple(f"{_NS}{t}" for t in ("TextValue", "BooleanValue", "IntegerValue", "FloatValue",
                                       "DateValue", "DateTimeValue"))


@dataclass
class Coding:
    source: str
    code: str
    text: str
    start: int
    end: int
    owner: str
    date: str


@dataclass
class QualCoderProject:
    sources: dict[str, str] = field(default_factory=dict)  # name → full text
    codes: dict[str, str] = field(default_factory=dict)  # guid → name
    codings: list[Coding] = field(default_factory=list)
    file_attributes: dict[str, dict[str, str | None]] = field(default_factory=dict)
    cases: dict[str, dict[str, str | None]] = field(default_factory=dict)
    journals: list[str] = field(default_factory=list)
    annotations: int = 0
    messages: list[str] = field(default_factory=list)  # what QualCoder would tell the user


def _date(element: ET.Element, *, required: bool) -> str:
    date = element.get("creationDateTime")
    if date is None:
        date = element.get("modifiedDateTime")
    if date is None and not required:
        date = datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    return date.replace("T", " ").replace("Z", "")  # type: ignore[union-attr]  # as QualCoder


def read_as_qualcoder(path: Path) -> QualCoderProject:
    out = QualCoderProject()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        folder = "sources/" if any(n.startswith("sources/") for n in names) else "Sources/"
        root = ET.fromstring(archive.read("project.qde"))
        software = root.get("origin")
        if root.get("basePath") is None:
            software.upper()  # type: ignore[union-attr]  # QualCoder stops without an origin
        users = {u.get("guid"): u.get("name") for u in root.iter(f"{_NS}User")}
        names_taken: dict[str, str] = {}

        def sub_codes(code: ET.Element) -> None:
            if code.get("isCodable") != "false" and (name := code.get("name")) is not None:
                out.codes[code.get("guid", "")] = names_taken.setdefault(name, name)
            for child in code.findall(f"{_NS}Code"):
                sub_codes(child)

        book = root.find(f"{_NS}CodeBook")
        if book is not None:
            for code in list(book)[0]:
                sub_codes(code)
        variables: dict[str | None, str | None] = {}
        for variable in root.iter(f"{_NS}Variable"):
            if variable.get("name") in variables.values():
                out.messages.append(f"Variable name already exists: {variable.get('name')}")
            variables[variable.get("guid")] = variable.get("name")
        file_vars: list[tuple[str, str | None, str | None]] = []
        for case in root.iter(f"{_NS}Case"):
            refs = case.findall(f"{_NS}SourceRef")
            if case.get("name") is not None or len(refs) != 1:
                continue
            for value in case.findall(f"{_NS}VariableValue"):
                ref = value.find(f"{_NS}VariableRef")
                text = next((v.text for v in value if v.tag in _VALUES), None)
                file_vars.append((refs[0].get("targetGUID", ""),
                                  variables.get(ref.get("targetGUID") if ref is not None
                                                else None), text))
        source_names: dict[str, str] = {}
        note_refs: set[str] = set()
        for source in root.iter(f"{_NS}TextSource"):
            name = source.get("name") or ""
            if name in out.sources:
                name = f"{len(out.sources)}_{name}"
            _date(source, required=False)
            member = folder + source.get("plainTextPath", "").split("internal://")[1]
            raw = archive.read(member)
            first_break = raw.find(b"\n")
            add_ending = first_break > 0 and raw[first_break - 1:first_break] == b"\r" \
                and "ATLAS" not in (software or "")
            text = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="replace").read()
            if add_ending:
                text = text.replace("\n", "\n ")
            out.sources[name] = text
            source_names[source.get("guid", "")] = name
            seen: set[tuple[str, int, int, str]] = set()
            for selection in source.findall(f"{_NS}PlainTextSelection"):
                start, end = int(selection.get("startPosition", "")), int(
                    selection.get("endPosition", ""))
                date = _date(selection, required=False)
                user = selection.get("creatingUser") or selection.get("modifyingUser")
                owner = users.get(user) or "default"
                for coding in selection.findall(f"{_NS}Coding"):
                    code = out.codes.get(list(coding)[0].get("targetGUID", ""), "")
                    if (code, start, end, owner) in seen:
                        out.messages.append(f"Duplicated text coding for code and coder: "
                                            f"{code} {start}-{end}")
                        continue
                    seen.add((code, start, end, owner))
                    out.codings.append(Coding(name, code, text[start:end], start, end, owner,
                                              date))
            note_refs.update(r.get("targetGUID", "") for r in source.findall(f"{_NS}NoteRef"))
        for note in root.iter(f"{_NS}Note"):
            _date(note, required=True)  # AttributeError on a note without either date
            if note.get("guid") in note_refs:
                if note.find(f"{_NS}PlainTextSelection") is not None:
                    out.annotations += 1
            elif note.get("plainTextPath") is not None and note.get("name") != "":
                out.journals.append(note.get("name") or "")
        for source_guid, variable, value in file_vars:
            if source_guid in source_names:
                out.file_attributes.setdefault(source_names[source_guid], {})[
                    variable or ""] = value
        for case in root.iter(f"{_NS}Case"):
            if case.get("name") is None:
                continue
            values = out.cases.setdefault(case.get("name") or "", {})
            for value in case.findall(f"{_NS}VariableValue"):
                ref = value.find(f"{_NS}VariableRef")
                values[variables.get(ref.get("targetGUID") if ref is not None else None)
                       or ""] = next((v.text for v in value if v.tag in _VALUES), None)
    return out
