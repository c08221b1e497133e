"""``annotator agreement``: the inter-coder agreement report, as a table, CSV, JSON or HTML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annotator.cli.progress import ProgressBar
from annotator.cli.registry import Command, arg, registrar
from annotator.paths import location
from annotator.services import actions
from annotator.storage import Project

COMMANDS: dict[str, Command] = {}
command = registrar(COMMANDS)
PARSERS: dict[str, dict[str, Any]] = {"agreement": {
    "help": "inter-coder agreement report", "args": [
        arg("project", type=location),
        arg("--coders", help="comma-separated coder names (default: all but gold)"),
        arg("--category", help="only this category's spans"),
        arg("--scope", choices=("done", "all"), default="done",
            help="documents at least two coders marked done (default), or coded at all"),
        arg("--continuum", choices=("separate", "joined"), default="separate",
            help="u-alpha: documents apart (default), or end to end as DKPro Agreement and "
                 "INCEpTION join them"),
        arg("--training", action="store_true",
            help="only the practice documents (e.g. --coders trainee,gold)"),
        arg("--format", choices=("table", "csv", "json", "html"), default="table"),
        arg("--bootstrap", type=int, default=1000, metavar="N",
            help="bootstrap samples for alpha's 95%% interval (0: none)"),
        arg("--gamma", type=int, nargs="?", const=30, default=0, metavar="SAMPLES",
            help="also Mathet's gamma, gamma-cat and gamma-k, from SAMPLES sampled corpora "
                 "(default 30; seconds at a thousand spans)"),
        arg("--seed", type=int, default=0, help="gamma's sampler seed (default 0)"),
        arg("--without-assisted", action="store_true",
            help="leave out spans made with help (auto-coding, accepted suggestions)"),
        arg("-o", "--output", type=Path, help="write to a file instead of the screen")]}}


@command("agreement")
def _agreement(args: argparse.Namespace) -> int:
    coders = [c.strip() for c in args.coders.split(",") if c.strip()] if args.coders else None
    with Project.open(args.project, read_only=True) as project:
        report = actions.agreement_report(
            project, coders, args.scope, args.category, args.bootstrap, args.continuum,
            args.training, gamma_samples=args.gamma, gamma_seed=args.seed,
            without_assisted=args.without_assisted,
            progress=ProgressBar("gamma: sampled corpora") if args.gamma else None)
    from annotator.agreement.render import RENDERERS

    text = RENDERERS[args.format](report)
    if args.output:
        actions.write_atomically(args.output, text)
        print(f"wrote {args.output} ({len(report.rows)} figures, {report.documents} documents)")
    else:
        sys.stdout.write(text)
    return 0
