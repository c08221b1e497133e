"""brat standoff export: a folder per coder with ``docNNNNNN.txt`` and ``.ann`` for every
document, and ``annotation.conf`` and ``visual.conf`` at the top, so brat shows the scheme's
categories, names and colours instead of flagging every type as unknown.

brat reads files with Python's line splitting, which breaks lines not only at ``\\n`` but
also at vertical tab, form feed, the separators U+001C–U+001E, NEL, U+2028 and U+2029. A
span across any of them is cut into fragments (brat cannot show one across a line); a span
of nothing but line breaks cannot be shown at all and is left out. In ``.ann``: T lines
(entity type = category), A lines (the label, choice attributes, true booleans), ``#`` notes
(text and number attributes: brat attribute values are fixed lists without spaces), R lines
(link attributes, ``accuser Arg1:T2 Arg2:T1``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from annotator.domain.model import DocumentRecord, Span
from annotator.domain.scheme import CodingScheme
from annotator.formats.export import atomic_folder

# exactly the characters str.splitlines() breaks at (\r never survives import)
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(f"[{LINE_BREAKS}]")
_NOTE_UNSAFE = re.compile(f"[{LINE_BREAKS}\t]+")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) without its line breaks, as the pieces brat can show (maybe none)."""
    pieces, position = [], start
    for match in _BREAK.finditer(text, start, end):
        if match.start() > position:
            pieces.append((position, match.start()))
        position = match.end()
    if end > position:
        pieces.append((position, end))
    return pieces


def write_brat(records: Iterable[DocumentRecord], path: Path, scheme: CodingScheme) -> int:
    files = 0
    with atomic_folder(path) as folder:
        (folder / "annotation.conf").write_text(annotation_conf(scheme), encoding="utf-8")
        (folder / "visual.conf").write_text(visual_conf(scheme), encoding="utf-8")
        for record in records:
            doc = record.document
            for coder, work in record.coding.items():
                target = folder / coder
                target.mkdir(exist_ok=True)
                stem = f"doc{doc.id:06d}"
                (target / f"{stem}.txt").write_text(doc.text, encoding="utf-8", newline="\n")
                (target / f"{stem}.ann").write_text(ann(doc.text, work.spans, scheme),
                                                    encoding="utf-8", newline="\n")
                files += 1
    return files


def ann(text: str, spans: list[Span], scheme: CodingScheme) -> str:
    lines: list[str] = []
    shown = [(s, fragments(text, s.start, s.end)) for s in spans]
    shown = [(s, f) for s, f in shown if f]
    tids = {s.id: f"T{i}" for i, (s, _) in enumerate(shown, start=1)}
    a = r = n = 0
    for span, pieces in shown:
        tid = tids[span.id]
        where = ";".join(f"{s} {e}" for s, e in pieces)
        lines.append(f"{tid}\t{span.category} {where}\t{' '.join(text[s:e] for s, e in pieces)}")
        if span.label:
            a += 1
            lines.append(f"A{a}\tlabel {tid} {span.label}")
        category = scheme.category(span.category)
        for key, value in span.attributes.items():
            definition = category.attribute(key) if category else None
            kind = definition.type if definition else "text"
            if kind == "link":
                if value in tids:
                    r += 1
                    lines.append(f"R{r}\t{key} Arg1:{tid} Arg2:{tids[value]}")
            elif kind in ("text", "number"):
                n += 1
                lines.append(f"#{n}\tAnnotatorNotes {tid}\t{key}: "
                             f"{_NOTE_UNSAFE.sub(' ', str(value))}")
            elif kind == "boolean":
                if value:
                    a += 1
                    lines.append(f"A{a}\t{key} {tid}")
            else:
                a += 1
                lines.append(f"A{a}\t{key} {tid} {value}")
        if span.memo:  # on one line: brat's notes end at a line break
            n += 1
            lines.append(f"#{n}\tAnnotatorNotes {tid}\tmemo: {_NOTE_UNSAFE.sub(' ', span.memo)}")
        if span.origin:  # made with help (auto-coding, an accepted suggestion)
            n += 1
            lines.append(f"#{n}\tAnnotatorNotes {tid}\torigin: {span.origin}")
    return "\n".join(lines) + ("\n" if lines else "")


def annotation_conf(scheme: CodingScheme) -> str:
    entities = [c.key for c in scheme.categories]
    relations, attributes = [], {}
    labelled = [c for c in scheme.categories if c.labels]
    if labelled:
        attributes["label"] = (
            {c.key for c in labelled}, [lb.key for c in labelled for lb in c.labels])
    for category in scheme.categories:
        for attribute in category.attributes:
            if attribute.type == "link":
                relations.append(f"{attribute.key}\tArg1:{category.key}, "
                                 f"Arg2:{'|'.join(attribute.targets)}")
            elif attribute.type in ("choice", "boolean"):
                args, values = attributes.setdefault(attribute.key, (set(), []))
                args.add(category.key)
                values += [o.key for o in attribute.options if o.key not in values]
    lines = ["[entities]", *entities, "", "[relations]", *dict.fromkeys(relations), "",
             "[events]", "", "[attributes]"]
    for name, (args, values) in attributes.items():
        ordered = "|".join(c.key for c in scheme.categories if c.key in args)
        lines.append(f"{name}\tArg:{ordered}" + (f", Value:{'|'.join(values)}" if values
                                                  else ""))
    return "\n".join(lines) + "\n"


def visual_conf(scheme: CodingScheme) -> str:
    lines = ["[labels]"]
    lines += [f"{c.key} | {c.name.replace('|', '/')}" for c in scheme.categories]
    lines += ["", "[drawing]"]
    lines += [f"{c.key}\tbgColor:{c.colour}" for c in scheme.categories]
    return "\n".join(lines) + "\n"
