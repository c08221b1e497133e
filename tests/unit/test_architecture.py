"""The layers stay as DESIGN.md draws them: only storage speaks SQL, only ui imports Qt, and
imports flow downward (the import-linter contract in pyproject.toml)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_storage_speaks_sql_and_only_ui_imports_qt() -> None:
    for path in PACKAGE.rglob("*.py"):
        layer = path.relative_to(PACKAGE).parts[0]
        names = imported_modules(path)
        if layer != "storage":
            assert not names & {"sqlite3", "sqlite_utils"}, path
        if layer != "ui":
            assert "PySide6" not in names, path


def test_every_module_says_what_it_owns_and_stays_small() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path} has no module docstring"
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path


def test_import_linter_contract() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        pytest.skip("import-linter is not installed")
    proc = subprocess.run([lint], capture_output=True, text=True,
                          cwd=PACKAGE.parent)
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_mypy_finds_no_error() -> None:
    """Types are checked in every layer but the window's (pyproject.toml says why)."""
    pytest.importorskip("mypy", reason="mypy comes with the test extra")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "annotator"],
                          capture_output=True, text=True, cwd=PACKAGE.parent, timeout=280)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-1000:]
