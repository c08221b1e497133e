"""The user's settings: defaults, a file's round trip, and what a damaged file cannot do."""

from __future__ import annotations

import json

import pytest

from annotator.ui.window.settings import Settings


def test_each_settings_starts_with_its_own_defaults() -> None:
    one, two = Settings(), Settings()
    one.coder_by_project["/p.annotator"] = "ana"
    one.keywords.append("NATO")
    assert two.coder_by_project == {} and two.keywords == []
    assert Settings().coder_by_project == {} and Settings.coder_by_project == {}
    assert (two.snap_to_words, two.zoom, two.backups_keep) == (True, 0, 10)


def test_settings_are_given_by_name_and_a_wrong_name_is_refused() -> None:
    assert Settings(coder="ana", zoom=2).zoom == 2
    with pytest.raises(TypeError, match="coderr"):
        Settings(coderr="ana")


def test_saved_settings_load_as_they_were() -> None:
    settings = Settings(coder="ana", zoom=3, recent_projects=["/a.annotator"],
                        last_document={"/a.annotator": 7}, backups_beside=True)
    settings.save()
    loaded = Settings.load()
    assert loaded.as_dict() == settings.as_dict()
    assert json.loads(Settings.path().read_text(encoding="utf-8"))["version"] == 1


def test_a_save_in_the_background_never_overwrites_a_later_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The window saves its place on a thread of its own (a busy disk held the window 0.4 s
    in this write); the save at closing comes after it and must win, whichever thread
    reaches the file first."""
    import threading

    from annotator.ui.window import settings as module

    scheduled = threading.Event()
    writers: list[str] = []
    write = module._write

    def late_write(path: object, text: str, number: int) -> None:
        writers.append(threading.current_thread().name)
        if threading.current_thread().name == "settings":
            scheduled.wait(10)  # the background thread runs only after the later save
        write(path, text, number)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "_write", late_write)
    Settings(zoom=1).save(in_background=True)  # returns before the file is written
    Settings(zoom=2).save()  # the save at closing, on the window's thread
    assert Settings.load().zoom == 2
    [thread] = [t for t in threading.enumerate() if t.name == "settings"]
    scheduled.set()
    thread.join(10)
    assert Settings.load().zoom == 2  # the earlier one, reaching the disk later, did not win
    assert sorted(writers) == ["MainThread", "settings"]


def test_a_damaged_file_gives_defaults_and_a_wrong_value_its_default() -> None:
    Settings.path().parent.mkdir(parents=True, exist_ok=True)
    Settings.path().write_text("{not json", encoding="utf-8")
    assert Settings.load().as_dict() == Settings().as_dict()
    Settings.path().write_text(json.dumps({"version": 1, "zoom": "large", "coder": "ben",
                                           "unknown": 1}), encoding="utf-8")
    loaded = Settings.load()
    assert (loaded.zoom, loaded.coder) == (0, "ben")
