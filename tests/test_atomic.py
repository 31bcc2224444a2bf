"""Atomic writes: whole files and whole report folders, or the old ones untouched."""

from __future__ import annotations

import json
import os
import stat

import pytest

from orgkit.atomic import swap_in, write_json, write_text


def test_write_text_replaces_whole_file_with_usual_mode(tmp_path):
    p = tmp_path / "a" / "x.txt"
    write_text(p, "one")
    write_text(p, "two")
    assert p.read_text() == "two"
    assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~_umask()
    assert [f.name for f in p.parent.iterdir()] == ["x.txt"]  # no temporary file left


def test_write_json_refuses_nan_and_keeps_old_file(tmp_path):
    p = tmp_path / "m.json"
    write_json(p, {"a": 1})
    with pytest.raises(ValueError):
        write_json(p, {"a": float("nan")})
    assert json.loads(p.read_text()) == {"a": 1}
    assert [f.name for f in tmp_path.iterdir()] == ["m.json"]


def test_swap_in_replaces_folder(tmp_path):
    final, new = tmp_path / "report", tmp_path / "staging"
    final.mkdir()
    (final / "old.txt").write_text("old")
    new.mkdir()
    (new / "new.txt").write_text("new")
    swap_in(new, final)
    assert [f.name for f in final.iterdir()] == ["new.txt"]
    assert sorted(f.name for f in tmp_path.iterdir()) == ["report"]


def test_swap_in_failure_keeps_old_folder(tmp_path):
    final = tmp_path / "report"
    final.mkdir()
    (final / "old.txt").write_text("old")
    with pytest.raises(OSError):
        swap_in(tmp_path / "missing", final)
    assert (final / "old.txt").read_text() == "old"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
