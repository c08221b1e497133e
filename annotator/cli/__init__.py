"""Command-line entry points. They call the same functions as the window; no Qt until the GUI.

Each command group is a module of this package (``project``, ``importing``, ``agreement``,
``exporting``, ``study``, ``corpus``, ``search``, ``server``, ``files``); ``registry``
builds the parser from them, ``progress`` draws bars on stderr.

Exit codes: 0 ok; 1 a user error (one line on stderr, no traceback); 2 usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from annotator import __version__
from annotator.cli.registry import COMMAND_NAMES, Command, build_parser, commands
from annotator.domain.errors import AnnotatorError
from annotator.paths import location, shown_location

DESCRIPTION = ("Hand-code news articles with a coding scheme. Without a command, opens the "
               "window on PROJECT (default: the sample project in your data folder).")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) <= 1 and not (argv and (argv[0] in COMMAND_NAMES or argv[0].startswith("-"))):
        # the window, on the sample or one project: what `gui` would parse, without loading
        # every command's module first (a quarter of a second before the window could start)
        args = argparse.Namespace(command="gui", project=location(argv[0]) if argv else None)
        table: dict[str, Command] = {"gui": gui}
    else:
        parser = build_parser("annotator", DESCRIPTION, f"annotator {__version__}")
        table = commands()
        if not argv or (argv[0] not in table and not argv[0].startswith("-")):
            argv = ["gui", *argv]
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
    try:
        return table[args.command](args)
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
        from annotator.storage import describe, is_storage_failure

        if is_storage_failure(exc):  # the file or the server, outside a write: one line
            where = getattr(args, "project", None) or getattr(args, "target", None) or "project"
            print(f"annotator: error: {shown_location(where)}: {describe(exc)}",
                  file=sys.stderr)
            return 1
        log = _log_traceback()
        print(f"annotator: internal error: {type(exc).__name__}: {exc}. Nothing more was "
              f"changed; the details are in {log}; please report them", file=sys.stderr)
        return 1


def gui(args: argparse.Namespace) -> int:
    """The ``gui`` command: the window on ``args.project`` (the sample if None)."""
    from annotator.ui.window.app import run  # Qt only when a window is wanted

    return run(args.project)


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
