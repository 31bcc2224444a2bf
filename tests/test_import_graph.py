"""Microsoft Graph message JSON -> e-mail ties: pages, lists, JSON lines, copies, drafts, Bcc, refusals, Dask."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pandas as pd
import pytest

from orgkit.errors import ConfigError, ExportFormatError
from orgkit.importers import ImportOptions, import_client, read_export

SH = "Asia/Shanghai"
SECRET = "Quarterly numbers — confidential"


def _msg(mid: str | None, sender: str, to=(), cc=(), bcc=(), sent="2024-03-05T02:00:00Z", draft=False) -> dict:
    """A message as GET /users/{id}/messages returns it (synthetic; subject and body included on purpose)."""
    m = {"id": f"AAMk{abs(hash((mid, sender))) % 10**8}", "createdDateTime": sent, "sentDateTime": sent,
         "subject": SECRET, "bodyPreview": SECRET, "body": {"contentType": "html", "content": f"<p>{SECRET}</p>"},
         "isDraft": draft, "from": {"emailAddress": {"name": "Someone", "address": sender}},
         "sender": {"emailAddress": {"name": "Someone", "address": sender}},
         "toRecipients": [{"emailAddress": {"name": "X", "address": a}} for a in to],
         "ccRecipients": [{"emailAddress": {"address": a}} for a in cc],
         "bccRecipients": [{"emailAddress": {"address": a}} for a in bcc]}
    if mid is not None:
        m["internetMessageId"] = mid
    return m


def _page(path: Path, messages: list[dict], next_link: bool = True) -> Path:
    page = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('x')/messages", "value": messages}
    if next_link:
        page["@odata.nextLink"] = "https://graph.microsoft.com/v1.0/users/x/messages?$skip=10"
    path.write_text(json.dumps(page, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _hr(tmp_path: Path) -> Path:
    hr = tmp_path / "hr.csv"
    hr.write_text("Employee ID,Email,Department\nE1,ann@acme.example,Sales\nE2,bo@acme.example,Sales\n"
                  "E3,cai@acme.example,Ops\nE4,dan@acme.example,Ops\nE5,eve@acme.example,Ops\n", encoding="utf-8")
    return hr


def _ties(frame: pd.DataFrame) -> set[tuple]:
    return {(r.source_id, r.target_id, int(r.weight), r.channel) for r in frame.itertuples()}


@pytest.fixture
def export(tmp_path):
    """Two mailboxes' pages (ann's Sent Items and bo's Inbox hold the same message) and a JSON-lines file."""
    folder = tmp_path / "graph"
    folder.mkdir()
    m1 = _msg("<1@acme>", "Ann@Acme.example", to=["bo@acme.example", "partner@other.example"], cc=["cai@acme.example"],
              bcc=["dan@acme.example"])
    _page(folder / "ann-sent-1.json", [m1, _msg("<2@acme>", "ann@acme.example", to=["bo@acme.example"],
                                                sent="2024-03-05T17:00:00Z"),
                                       _msg("<3@acme>", "ann@acme.example", to=["eve@acme.example"], draft=True)])
    _page(folder / "bo-inbox-1.json", [{**m1, "bccRecipients": []}], next_link=False)  # Bcc is only in Sent Items
    lines = [_msg("<4@acme>", "bo@acme.example", to=["ann@acme.example", "bo@acme.example"]),
             _msg(None, "cai@acme.example", to=["ann@acme.example"])]
    (folder / "cai.jsonl").write_text("\n".join(json.dumps(m) for m in lines) + "\n", encoding="utf-8")
    (folder / "notes.md").write_text("how the export was made", encoding="utf-8")
    return folder


def test_graph_ties_by_hand(tmp_path, export):
    imported = read_export("graph", [export], ImportOptions(directory=(_hr(tmp_path),), timezone=SH))
    # <1>: E1->E2 (To), E1->E3 (Cc); partner unknown; Bcc ignored; bo's copy of <1> counted once
    # <2>: E1->E2; <3> is a draft; <4>: E2->E1, E2 to themself dropped; cai's message: E3->E1
    assert _ties(imported.communication) == {("E1", "E2", 2, "email"), ("E1", "E3", 1, "email"),
                                             ("E2", "E1", 1, "email"), ("E3", "E1", 1, "email")}
    text = imported.log.text()
    assert "dropped 1 message copies" in text
    assert "dropped 1 messages: drafts" in text
    assert "dropped 1 message-recipient pairs: the recipient is nobody in the directory" in text
    assert "dropped 1 message-recipient pairs: the recipient is the sender" in text
    assert "1 messages have Bcc recipients: not counted" in text
    assert "dropped 1 files in the folders given" in text
    assert "ISO 8601 with Z or an offset; converted to Asia/Shanghai" in text
    assert SECRET not in text and "@" not in text
    assert imported.people is not None and len(imported.people) == 5


def test_graph_window_in_the_client_zone(tmp_path, export):
    # <2> was sent 2024-03-05T17:00Z = 6 March 01:00 in Shanghai: outside [.., 6 March)
    options = ImportOptions(directory=(_hr(tmp_path),), timezone=SH, until=dt.datetime(2024, 3, 6))
    imported = read_export("graph", [export], options)
    assert ("E1", "E2", 1, "email") in _ties(imported.communication)
    assert "dropped 1 messages: sent at or after --until" in imported.log.text()
    utc = read_export("graph", [export], ImportOptions(directory=(_hr(tmp_path),), timezone="UTC",
                                                       until=dt.datetime(2024, 3, 6)))
    assert ("E1", "E2", 2, "email") in _ties(utc.communication)


def test_graph_plain_list_and_single_page_give_the_same_ties(tmp_path):
    msgs = [_msg("<a>", "ann@acme.example", to=["bo@acme.example"]),
            _msg("<b>", "bo@acme.example", to=["ann@acme.example", "cai@acme.example"])]
    (tmp_path / "list.json").write_text(json.dumps(msgs), encoding="utf-8")
    _page(tmp_path / "page.json", msgs)
    options = ImportOptions(directory=(_hr(tmp_path),))
    a = read_export("graph", [tmp_path / "list.json"], options).communication
    b = read_export("graph", [tmp_path / "page.json"], options).communication
    pd.testing.assert_frame_equal(a, b)
    assert _ties(a) == {("E1", "E2", 1, "email"), ("E2", "E1", 1, "email"), ("E2", "E3", 1, "email")}


def test_graph_mass_message_cap(tmp_path):
    many = [f"p{i}@acme.example" for i in range(4)]
    msgs = [_msg("<a>", "ann@acme.example", to=many[:3]), _msg("<b>", "ann@acme.example", to=many[:2], cc=many[2:])]
    _page(tmp_path / "page.json", msgs)
    imported = read_export("graph", [tmp_path / "page.json"], ImportOptions(pseudonymise=True, max_recipients=3))
    assert _ties(imported.communication) == {("ann@acme.example", p, 1, "email") for p in many[:3]}
    assert "dropped 1 messages: more than 3 recipients" in imported.log.text()


def test_graph_end_to_end_writes_employee_ids_only(tmp_path, export):
    out = tmp_path / "client"
    import_client("graph", [export], out, ImportOptions(directory=(_hr(tmp_path),), timezone=SH))
    comm = (out / "communication.csv").read_text(encoding="utf-8-sig")
    assert comm.splitlines()[0] == "source_id,target_id,weight,channel"
    assert "@" not in comm and SECRET not in (out / "import.log").read_text(encoding="utf-8")
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    import_client("graph", [export], out, ImportOptions(directory=(_hr(tmp_path),), timezone=SH))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first


def test_graph_needs_a_directory_or_pseudonyms(tmp_path, export):
    with pytest.raises(ConfigError, match=r"--directory HR_FILE.*--pseudonymise"):
        read_export("graph", [export], ImportOptions())


@pytest.mark.parametrize("content, found", [
    ('{"value": [{"id": "1", "from": {"emailAddress": {"address": "a@x"}}, ', "stops before it is complete"),
    ("<!DOCTYPE html><html><head><title>Sign in to your account</title></head></html>", "web page"),
    ('{"error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired."}}',
     "API error response \\(code InvalidAuthenticationToken\\)"),
    ('{"value": [{"id": "u1", "displayName": "Ann", "mail": "ann@acme.example"}]}', "without from/toRecipients"),
    ('{"from": {"emailAddress": {"address": "a@x"}}, "toRecipients": []}\n{"id": "y", "from": {"emailAd',
     "line 2 is not complete JSON"),
])
def test_bad_files_refused(tmp_path, content, found):
    bad = tmp_path / "page.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ExportFormatError, match=f"page.json: expected Microsoft Graph messages.*{found}"):
        read_export("graph", [bad], ImportOptions(pseudonymise=True))


def test_same_input_same_ties(tmp_path, export):
    options = ImportOptions(directory=(_hr(tmp_path),), timezone=SH)
    a = read_export("graph", [export], options)
    b = read_export("graph", [export], options)
    pd.testing.assert_frame_equal(a.communication, b.communication)
    assert a.log.text() == b.log.text()


def test_graph_on_dask_equals_local(tmp_path, export):
    distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed (orgkit[dask])")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster:
        local = read_export("graph", [export], ImportOptions(directory=(_hr(tmp_path),)))
        remote = read_export("graph", [export], ImportOptions(directory=(_hr(tmp_path),),
                                                              scheduler=cluster.scheduler_address))
    pd.testing.assert_frame_equal(local.communication, remote.communication)
    assert "decided Dask" in remote.log.text()


def test_json_lines_not_utf8_refused(tmp_path):
    good = json.dumps(_msg("<a>", "ann@acme.example", to=["bo@acme.example"])).encode("utf-8")
    (tmp_path / "mail.jsonl").write_bytes(good + b"\n" + '{"from": "王芳"}'.encode("gb18030") + b"\n")
    with pytest.raises(ExportFormatError, match="line 2 is not UTF-8"):
        read_export("graph", [tmp_path / "mail.jsonl"], ImportOptions(pseudonymise=True))
