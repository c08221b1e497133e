"""The command line of a lab server: ``server init`` and ``server add-coder``.

Registered into the command line by ``annotator.cli.registry``; the roles and policies are
``annotator.storage.postgres.server``'s. A password is never taken from the command line: libpq
finds it (``~/.pgpass``, ``PGPASSWORD``, a service file).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annotator.cli.registry import Command, registrar
from annotator.domain.errors import AnnotatorError
from annotator.paths import is_server, shown_location
from annotator.services import actions
from annotator.storage import Project

COMMANDS: dict[str, Command] = {}
command = registrar(COMMANDS)


def add_commands(sub: Any) -> None:
    s = sub.add_parser("server", help="a project on a PostgreSQL server: roles and rights")
    server_sub = s.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    c = server_sub.add_parser("init", help="make the project (if the database has none), "
                                           "its coder and coordinator roles and its rules")
    c.add_argument("url", help="postgresql://USER@HOST/DATABASE (as its owner)")
    c.add_argument("--scheme", type=Path, help="coding scheme file for a new project "
                                               "(default: the bundled one)")
    c = server_sub.add_parser("add-coder", help="a login role for a coder; its password is "
                                                "printed once")
    c.add_argument("url", help="postgresql://USER@HOST/DATABASE (as its owner)")
    c.add_argument("name", help="the coder's name, which is also their role")
    c.add_argument("--coordinator", action="store_true",
                   help="may import, assign, set the scheme, merge and adjudicate")


def _server_url(url: str) -> str:
    if not is_server(url):
        raise AnnotatorError(f"{url}: not a server location; write postgresql://USER@HOST/DB")
    return url


@command("server")
def _server(args: argparse.Namespace) -> int:
    from annotator.storage.postgres import server
    from annotator.storage.sqlite.database import now

    url = _server_url(args.url)
    if args.server_command == "init":
        try:
            project = Project.open(url)
            created = False
        except AnnotatorError as exc:
            if "holds no annotator project" not in str(exc):
                raise
            project = actions.new_project(url, args.scheme)
            created = True
        with project:
            coders, coordinators = server.init(project.db)  # type: ignore[arg-type]
        print(f"{'created the project and ' if created else ''}set up {shown_location(url)}: "
              f"group roles {coders} and {coordinators}, rules on every coder's work")
        print("next: annotator server add-coder URL NAME [--coordinator]")
        return 0
    with Project.open(url) as project:
        made = server.add_coder(project.db, args.name,  # type: ignore[arg-type]
                                coordinator=args.coordinator, created_at=now())
    kind = "coordinator" if args.coordinator else "coder"
    if made.password is None:
        print(f"{made.name}: the role exists on this server; it is now a {kind} of this "
              f"project and keeps its password")
    else:
        print(f"{made.name}: a {kind}; password (shown once, give it to them): "
              f"{made.password}")
    return 0
