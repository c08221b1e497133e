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


def test_a_damaged_file_gives_defaults_and_a_wrong_value_its_default() -> None:
    Settings.path().parent.mkdir(parents=True, exist_ok=True)
    Settings.path().write_text("{not json", encoding="utf-8")
    assert Settings.load().as_dict() == Settings().as_dict()
    Settings.path().write_text(json.dumps({"version": 1, "zoom": "large", "coder": "ben",
                                           "unknown": 1}), encoding="utf-8")
    loaded = Settings.load()
    assert (loaded.zoom, loaded.coder) == (0, "ben")
