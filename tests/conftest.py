"""Shared fixtures. Qt runs offscreen; settings and data go to a temporary home."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DEFAULT_SCHEME = ROOT / "schemas" / "russia-nato.yaml"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                   ) -> None:
    """platformdirs must never touch the real user folders during tests."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


class UnexpectedDialog(AssertionError):
    """A modal dialog that no one would close opened during a test."""


# What would wait for a person: every modal exec() and the static dialogs Qt runs in C++. A
# QProgressDialog is left alone: the job it shows closes it (a job that hangs meets the
# per-test timeout instead).
_MODAL_CLASSES = ("QDialog", "QMessageBox", "QFileDialog", "QInputDialog",
                  "QColorDialog", "QFontDialog", "QMenu")
_STATIC_DIALOGS = {
    "QMessageBox": ("warning", "information", "critical", "question", "about"),
    "QFileDialog": ("getOpenFileName", "getOpenFileNames", "getSaveFileName",
                    "getExistingDirectory", "getOpenFileUrl", "getSaveFileUrl"),
    "QInputDialog": ("getText", "getItem", "getInt", "getDouble", "getMultiLineText"),
    "QColorDialog": ("getColor",),
}


@pytest.fixture(autouse=True)
def _no_unexpected_dialog(monkeypatch: pytest.MonkeyPatch) -> object:
    """A modal dialog a test did not answer fails the test at once instead of waiting for a
    click that never comes (offscreen, no one sees it). A test that expects one patches that
    dialog itself (its monkeypatch comes after this one and wins)."""
    from PySide6 import QtWidgets

    opened: list[str] = []

    def refuse(where: str, original=None):  # type: ignore[no-untyped-def]
        def opened_dialog(*args, **kwargs):  # type: ignore[no-untyped-def]
            if original is not None and args and isinstance(args[0],
                                                            QtWidgets.QProgressDialog):
                return original(*args, **kwargs)  # its job closes it
            texts = [a for a in args if isinstance(a, str)]
            owner = args[0] if args and isinstance(args[0], QtWidgets.QWidget) else None
            if owner is not None and not texts:
                texts = [t for t in (owner.windowTitle(), getattr(owner, "text", str)())
                         if isinstance(t, str) and t]
            opened.append(f"{where}: {' | '.join(texts)[:300]}")
            raise UnexpectedDialog(f"a modal dialog opened that the test did not expect: "
                                   f"{opened[-1]}")
        return opened_dialog

    for name in _MODAL_CLASSES:
        cls = getattr(QtWidgets, name)
        monkeypatch.setattr(cls, "exec", refuse(f"{name}.exec", cls.exec))
    for name, statics in _STATIC_DIALOGS.items():
        for static in statics:
            monkeypatch.setattr(getattr(QtWidgets, name), static,
                                staticmethod(refuse(f"{name}.{static}")))
    yield opened
    assert not opened, f"modal dialogs opened that the test did not expect: {opened}"


# -- the storage contract: tests marked ``contract`` run once per engine ----------------------
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "contract: the storage contract; runs on both engines "
                            "(SQLite and PostgreSQL) wherever it uses a project fixture")
    config.addinivalue_line("markers", "sqlite_only: a contract test about the file itself")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    uses_project = {"project", "empty_project", "location", "new_location"} & set(
        metafunc.fixturenames)
    if (uses_project and metafunc.definition.get_closest_marker("contract")
            and not metafunc.definition.get_closest_marker("sqlite_only")):
        metafunc.parametrize("engine", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A PostgreSQL server for the tests: ANNOTATOR_TEST_POSTGRESQL (a URL of a role that
    may create databases and roles) or, without it, one started from the pgserver wheel."""
    import shutil
    import tempfile

    from tests.pg import TestServer

    # a folder of its own, not under pytest's basetemp: another pytest session started
    # meanwhile deletes all but the newest three basetemps, a running server's data too
    folder = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
    server = TestServer.start(folder)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server, request: pytest.FixtureRequest) -> str:  # type: ignore[no-untyped-def]
    """A new, empty database on the test server, dropped after the test."""
    url = pg_server.new_database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def location(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str | Path:
    """Where a new project goes: a file, or (for the PostgreSQL run) a new database."""
    if engine == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return tmp_path / "test.annotator"


@pytest.fixture
def new_location(engine: str, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Makes places for more projects: ``new_location("main")`` is a file, or for the
    PostgreSQL run a new database (dropped after the test)."""
    made: list[str] = []

    def make(name: str) -> str | Path:
        if engine == "postgresql":
            made.append(request.getfixturevalue("pg_server").new_database())
            return made[-1]
        return tmp_path / f"{name}.annotator"

    yield make
    for url in made:
        request.getfixturevalue("pg_server").drop_database(url)


@pytest.fixture
def project(location: str | Path):  # type: ignore[no-untyped-def]
    from annotator.services import actions

    p = actions.new_project(location)  # type: ignore[arg-type]
    actions.import_paths(p, [SEEDS])
    yield p
    p.close()


@pytest.fixture
def empty_project(location: str | Path):  # type: ignore[no-untyped-def]
    from annotator.services import actions

    p = actions.new_project(location)  # type: ignore[arg-type]
    yield p
    p.close()


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the CLI in a subprocess: exit code, stdout, stderr."""
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONUTF8": "1"})
    return proc.returncode, proc.stdout, proc.stderr
