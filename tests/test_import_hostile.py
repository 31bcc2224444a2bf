"""Every import format, given files that are not its export, refuses them with an OrgkitError and writes nothing.

Parametrised over the registry, so a new platform module is checked as soon as it registers.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from orgkit.errors import OrgkitError
from orgkit.importers import FORMATS, ImportOptions, import_client
from orgkit.importers.formats import load_all

load_all()


def _xlsx_bytes(rows):
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not an export")
    return buf.getvalue()


HOSTILE = {
    "empty.csv": b"",
    "blank.json": b"   \n",
    "page.xlsx": b"<!DOCTYPE html><html><head><title>Login</title></head><body>Please sign in</body></html>",
    "page.json": b"<html><body>502 Bad Gateway</body></html>",
    "truncated.json": b'{"data": {"items": [{"user_id": "u1", "name": "\xe5\xbc\xa0',
    "garbage.csv": bytes(range(256)) * 64,
    "wrong.xlsx": None,  # a workbook with unrelated columns (built below)
    "wrong.csv": "Product,Price,Colour\nTea,3,green\nCoffee,4,brown\n".encode("utf-8"),
    "error.json": json.dumps({"code": 99991663, "msg": "invalid access token"}).encode("utf-8"),
    "list.json": b"[1, 2, 3]",
    "other.zip": None,
}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, data in HOSTILE.items():
        if name == "wrong.xlsx":
            data = _xlsx_bytes([["Product", "Price"], ["Tea", 3]])
        elif name == "other.zip":
            data = _zip_bytes()
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_refused_and_nothing_written(fmt, name, hostile_dir, tmp_path):
    out = tmp_path / "client"
    with pytest.raises(OrgkitError) as info:
        import_client(fmt, [hostile_dir / name], out, ImportOptions(timezone="Asia/Shanghai"))
    message = str(info.value)
    assert "Please sign in" not in message  # a page's content is not quoted
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no staging folder left behind


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_missing_source_refused(fmt, tmp_path):
    with pytest.raises(OrgkitError, match="no such file"):
        import_client(fmt, [tmp_path / "nope.csv"], tmp_path / "client")
    assert not (tmp_path / "client").exists()
