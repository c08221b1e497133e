"""The command line over the corpus as a whole: ``duplicates`` (near-duplicate groups,
printed, kept one per group, or marked in the metadata).

Registered into the command line by ``annotator.cli.registry``; the work is done by
``annotator.services.duplicates``, the same functions the window's dialog calls.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from annotator.cli.progress import ProgressBar, write_rows
from annotator.cli.registry import Command, registrar
from annotator.domain.errors import AnnotatorError
from annotator.paths import location
from annotator.services import duplicates
from annotator.storage import Project

COMMANDS: dict[str, Command] = {}


def add_commands(sub: Any) -> None:
    s = sub.add_parser("duplicates", help="find near-duplicate documents (the same wire story "
                                          "in several outlets); keep one per group or mark "
                                          "the groups")
    s.add_argument("project", type=location)
    s.add_argument("--threshold", type=float, default=0.9,
                   help="least Jaccard similarity of two documents' 5-word shingles "
                        "(default 0.9)")
    action = s.add_mutually_exclusive_group()
    action.add_argument("--keep-one", action="store_true",
                        help="remove every member but one per group (documents somebody "
                             "has coded or been assigned are always kept)")
    action.add_argument("--mark", action="store_true",
                        help=f"keep all; write each group's first id into the metadata "
                             f"field {duplicates.GROUP_FIELD!r}")
    s.add_argument("--format", choices=("table", "csv", "json"), default="table")


command = registrar(COMMANDS)


@command("duplicates")
def _duplicates(args: argparse.Namespace) -> int:
    if not 0 < args.threshold <= 1:
        raise AnnotatorError("--threshold is a similarity between 0 and 1, e.g. 0.9")
    with Project.open(args.project, read_only=not (args.keep_one or args.mark)) as project:
        groups = duplicates.find(project, args.threshold,
                                 progress=ProgressBar("comparing documents"))
        removed: list[int] = []
        if args.keep_one:
            removed = duplicates.removable(groups)
            project.remove_documents(removed)
        elif args.mark:
            project.set_metadata_field(duplicates.GROUP_FIELD, duplicates.marks(groups, project))
    _print(groups, args.format, set(removed) if args.keep_one else None)
    members = sum(len(g.members) for g in groups)
    summary = (f"{len(groups)} group{'s' * (len(groups) != 1)} of near-duplicates "
               f"({members} documents, similarity ≥ {args.threshold:g})")
    if args.keep_one:
        summary += f"; removed {len(removed)}, kept one per group"
        worked = sum(1 for g in groups for m in g.members if m.has_work) - sum(
            1 for g in groups if any(m.has_work for m in g.members))
        if worked > 0:
            summary += f" (and {worked} more that somebody has worked on)"
    elif args.mark:
        summary += f"; marked in the metadata field {duplicates.GROUP_FIELD!r}"
    print(summary, file=sys.stderr if args.format != "table" else sys.stdout)
    return 0


def _print(groups: list[duplicates.Group], fmt: str, removed: set[int] | None) -> None:
    """``removed``: what --keep-one removed; without it, the suggestion of what to keep."""
    def kept(g: duplicates.Group, m: duplicates.Member) -> bool:
        return m.id not in removed if removed is not None else m.id in g.keep

    rows = [{"group": g.number, "document": m.id, "keep": kept(g, m),
             "similarity": m.similarity, "has_work": m.has_work, "date": m.date or "",
             "outlet": m.outlet or "", "length": m.length, "title": m.title}
            for g in groups for m in g.members]
    if fmt != "table":
        write_rows(rows, fmt, "group")
        return
    for g in groups:
        print(f"group {g.number}: {len(g.members)} documents")
        for m in g.members:
            mark = "keep" if kept(g, m) else ("removed" if removed is not None else "")
            worked = " coded" if m.has_work else ""
            print(f"  {mark:<7} {m.id:>7}  {m.similarity:5.3f}  {m.date or '—':<10}  "
                  f"{(m.outlet or '—')[:20]:<20}  {m.title[:60]}{worked}")
