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


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    from annotator import actions

    p = actions.new_project(tmp_path / "test.annotator")
    actions.import_paths(p, [SEEDS])
    yield p
    p.close()


@pytest.fixture
def empty_project(tmp_path: Path):  # type: ignore[no-untyped-def]
    from annotator import actions

    p = actions.new_project(tmp_path / "empty.annotator")
    yield p
    p.close()


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the CLI in a subprocess: exit code, stdout, stderr."""
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONUTF8": "1"})
    return proc.returncode, proc.stdout, proc.stderr
