"""Commands on a project as a whole: ``new``, ``scheme``, ``info``, ``copy`` and ``gui``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from annotator.cli import gui
from annotator.cli.progress import ProgressBar
from annotator.cli.registry import Command, arg, registrar
from annotator.domain.errors import shown_name
from annotator.paths import is_server, location, shown_location
from annotator.services import actions
from annotator.storage import Project

COMMANDS: dict[str, Command] = {}
command = registrar(COMMANDS)
PARSERS: dict[str, dict[str, Any]] = {
    "new": {"help": "create a project", "args": [
        arg("project", type=location),
        arg("--scheme", type=Path, help="coding scheme file (default: the bundled one)")]},
    "scheme": {"help": "check a coding scheme, or apply it to a project", "actions": {
        "check": {"help": "validate a scheme file", "args": [arg("file", type=Path)]},
        "apply": {"help": "make a changed scheme current in a project",
                  "args": [arg("project", type=location), arg("file", type=Path)]}}},
    "info": {"help": "documents, coders, spans and status counts", "args": [
        arg("project", type=location), arg("--json", action="store_true", help="print JSON")]},
    "copy": {"help": "a safe copy of a project, e.g. for another coder", "args": [
        arg("project", type=location), arg("copy", type=location)]},
    "gui": {"help": "open the window (the default)", "args": [
        arg("project", type=location, nargs="?")]},
}


@command("new")
def _new(args: argparse.Namespace) -> int:
    with actions.new_project(args.project, args.scheme) as project:
        print(f"created {project.location} with scheme {project.scheme.name!r}")
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
    from annotator.services.study import drawn as drawn_design

    if (drawn := drawn_design(info["drawn"])) is not None:  # type: ignore[arg-type]
        print(f"design:    {drawn}")
    if design:
        print(f"reliability sample: {design['reliability_complete']} of "  # type: ignore[index]
              f"{design['reliability_sample']} documents done by all their coders"  # type: ignore[index]
              + ("; blind coding locked" if design["blind_locked"] else ""))  # type: ignore[index]
    return 0


@command("copy")
def _copy(args: argparse.Namespace) -> int:
    """A file's safe copy, or a project up to a server or down from one."""
    if is_server(args.project) or is_server(args.copy):
        from annotator.services.actions import copy_project

        copy_project(args.project, args.copy, ProgressBar("copying"))
    else:
        with Project.open(args.project, read_only=True) as project:
            project.save_copy(args.copy)
    print(f"wrote {shown_location(args.copy)}")
    return 0


command("gui")(gui)
