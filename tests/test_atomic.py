"""Atomic writes: whole files and whole report folders, or the old ones untouched; only over what orgkit
wrote; every OSError at a write an OutputError naming the path."""

from __future__ import annotations

import errno
import json
import os
import stat

import pytest

from orgkit.files import atomic
from orgkit.files.atomic import (
    MARKER,
    is_orgkit_folder,
    mark,
    output_error,
    read_marker,
    remove_folder,
    swap_in,
    write_json,
    write_text,
)
from orgkit.errors import OrgkitError, OutputError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _folder(path, files: dict[str, str], kind: str | None = "report"):
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    if kind is not None:
        mark(path, kind, path.name)
    return path


def _listing(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------------------
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


@pytest.mark.parametrize("error, words", [
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only"),
])
def test_write_text_os_error_is_an_output_error_and_keeps_old_file(tmp_path, monkeypatch, error, words):
    p = tmp_path / "summary.csv"
    write_text(p, "old")

    def fail(src, dst):
        raise error

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(OutputError, match=words) as info:
        write_text(p, "new")
    assert str(p) in str(info.value) and "Traceback" not in str(info.value)
    assert info.value.exit_code == 2
    assert p.read_text() == "old"
    assert [f.name for f in tmp_path.iterdir()] == ["summary.csv"]  # the temporary file is gone


def test_write_text_under_a_file_says_a_file_is_in_the_way(tmp_path):
    (tmp_path / "reports").write_text("a file, not a folder")
    with pytest.raises(OutputError, match="a file stands where a folder is expected"):
        write_text(tmp_path / "reports" / "index.html", "x")
    assert (tmp_path / "reports").read_text() == "a file, not a folder"


def test_write_text_into_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: chmod does not stop writes (the monkeypatched tests cover this)")
        with pytest.raises(OutputError, match="permission denied"):
            write_text(folder / "x.txt", "x")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("code, words", [
    (errno.ENOSPC, "the disk is full"), (errno.EACCES, "permission denied"), (errno.EROFS, "read-only"),
    (errno.ENOTDIR, "a file stands where a folder is expected"), (errno.EEXIST, "a file stands"),
    (errno.EISDIR, "a folder stands where a file is expected"), (errno.EIO, "Input/output error."),
])
def test_output_error_message_names_path_and_what_to_do(code, words):
    err = output_error(OSError(code, os.strerror(code)), "reports/acme")
    assert isinstance(err, OrgkitError) and err.exit_code == 2
    assert str(err).startswith("cannot write reports/acme: ") and words in str(err)


def test_output_error_prefers_the_errors_own_file_name():
    err = output_error(PermissionError(errno.EACCES, "Permission denied", "/srv/x/index.html"), "/srv/x")
    assert str(err).startswith("cannot write /srv/x/index.html: permission denied")


# --------------------------------------------------------------------------------------------------
# markers
# --------------------------------------------------------------------------------------------------
def test_mark_and_read_marker(tmp_path):
    mark(tmp_path, "report", "acme")
    data = read_marker(tmp_path)
    assert data["kind"] == "report" and data["slug"] == "acme" and data["orgkit"]
    assert json.loads((tmp_path / MARKER).read_text()) == data
    (tmp_path / MARKER).write_text("not json")
    assert read_marker(tmp_path) is None


def test_is_orgkit_folder(tmp_path):
    ours = _folder(tmp_path / "a", {"report.html": "x"})
    assert is_orgkit_folder(ours) and is_orgkit_folder(ours, "report") and not is_orgkit_folder(ours, "failed")
    theirs = _folder(tmp_path / "b", {"people.csv": "employee_id\n1\n"}, kind=None)
    assert not is_orgkit_folder(theirs) and not is_orgkit_folder(theirs, "report")
    link = tmp_path / "link"
    link.symlink_to(ours)
    assert not is_orgkit_folder(link, "report")  # a link is the user's, whatever it points at
    (tmp_path / "file").write_text("x")
    assert not is_orgkit_folder(tmp_path / "file") and not is_orgkit_folder(tmp_path / "missing")


def test_report_folder_of_an_earlier_orgkit_is_recognised_only_when_it_holds_only_report_files(tmp_path):
    files = {"report.html": "<html>", "metrics.json": json.dumps({"orgkit_version": "0.1"}),
             "assessment.ipynb": "{}", "figures/spans.png": "png"}
    old = _folder(tmp_path / "old", files, kind=None)
    assert is_orgkit_folder(old, "report")
    with_notes = _folder(tmp_path / "notes", {**files, "notes.txt": "mine"}, kind=None)
    assert not is_orgkit_folder(with_notes, "report")
    other_json = _folder(tmp_path / "other", {**files, "metrics.json": "{}"}, kind=None)
    assert not is_orgkit_folder(other_json, "report")
    failed = _folder(tmp_path / "x.failed", {"error.txt": "ValidationError: ..."}, kind=None)
    assert is_orgkit_folder(failed, "failed") and not is_orgkit_folder(failed, "report")


def test_remove_folder_removes_only_orgkit_folders(tmp_path):
    ours = _folder(tmp_path / "ours", {"report.html": "x"}, kind="failed")
    theirs = _folder(tmp_path / "theirs", {"people.csv": "keep"}, kind=None)
    assert remove_folder(ours, "failed") is True and not ours.exists()
    assert remove_folder(theirs, "failed") is False and (theirs / "people.csv").read_text() == "keep"
    assert remove_folder(tmp_path / "missing") is False


# --------------------------------------------------------------------------------------------------
# swap_in
# --------------------------------------------------------------------------------------------------
def test_swap_in_replaces_a_marked_folder(tmp_path):
    final = _folder(tmp_path / "report", {"old.txt": "old"})
    new = _folder(tmp_path / "staging", {"new.txt": "new"})
    swap_in(new, final)
    assert sorted(f.name for f in final.iterdir()) == [MARKER, "new.txt"]
    assert sorted(f.name for f in tmp_path.iterdir()) == ["report"]


def test_swap_in_into_a_new_place(tmp_path):
    new = _folder(tmp_path / "staging", {"new.txt": "new"})
    swap_in(new, tmp_path / "report")
    assert (tmp_path / "report" / "new.txt").read_text() == "new" and not new.exists()


@pytest.mark.parametrize("make", ["unmarked", "other_kind", "symlink", "file"])
def test_swap_in_refuses_what_orgkit_did_not_write(tmp_path, make):
    final = tmp_path / "acme"
    if make == "unmarked":
        _folder(final, {"people.csv": "employee_id\nE1\n", "client.yml": "name: Acme\n"}, kind=None)
    elif make == "other_kind":
        _folder(final, {"people.csv": "employee_id\nE1\n"}, kind="sample")
    elif make == "symlink":
        target = _folder(tmp_path / "elsewhere", {"report.html": "x"})
        final.symlink_to(target)
    else:
        final.write_text("a file")
    before = _listing(tmp_path)
    new = _folder(tmp_path / "staging", {"report.html": "new"})
    with pytest.raises(OutputError, match="exists and was not written by orgkit; move it or choose another -o"):
        swap_in(new, final)
    assert {k: v for k, v in _listing(tmp_path).items() if not k.startswith("staging")} == before
    assert (new / "report.html").read_text() == "new"


def test_swap_in_needs_a_marked_new_folder(tmp_path):
    new = _folder(tmp_path / "staging", {"x": "x"}, kind=None)
    with pytest.raises(ValueError, match="marker"):
        swap_in(new, tmp_path / "report")


def test_swap_in_failure_keeps_old_folder(tmp_path, monkeypatch):
    final = _folder(tmp_path / "report", {"old.txt": "old"})
    new = _folder(tmp_path / "staging", {"new.txt": "new"})
    real = os.replace
    calls = []

    def second_rename_fails(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", second_rename_fails)
    with pytest.raises(OutputError, match="cannot replace .*report: the disk is full"):
        swap_in(new, final)
    assert (final / "old.txt").read_text() == "old"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["report", "staging"]
