"""Command-line entry points. They call the same functions as the window; no Qt until the GUI.

Exit codes: 0 ok; 1 a user error (one line on stderr, no traceback); 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from annotator import __version__, actions
from annotator.cli_corpus import CORPUS_COMMANDS, add_corpus_commands
from annotator.cli_import import known_to, print_preview
from annotator.cli_progress import Command, ProgressBar, registrar
from annotator.cli_search import SEARCH_COMMANDS, add_search_commands
from annotator.cli_server import SERVER_COMMANDS, add_server_commands
from annotator.cli_study import STUDY_COMMANDS, add_study_commands
from annotator.domain.errors import AnnotatorError, shown_name
from annotator.paths import is_server, location, shown_location
from annotator.storage import Project, describe, is_storage_failure

COMMANDS: dict[str, Command] = {}
command = registrar(COMMANDS)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="annotator",
        description="Hand-code news articles with a coding scheme. Without a command, opens "
                    "the window on PROJECT (default: the sample project in your data folder).")
    p.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("new", help="create a project")
    s.add_argument("project", type=location)
    s.add_argument("--scheme", type=Path, help="coding scheme file (default: the bundled one)")

    s = sub.add_parser("import", help="import article files or folders, all or nothing")
    s.add_argument("project", type=location)
    s.add_argument("paths", type=Path, nargs="+")
    s.add_argument("--encoding", help="encoding of files that are not UTF-8 or UTF-16 with BOM")
    s.add_argument("--text-field", help="CSV column or JSONL field holding the text "
                                        "(default: text, body or content)")
    s.add_argument("--dry-run", action="store_true",
                   help="list the articles found in each file; write nothing")
    s.add_argument("--as-one-document", action="store_true",
                   help="do not split LexisNexis / Nexis Uni batch files into articles")
    s.add_argument("--strict", action="store_true",
                   help="refuse a batch file with an article that cannot be read whole "
                        "(default: import it as far as it goes and say what is missing)")

    s = sub.add_parser("scheme", help="check a coding scheme, or apply it to a project")
    scheme_sub = s.add_subparsers(dest="scheme_command", metavar="ACTION", required=True)
    c = scheme_sub.add_parser("check", help="validate a scheme file")
    c.add_argument("file", type=Path)
    c = scheme_sub.add_parser("apply", help="make a changed scheme current in a project")
    c.add_argument("project", type=location)
    c.add_argument("file", type=Path)

    s = sub.add_parser("info", help="documents, coders, spans and status counts")
    s.add_argument("project", type=location)
    s.add_argument("--json", action="store_true", help="print JSON")

    s = sub.add_parser("agreement", help="inter-coder agreement report")
    s.add_argument("project", type=location)
    s.add_argument("--coders", help="comma-separated coder names (default: all but gold)")
    s.add_argument("--category", help="only this category's spans")
    s.add_argument("--scope", choices=("done", "all"), default="done",
                   help="documents at least two coders marked done (default), or coded at all")
    s.add_argument("--continuum", choices=("separate", "joined"), default="separate",
                   help="u-alpha: documents apart (default), or end to end as DKPro "
                        "Agreement and INCEpTION join them")
    s.add_argument("--training", action="store_true",
                   help="only the practice documents (e.g. --coders trainee,gold)")
    s.add_argument("--format", choices=("table", "csv", "json", "html"), default="table")
    s.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                   help="bootstrap samples for alpha's 95%% interval (0: none)")
    s.add_argument("--gamma", type=int, nargs="?", const=30, default=0, metavar="SAMPLES",
                   help="also Mathet's gamma, gamma-cat and gamma-k, from SAMPLES sampled "
                        "corpora (default 30; seconds at a thousand spans)")
    s.add_argument("--seed", type=int, default=0, help="gamma's sampler seed (default 0)")
    s.add_argument("-o", "--output", type=Path, help="write to a file instead of the screen")

    s = sub.add_parser("export", help="export spans, a document matrix, JSONL, brat, "
                                      "REFI-QDA or the codebook")
    s.add_argument("project", type=location)
    s.add_argument("--format", required=True, choices=actions.EXPORT_FORMATS)
    s.add_argument("-o", "--output", type=Path, help="file (a folder for brat); default: "
                                                     "beside the project")
    s.add_argument("--coders", help="comma-separated coder names (default: all)")
    s.add_argument("--documents", choices=("done", "all"), default="all",
                   help="each coder's documents marked done, or all (default)")
    s.add_argument("--excel", action="store_true", help="CSV for Excel: UTF-8 with BOM, "
                                                        "formula-looking cells made plain text")
    s.add_argument("--line-endings", choices=("lf", "crlf"), default="lf",
                   help="qdpx: texts with Windows line breaks, positions counted in them "
                        "(MAXQDA)")

    s = sub.add_parser("copy", help="a safe copy of a project, e.g. for another coder")
    s.add_argument("project", type=location)
    s.add_argument("copy", type=location)

    add_study_commands(sub)
    add_corpus_commands(sub)
    add_search_commands(sub)
    add_server_commands(sub)

    s = sub.add_parser("check", help="check a project file; --repair writes a repaired copy")
    s.add_argument("project", type=location)
    s.add_argument("--repair", action="store_true",
                   help="write PROJECT.repaired.annotator beside it from what is readable")

    s = sub.add_parser("backup", help="back the project up now (the window does at open)")
    s.add_argument("project", type=location)

    s = sub.add_parser("restore", help="list a project's backups, or restore one")
    s.add_argument("project", type=location)
    s.add_argument("backup", nargs="?", help="the number from the list (1: newest) or a path")

    s = sub.add_parser("gui", help="open the window (the default)")
    s.add_argument("project", type=location, nargs="?")
    return p


@command("new")
def _new(args: argparse.Namespace) -> int:
    with actions.new_project(args.project, args.scheme) as project:
        print(f"created {project.location} with scheme {project.scheme.name!r}")
    return 0


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


@command("scheme")
def _scheme(args: argparse.Namespace) -> int:
    from annotator.domain.scheme_loader import load_scheme

    scheme = load_scheme(args.file)
    if args.scheme_command == "check":
        labels = sum(len(c.labels) for c in scheme.categories)
        print(f"{args.file}: ok: {scheme.name!r} version {scheme.version}, "
              f"{len(scheme.categories)} categories, {labels} labels, "
              f"{len(scheme.variables)} document variables")
        return 0
    with Project.open(args.project) as project:
        before = project.scheme
        plan = project.apply_scheme(scheme, args.file)
        if before.version == scheme.version and before.data != scheme.data:
            print(f"warning: {shown_name(args.file)} changes the scheme but keeps its version "
                  f"number ({scheme.version}); raise 'version:' in the file, so that exports, "
                  f"merges and the codebook can tell the two apart", file=sys.stderr)
        moved = [f"{a} → {b}" for a, b in plan.categories.items()]
        moved += [f"{c}/{a} → {b}" for (c, a), b in {**plan.labels, **plan.attributes}.items()]
        moved += [f"{a} → {b}" for a, b in plan.variables.items()]
        print(f"applied {scheme.name!r} version {scheme.version}"
              + (f"; renamed {', '.join(moved)}" if moved else ""))
    return 0


@command("info")
def _info(args: argparse.Namespace) -> int:
    with Project.open(args.project, read_only=True) as project:
        info = project.info()
        info["drawn"] = project.study_setting("design")  # how the study was assigned
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"project:   {info['path']}\nscheme:    {info['scheme']}\n"
          f"documents: {info['documents']}\nspans:     {info['spans']}")
    coders: list[str] = info["coders"]  # type: ignore[assignment]
    print(f"coders:    {', '.join(coders) if coders else '(none yet)'}")
    design = info.get("design")
    for coder in coders:
        st = info["status"].get(coder, {})  # type: ignore[attr-defined]
        assigned = design["coders"].get(coder) if design else None  # type: ignore[index]
        print(f"  {coder}: {info['spans_by_coder'].get(coder, 0)} spans, "  # type: ignore[attr-defined]
              + (f"{assigned['assigned']} assigned, " if assigned else "")
              + f"{st.get('done', 0)} done, {st.get('in_progress', 0)} in progress")
    from annotator.study import drawn as drawn_design

    if (drawn := drawn_design(info["drawn"])) is not None:  # type: ignore[arg-type]
        print(f"design:    {drawn}")
    if design:
        print(f"reliability sample: {design['reliability_complete']} of "  # type: ignore[index]
              f"{design['reliability_sample']} documents done by all their coders"  # type: ignore[index]
              + ("; blind coding locked" if design["blind_locked"] else ""))  # type: ignore[index]
    return 0


@command("agreement")
def _agreement(args: argparse.Namespace) -> int:
    coders = [c.strip() for c in args.coders.split(",") if c.strip()] if args.coders else None
    with Project.open(args.project, read_only=True) as project:
        report = actions.agreement_report(
            project, coders, args.scope, args.category, args.bootstrap, args.continuum,
            args.training, gamma_samples=args.gamma, gamma_seed=args.seed,
            progress=ProgressBar("gamma: sampled corpora") if args.gamma else None)
    from annotator.agreement.render import RENDERERS

    text = RENDERERS[args.format](report)
    if args.output:
        actions.write_atomically(args.output, text)
        print(f"wrote {args.output} ({len(report.rows)} figures, {report.documents} documents)")
    else:
        sys.stdout.write(text)
    return 0


@command("copy")
def _copy(args: argparse.Namespace) -> int:
    """A file's safe copy, or a project up to a server or down from one."""
    if is_server(args.project) or is_server(args.copy):
        from annotator.storage.copy import copy_project

        copy_project(args.project, args.copy, ProgressBar("copying"))
    else:
        with Project.open(args.project, read_only=True) as project:
            project.save_copy(args.copy)
    print(f"wrote {shown_location(args.copy)}")
    return 0


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


def _file_only(where: object, what: str) -> None:
    if is_server(where):
        raise AnnotatorError(f"{shown_location(where)}: a project on a server has no file to "
                             f"{what}; its server keeps it whole (ask its administrator for "
                             f"its backups), and 'annotator copy' makes a file of it")


@command("check")
def _check(args: argparse.Namespace) -> int:
    _file_only(args.project, "check")
    from annotator.storage.check import check_project, repair_project

    if args.repair:
        result = repair_project(args.project)
        copied = ", ".join(f"{n} {t}" for t, n in result.copied.items())
        print(f"wrote {result.path} ({copied})")
        for problem in result.lost:
            print(f"  not saved: {problem}")
        return 0
    problems = check_project(args.project)
    for problem in problems:
        print(problem)
    if problems:
        print(f"annotator: error: {args.project}: {len(problems)} problem(s); "
              f"'annotator check --repair' writes a repaired copy", file=sys.stderr)
        return 1
    print(f"{args.project}: ok")
    return 0


def _settings_backup_options() -> tuple[int, bool]:
    from annotator.ui.settings import Settings  # plain data, no Qt

    settings = Settings.load()
    return settings.backups_keep, settings.backups_beside


@command("backup")
def _backup(args: argparse.Namespace) -> int:
    _file_only(args.project, "backup")
    from annotator.storage.backup import make_backup

    keep, beside = _settings_backup_options()
    made = make_backup(args.project, keep=keep, beside=beside)
    print(f"wrote {made.path if made else '(nothing)'}")
    return 0


@command("restore")
def _restore(args: argparse.Namespace) -> int:
    _file_only(args.project, "restore")
    from annotator.storage.backup import list_backups, restore_backup

    keep, beside = _settings_backup_options()
    backups = list_backups(args.project, beside)
    if args.backup is None:
        if not backups:
            print(f"no backups of {args.project} yet")
        for number, backup in enumerate(backups, start=1):
            print(f"{number:3}  {backup}")
        return 0
    if args.backup.isdigit():
        number = int(args.backup)
        if not 1 <= number <= len(backups):
            raise AnnotatorError(f"there are {len(backups)} backups; choose 1 to {len(backups)}")
        chosen = backups[number - 1].path
    else:
        chosen = Path(args.backup)
    saved = restore_backup(chosen, args.project, keep=keep, beside=beside)
    print(f"restored {args.project} from {chosen}"
          + (f"; the project as it was is in {saved.path}" if saved else ""))
    return 0


def _gui(project: Path | str | None) -> int:
    from annotator.ui.app import run  # Qt only when a window is wanted

    return run(project)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    COMMANDS.update(STUDY_COMMANDS)
    COMMANDS.update(CORPUS_COMMANDS)
    COMMANDS.update(SEARCH_COMMANDS)
    COMMANDS.update(SERVER_COMMANDS)
    if not argv or (argv[0] not in {*COMMANDS, "gui"} and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "gui":
            return _gui(args.project)
        return COMMANDS[args.command](args)
    except AnnotatorError as exc:
        print(f"annotator: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("annotator: interrupted; nothing was changed", file=sys.stderr)
        return 1
    except (RecursionError, MemoryError) as exc:
        print(f"annotator: error: the input is too large or too deeply nested to process "
              f"({type(exc).__name__}); nothing was changed", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, no traceback
        if is_storage_failure(exc):  # the file or the server, outside a write: one line
            where = getattr(args, "project", None) or getattr(args, "target", None) or "project"
            print(f"annotator: error: {shown_location(where)}: {describe(exc)}",
                  file=sys.stderr)
            return 1
        log = _log_traceback()
        print(f"annotator: internal error: {type(exc).__name__}: {exc}. Nothing more was "
              f"changed; the details are in {log}; please report them", file=sys.stderr)
        return 1


def _log_traceback() -> Path:
    import traceback

    from annotator import paths

    log = paths.user_data_dir() / "logs" / "errors.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as stream:
            stream.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {sys.argv}\n")
            stream.write(traceback.format_exc())
    except OSError:
        pass
    return log


if __name__ == "__main__":
    sys.exit(main())
