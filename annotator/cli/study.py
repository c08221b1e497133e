"""The command line of a reliability study: ``assign``, ``package``, ``merge``,
``adjudicate`` and ``study``.

Registered into the command line by ``annotator.cli.registry``; the work is done by
``annotator.services.study``, the same functions the window calls.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annotator.cli.registry import Command, registrar
from annotator.domain.errors import AnnotatorError
from annotator.paths import location
from annotator.services import study
from annotator.storage import Project

COMMANDS: dict[str, Command] = {}


def add_commands(sub: Any) -> None:
    s = sub.add_parser("assign", help="assign documents to coders, with a double-coded "
                                      "reliability sample")
    s.add_argument("project", type=location)
    s.add_argument("--coders", required=True, help="comma-separated coder names")
    group = s.add_mutually_exclusive_group()
    group.add_argument("--overlap", help="the reliability sample as a share of all the "
                                         "documents, e.g. 20%%; each sample document is "
                                         "coded by --per-document coders")
    group.add_argument("--overlap-count", type=int, help="the reliability sample as a "
                                                         "number of documents")
    s.add_argument("--per-document", type=int, default=2,
                   help="coders per document in the sample (default 2)")
    s.add_argument("--stratify", help="draw the sample proportionally by outlet, "
                                      "date:month, date:year or a document variable")
    s.add_argument("--seed", type=int, default=1, help="the draw repeats with the same seed")
    s.add_argument("--import-order", action="store_true",
                   help="each coder sees documents in import order (default: their own "
                        "random order)")

    s = sub.add_parser("package", help="a project for one coder: their documents and "
                                       "their own work only (blind by construction)")
    s.add_argument("project", type=location)
    s.add_argument("--coder", required=True)
    s.add_argument("-o", "--output", type=Path, required=True)

    s = sub.add_parser("merge", help="bring other coders' projects into TARGET")
    s.add_argument("target", type=location)
    s.add_argument("sources", type=location, nargs="+")
    s.add_argument("--rename", action="append", default=[], metavar="[SOURCE:]OLD=NEW",
                   help="bring a source coder in under another name, in every source or "
                        "in one (SOURCE: its file name); repeatable")
    s.add_argument("--theirs", action="append", default=[], metavar="CODER",
                   help="where this coder's work conflicts, take the source's; repeatable")
    s.add_argument("--ours", action="append", default=[], metavar="CODER",
                   help="where this coder's work conflicts, keep the target's; repeatable")
    s.add_argument("--dry-run", action="store_true",
                   help="list what the merge would do for every document and coder; write "
                        "nothing")

    s = sub.add_parser("adjudicate", help="accept into gold, in every document, the spans "
                                          "all coders (or a majority) agree on")
    s.add_argument("project", type=location)
    s.add_argument("--majority", action="store_true",
                   help="more than half of a document's coders suffice (default: all)")

    s = sub.add_parser("study", help="show the study design; lock or unlock blind coding")
    s.add_argument("project", type=location)
    s.add_argument("--lock-blind", action="store_true", help="coders cannot turn blind off")
    s.add_argument("--unlock-blind", action="store_true")
    s.add_argument("--lock-suggestions", action="store_true",
                   help="coders cannot turn suggestions on (reliability on hand coding)")
    s.add_argument("--unlock-suggestions", action="store_true")
    s.add_argument("--training", metavar="IDS", help="mark these documents (comma-separated "
                                                     "ids) as the practice set")
    s.add_argument("--sample", action="store_true",
                   help="list the documents of the reliability sample with their coders")


def project_training(path: Path) -> list[int]:
    with Project.open(path, read_only=True) as project:
        return list(project.study_setting("training_documents", []))


def project_setting(path: Path, key: str) -> object:
    with Project.open(path, read_only=True) as project:
        return project.study_setting(key, None)


command = registrar(COMMANDS)


@command("assign")
def _assign(args: argparse.Namespace) -> int:
    coders = [c.strip() for c in args.coders.split(",") if c.strip()]
    overlap = args.overlap if args.overlap is not None else args.overlap_count
    with Project.open(args.project) as project:
        plan = study.assign(project, coders, overlap=overlap, per_document=args.per_document,
                            stratify=args.stratify, seed=args.seed,
                            import_order=args.import_order)
    load = plan.load()
    print(f"assigned {len(plan.coders)} documents; reliability sample: "
          f"{len(plan.reliability)} documents coded by {args.per_document} coders each")
    for coder in coders:
        print(f"  {coder}: {load[coder]} documents")
    return 0


@command("package")
def _package(args: argparse.Namespace) -> int:
    with Project.open(args.project, read_only=True) as project:
        count = study.package(project, args.coder, args.output)
    print(f"wrote {args.output}: {count} documents for {args.coder}, blind")
    return 0


@command("adjudicate")
def _adjudicate(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        done = study.adjudicate(project, args.majority)
    added = done.spans_added
    print(f"accepted {added} span{'s' * (added != 1)} into gold, and {done.values_set} "
          f"document variable value{'s' * (done.values_set != 1)}")
    print(f"{done.documents_done} of {done.documents} documents with two or more coders are "
          f"settled (gold marked done); left to settle by hand: {done.spans_left} span(s), "
          f"{done.values_left} variable(s)")
    for what in done.left[:20]:
        print(f"  {what}")
    if len(done.left) > 20:
        print(f"  … and {len(done.left) - 20} more")
    return 0


@command("study")
def _study(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        if args.lock_blind or args.unlock_blind:
            project.set_study_setting("blind_locked", bool(args.lock_blind))
        if args.lock_suggestions or args.unlock_suggestions:
            project.set_study_setting("suggestions_locked", bool(args.lock_suggestions))
        if args.training is not None:
            ids = sorted({int(i) for i in args.training.split(",") if i.strip()})
            unknown = set(ids) - set(project.all_document_ids())
            if unknown:
                raise AnnotatorError(f"no document with id {', '.join(map(str, sorted(unknown)))}")
            project.set_study_setting("training_documents", ids)
        design = project.design()
        if (said := study.drawn(project.study_setting("design"))) is not None:
            print(f"design: {said}")
        if args.sample:
            sample: dict[int, list[str]] = {}
            for doc, coder, reliability in project.assignment_rows():
                if reliability:
                    sample.setdefault(doc, []).append(coder)
            for doc, coders in sorted(sample.items()):
                print(f"  sample document {doc}: {', '.join(sorted(coders))}  "
                      f"{project.document(doc).title[:60]}")
    for coder, counts in design["coders"].items():
        print(f"{coder}: {counts['assigned']} assigned, {counts['done']} done, "
              f"{counts['in_progress']} in progress")
    training = project_training(args.project)
    if training:
        print(f"training documents: {', '.join(map(str, training))}")
    print(f"reliability sample: {design['reliability_complete']} of "
          f"{design['reliability_sample']} done; blind coding "
          f"{'locked' if design['blind_locked'] else 'each coder’s choice'}; suggestions "
          f"{'off' if project_setting(args.project, 'suggestions_locked') else 'on request'}")
    return 0


@command("merge")
def _merge(args: argparse.Namespace) -> int:
    renames = study.parse_renames(args.rename)
    with Project.open(args.target, read_only=args.dry_run) as target:
        result = study.merge_projects(target, args.sources, renames, theirs=args.theirs,
                                      ours=args.ours, dry_run=args.dry_run)
    for note in result.scheme_notes:
        print(f"note: {note}")
    for decision in result.decisions:
        if args.dry_run or decision.action != "keep" or decision.settled:
            print(decision)
    counts = result.counts()
    if args.dry_run:
        print(f"dry run: {result.documents_added} new documents; coders' documents: "
              f"{counts['add']} to add, {counts['replace']} to replace, {counts['keep']} to "
              f"keep, {counts['conflict']} conflict(s); nothing was written")
        return 1 if counts["conflict"] else 0
    if result.backup:
        print(f"backup of the project before the merge replaced work: {result.backup}")
    print(f"merged: {result.documents_added} new documents, {result.spans_added} spans, "
          f"{result.values_added} variable values; {counts['add']} coders' documents added, "
          f"{result.replaced} replaced, {counts['keep']} kept as they were")
    return 0
