"""User settings, each declared once with its type and default, stored as JSON under platformdirs.

The file carries a version; ``_UPGRADES`` moves an older file forward. Widgets read and write
settings only through ``Settings``, never through bare strings scattered around. Not a
dataclass: the settings are read before the first frame, which importing dataclasses (2 ms)
and generating a class from 13 fields would delay.
"""

from __future__ import annotations

import _thread
import json
import os
from pathlib import Path
from typing import Any

from annotator import paths

VERSION = 1
MAX_RECENT = 10


class Settings:
    """Each setting is a class attribute with its type and default; an instance starts with
    the defaults (a fresh copy of each list and dict) and takes keyword overrides."""

    coder: str = ""  # your name as a coder: what a project you have not coded in starts with
    coder_by_project: dict[str, str] = {}  # project key → coder
    snap_to_words: bool = True
    zoom: int = 0  # points added to the base font size
    geometry: str = ""  # base64 of QMainWindow.saveGeometry()
    window_state: str = ""  # base64 of QMainWindow.saveState()
    splitter_state: str = ""
    recent_projects: list[str] = []
    last_document: dict[str, int] = {}  # project path → document id
    blind_by_project: dict[str, bool] = {}  # "path|coder" → blind
    backups_keep: int = 10  # rotating backups made at open and daily while open
    backups_beside: bool = False  # in "<project>.backups" beside it, not the data folder
    keywords: list[str] = []  # View → Highlight keywords, per line

    def __init__(self, **values: Any) -> None:
        for name in _NAMES:
            default = getattr(Settings, name)
            setattr(self, name, type(default)(default) if isinstance(default, (dict, list))
                    else default)
        for name, value in values.items():
            if name not in _NAMES:
                raise TypeError(f"no setting named {name!r}")
            setattr(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _NAMES}

    @staticmethod
    def path() -> Path:
        return paths.user_config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        try:
            data = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        data = _upgrade(data)
        settings = cls()
        for key, value in data.items():
            if key in _NAMES and isinstance(value, type(getattr(settings, key))):
                setattr(settings, key, value)
        return settings

    def save(self, in_background: bool = False) -> None:
        """Write the settings as they are now. ``in_background``: on a thread of its own,
        for the window's saves while the coder works (a disk busy writing back a backup
        held the window 0.4 s in this write); a later save always wins, whichever thread
        reaches the file first."""
        global _asked
        _asked += 1
        text = json.dumps({"version": VERSION, **self.as_dict()}, indent=2)
        if not in_background:
            _write(self.path(), text, _asked)
            return
        import threading  # not before the first frame: a window saves after 0.8 s at least

        threading.Thread(target=_write, args=(self.path(), text, _asked), name="settings",
                         daemon=True).start()

    def add_recent(self, project: str) -> None:
        """``project``: a project's ``key`` (a file's full path, or a server location)."""
        name = project
        self.recent_projects = [name] + [p for p in self.recent_projects if p != name]
        del self.recent_projects[MAX_RECENT:]


_NAMES = tuple(Settings.__annotations__)  # every setting, in the order declared
_writing = _thread.allocate_lock()  # one write at a time
_asked = 0  # saves asked for (on the window's thread), each numbered
_written = 0  # the number of the save the file holds


def _write(path: Path, text: str, number: int) -> None:
    global _written
    with _writing:
        if number < _written:
            return  # a later save reached the file first
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")  # another window may write too
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)  # never a half-written settings file
        _written = number


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    for version in range(int(data.get("version", 1)), VERSION):
        data = _UPGRADES[version](data)
    return data


_UPGRADES: dict[int, Any] = {}
