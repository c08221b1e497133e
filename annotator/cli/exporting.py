"""``annotator export``: spans, a document matrix, SPSS, Stata, JSONL, brat, REFI-QDA or the
codebook, written whole or not at all."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annotator.cli.progress import ProgressBar
from annotator.cli.registry import Command, arg, registrar
from annotator.paths import location
from annotator.services import actions
from annotator.storage import Project

COMMANDS: dict[str, Command] = {}
command = registrar(COMMANDS)
PARSERS: dict[str, dict[str, Any]] = {"export": {
    "help": "export spans, a document matrix, JSONL, brat, REFI-QDA or the codebook",
    "args": [
        arg("project", type=location),
        arg("--format", required=True, choices=actions.EXPORT_FORMATS),
        arg("-o", "--output", type=Path, help="file (a folder for brat); default: beside "
                                              "the project"),
        arg("--coders", help="comma-separated coder names (default: all)"),
        arg("--documents", choices=("done", "all"), default="all",
            help="each coder's documents marked done, or all (default)"),
        arg("--excel", action="store_true", help="CSV for Excel: UTF-8 with BOM, "
                                                 "formula-looking cells made plain text"),
        arg("--line-endings", choices=("lf", "crlf"), default="lf",
            help="qdpx: texts with Windows line breaks, positions counted in them (MAXQDA)")]}}

_SUFFIX = {"spans-csv": "-spans.csv", "matrix-csv": "-matrix.csv", "spss": ".sav",
           "stata": ".dta", "jsonl": ".jsonl",
           "brat": "-brat", "qdpx": ".qdpx", "codebook-md": "-codebook.md",
           "codebook-html": "-codebook.html"}


@command("export")
def _export(args: argparse.Namespace) -> int:
    coders = [c.strip() for c in args.coders.split(",") if c.strip()] if args.coders else None
    with Project.open(args.project, read_only=True) as project:
        output = args.output or (Path(project.name + _SUFFIX[args.format]) if project.on_server
                                 else project.path.with_name(project.name + _SUFFIX[args.format]))
        count = actions.export(project, args.format, output, coders=coders,
                               documents=args.documents, excel=args.excel,
                               line_endings=args.line_endings,
                               progress=ProgressBar("exporting"))
    print(f"wrote {output} ({count} {'files' if args.format == 'brat' else 'rows'})")
    return 0
