"""The command line for finding things: ``search`` (keyword-in-context lines for a query),
``autocode`` (code every match as a category, after a dry run if wanted) and ``segments``
(every coded span of a category with its context).

Registered into the command line by ``annotator.cli.registry``; the work is done by
``annotator.services.search`` and the store, the same functions the window's panels call.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from annotator.cli.progress import write_rows
from annotator.cli.registry import Command, registrar
from annotator.domain.errors import AnnotatorError
from annotator.paths import location
from annotator.services import search
from annotator.storage import Project

COMMANDS: dict[str, Command] = {}
_QUERY_HELP = ('words, "a phrase", prefix* (Stolten*), AND / OR / NOT and parentheses; '
               'case and accents are ignored')


def add_commands(sub: Any) -> None:
    s = sub.add_parser("search", help="find a query in every document: keyword-in-context "
                                      "lines with counts per document")
    s.add_argument("project", type=location)
    s.add_argument("query", help=_QUERY_HELP)
    s.add_argument("--coder", help="search only the documents assigned to this coder")
    s.add_argument("--sort", choices=search.SORTS, default="document")
    s.add_argument("--width", type=int, default=40, help="characters of context either side")
    s.add_argument("--limit", type=int, default=search.LIMIT,
                   help=f"lines at most (default {search.LIMIT})")
    s.add_argument("--format", choices=("table", "csv", "json"), default="table")

    a = sub.add_parser("autocode", help="code every match of a query as one category "
                                        "(and label) for a coder, in one step")
    a.add_argument("project", type=location)
    a.add_argument("--coder", required=True)
    a.add_argument("--query", required=True, help=_QUERY_HELP)
    a.add_argument("--category", required=True)
    a.add_argument("--label")
    a.add_argument("--attribute", action="append", default=[], metavar="KEY=VALUE",
                   help="an attribute of every new span (repeat for more), e.g. actor=Stoltenberg")
    a.add_argument("--dry-run", action="store_true",
                   help="print the spans that would be added, add nothing")

    g = sub.add_parser("segments", help="every coded span of a category (and label) with "
                                        "its context, document, date and outlet")
    g.add_argument("project", type=location)
    g.add_argument("--category")
    g.add_argument("--label")
    g.add_argument("--coder", help="one coder's spans (default: every coder's)")
    g.add_argument("--width", type=int, default=40)
    g.add_argument("--format", choices=("table", "csv", "json"), default="table")


command = registrar(COMMANDS)


@command("search")
def _search(args: argparse.Namespace) -> int:
    with Project.open(args.project, read_only=True) as project:
        result = search.search(project, args.query, coder=args.coder, limit=args.limit,
                               width=args.width)
    hits = search.sort_hits(result.hits, args.sort)
    rows = [{"document": h.document_id, "date": h.date or "", "outlet": h.outlet or "",
             "title": h.title, "start": h.start, "end": h.end, "left": h.left,
             "match": h.match, "right": h.right,
             "matches_in_document": result.per_document[h.document_id]} for h in hits]
    if args.format == "table":
        for h in hits:
            print(f"{h.document_id:>7}  {h.left[-args.width:]:>{args.width}} [{h.match}] "
                  f"{h.right[:args.width]}")
    else:
        write_rows(rows, args.format, "document")
    more = f"; the first {len(hits)} lines shown" if result.truncated else ""
    print(f"{len(result.hits)} match{'es' * (len(result.hits) != 1)} in "
          f"{result.documents} document{'s' * (result.documents != 1)}{more}",
          file=sys.stdout if args.format == "table" else sys.stderr)
    return 0


@command("autocode")
def _autocode(args: argparse.Namespace) -> int:
    attributes = dict(_attribute(a) for a in args.attribute)
    with Project.open(args.project, read_only=args.dry_run) as project:
        result = search.search(project, args.query, coder=args.coder, limit=10**9, width=0)
        found = search.proposals(project, result.hits, args.coder, args.category, args.label)
        new = search.places(found)
        if not args.dry_run and new:  # all or nothing: one transaction, checked first
            project.add_spans(args.coder, args.category, new, args.label, attributes)
    for p in found:
        mark = "exists" if p.exists else ("would add" if args.dry_run else "added")
        print(f"{mark:<9} {p.document_id:>7}  [{p.start}, {p.end})  {p.text[:60]}")
    documents = len({d for d, _, _ in new})
    verb = "would add" if args.dry_run else "added"
    print(f"{verb} {len(new)} {args.category} span{'s' * (len(new) != 1)} for {args.coder} "
          f"in {documents} document{'s' * (documents != 1)}; {len(found) - len(new)} "
          f"already coded")
    return 0


def _attribute(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise AnnotatorError(f"--attribute {text!r}: write KEY=VALUE, e.g. actor=Stoltenberg")
    try:  # numbers and true/false as such; anything else is text
        parsed = json.loads(value)
    except ValueError:
        parsed = value
    return key, parsed if isinstance(parsed, (int, float, bool)) else value


@command("segments")
def _segments(args: argparse.Namespace) -> int:
    with Project.open(args.project, read_only=True) as project:
        if args.category and project.scheme.category(args.category) is None:
            raise AnnotatorError(f"category {args.category!r} is not in the coding scheme")
        found = project.segments(args.category, args.label, args.coder, width=args.width)
    rows: list[dict[str, Any]] = [
        {"span": s.span.id, "document": s.span.document_id, "coder": s.span.coder,
         "category": s.span.category, "label": s.span.label or "", "start": s.span.start,
         "end": s.span.end, "left": " ".join(s.left.split()), "text": s.span.text,
         "right": " ".join(s.right.split()), "date": s.date or "", "outlet": s.outlet or "",
         "title": s.title, "memo": s.span.memo} for s in found]
    if args.format == "table":
        for r in rows:
            print(f"{r['document']:>7}  {r['coder']:<10} {r['label'] or r['category']:<20} "
                  f"{r['left'][-args.width:]:>{args.width}} [{' '.join(r['text'].split())}] "
                  f"{r['right']}")
        print(f"{len(rows)} span{'s' * (len(rows) != 1)}")
    else:
        write_rows(rows, args.format, "document")
    return 0
