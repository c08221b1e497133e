"""The user's folders are platformdirs' answer, including where annotator finds it without
importing platformdirs (paths._xdg, for a start that draws its first frame sooner)."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from annotator import paths

# (XDG variable, HOME): set, unset, empty, blank, relative, trailing slash, a home of "/"
_CASES = [
    ("/x/data", "/home/ana"), (None, "/home/ana"), ("", "/home/ana"), ("  ", "/home/ana"),
    ("relative/dir", "/home/ana"), ("/x/data/", "/home/ana/"), (None, "/"),
    ("/x/data", "relative-home"), (None, "relative-home"),
]


@pytest.mark.parametrize(("variable", "home"), _CASES)
def test_the_user_folders_are_platformdirs_answer(
        variable: str | None, home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", home)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        if variable is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, variable)
    assert paths.user_data_dir() == Path(platformdirs.user_data_dir("annotator",
                                                                    appauthor=False))
    assert paths.user_config_dir() == Path(platformdirs.user_config_dir("annotator",
                                                                        appauthor=False))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is Linux's")
def test_the_usual_linux_folders_are_found_without_platformdirs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/ana")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/ana")
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # importing it would fail
    assert str(paths.user_config_dir()) == "/home/ana/.config/annotator"
    assert str(paths.user_data_dir()) == "/srv/ana/annotator"
    monkeypatch.setenv("XDG_DATA_HOME", "relative")  # platformdirs' versions differ: asked
    with pytest.raises(ImportError):
        paths.user_data_dir()
