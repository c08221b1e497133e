"""``annotator import``: files and folders into a project, all or nothing, with a summary
per file; ``--dry-run`` prints the articles found in each file, each marked if the project
holds it already (``*``) or holds its text printed elsewhere (``≈``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annotator.cli.progress import ProgressBar
from annotator.cli.registry import Command, arg, registrar
from annotator.domain.errors import shown_name
from annotator.domain.model import NewDocument
from annotator.paths import location
from annotator.services import actions
from annotator.storage import Project

Found = list[tuple[Path, list[NewDocument]]]
COMMANDS: dict[str, Command] = {}
command = registrar(COMMANDS)
PARSERS: dict[str, dict[str, Any]] = {"import": {
    "help": "import article files or folders, all or nothing", "args": [
        arg("project", type=location),
        arg("paths", type=Path, nargs="+"),
        arg("--encoding", help="encoding of files that are not UTF-8 or UTF-16 with BOM"),
        arg("--text-field", help="CSV column or JSONL field holding the text (default: "
                                 "text, body or content)"),
        arg("--dry-run", action="store_true",
            help="list the articles found in each file; write nothing"),
        arg("--as-one-document", action="store_true",
            help="do not split LexisNexis / Nexis Uni batch files into articles"),
        arg("--strict", action="store_true",
            help="refuse a batch file with an article that cannot be read whole (default: "
                 "import it as far as it goes and say what is missing)")]}}


@command("import")
def _import(args: argparse.Namespace) -> int:
    if args.dry_run:
        with Project.open(args.project, read_only=True) as project:
            found = actions.preview_import(args.paths, encoding=args.encoding,
                                           text_field=args.text_field,
                                           as_one_document=args.as_one_document,
                                           strict=args.strict,
                                           scheme=project.scheme)
            print_preview(found, *known_to(project, found))
        return 0
    with Project.open(args.project) as project:
        result = actions.import_paths(project, args.paths, encoding=args.encoding,
                                      text_field=args.text_field,
                                      progress=ProgressBar("importing"),
                                      as_one_document=args.as_one_document,
                                      strict=args.strict)
        if len(result.files) > 1 or result.notes:  # per file, with what its reader said
            for summary in result.files:
                print(f"  {summary}")
                for note in summary.notes:
                    print(f"note: {summary.name}: {note}", file=sys.stderr)
        print(f"imported {result.added} document{'s' * (result.added != 1)}; skipped "
              f"{result.duplicates} duplicate{'s' * (result.duplicates != 1)}")
    return 0


def known_to(project: Project, found: Found) -> tuple[set[str], dict[str, int]]:
    """The publication keys of ``found`` that ``project`` holds, and (by content hash) the
    first document holding the text of each other one."""
    known, elsewhere = set(), {}
    for _, documents in found:
        for d in documents:
            if project.document_id_by_key(d.publication_key) is not None:
                known.add(d.publication_key)
            elif twins := project.document_ids_by_text(d.content_hash):
                elsewhere[d.content_hash] = twins[0]
    return known, elsewhere


def print_preview(found: Found, known: set[str] | frozenset[str] = frozenset(),
                  elsewhere: dict[str, int] | None = None) -> None:
    """Each file's articles and what its reader said; ``known``: the publication keys
    already in the project; ``elsewhere``: content hash → the document that has the text
    under another outlet or date (it would be imported, as a publication of its own)."""
    elsewhere = elsewhere or {}
    for path, documents in found:
        there = sum(d.publication_key in known for d in documents)
        twins = sum(d.publication_key not in known and d.content_hash in elsewhere
                    for d in documents)
        print(f"{shown_name(path)}: {len(documents)} article{'s' * (len(documents) != 1)}"
              + (f", {there} already in the project" if there else "")
              + (f", {twins} with the same text as a document in the project" if twins
                 else ""))
        for n, d in enumerate(documents, start=1):
            twin = elsewhere.get(d.content_hash) if d.publication_key not in known else None
            mark = "*" if d.publication_key in known else "≈" if twin else " "
            print(f" {mark}{n:>4}. {d.date or '—':<10}  {(d.outlet or '—')[:28]:<28}  "
                  f"{len(d.text):>8,} chars  {d.title[:70]}")
            if twin:
                print(f"        note: the same text as document {twin}, printed by another "
                      f"outlet or on another date: imported as a publication of its own")
            for note in d.notes:
                print(f"        note: {note}")
    total = sum(len(d) for _, d in found)
    print(f"{total} article{'s' * (total != 1)} in {len(found)} file"
          f"{'s' * (len(found) != 1)}; nothing was imported (--dry-run)")
