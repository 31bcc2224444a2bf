"""The ``slack`` format: a synthetic workspace export in Slack's documented layout, ties computed by hand."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from orgkit.errors import ExportFormatError
from orgkit.importers.base import ImportLog, ImportOptions
from orgkit.importers.formats import get_format
from orgkit.importers.platforms.slack import read_slack


def ts(day: int, hour: int, n: int = 0) -> str:
    """A Slack ``ts``: epoch seconds (UTC) of 2024-03-``day`` ``hour``:00, with a message counter."""
    t = dt.datetime(2024, 3, day, hour, tzinfo=dt.timezone.utc).timestamp()
    return f"{int(t)}.{n:06d}"


M1 = ts(4, 10, 1)
M2 = ts(4, 17, 2)   # 2024-03-05 01:00 in Shanghai
M9 = ts(4, 12, 9)   # a reply listed only in M1's "replies"

USERS = [
    {"id": "U1", "name": "zhangwei", "real_name": "张伟", "deleted": False, "is_bot": False,
     "profile": {"email": "zhang.wei@example.com", "title": "Sales lead"}},
    {"id": "U2", "name": "wangfang", "real_name": "王芳", "deleted": False, "is_bot": False,
     "profile": {"email": "wang.fang@example.com"}},
    {"id": "U3", "name": "lina", "real_name": "李娜", "deleted": False, "is_bot": False, "profile": {}},
    {"id": "U4", "name": "gone", "deleted": True, "is_bot": False, "profile": {"email": "gone@example.com"}},
    {"id": "B1", "name": "deploybot", "deleted": False, "is_bot": True, "profile": {}},
    {"id": "USLACKBOT", "name": "slackbot", "deleted": False, "is_bot": False, "profile": {}},
]
CHANNELS = [
    {"id": "C1", "name": "general", "members": ["U1", "U2", "U3", "U4", "B1"], "is_archived": False},
    {"id": "C2", "name": "proj", "members": ["U1", "U2"], "is_archived": True},
]
DMS = [{"id": "D1", "members": ["U1", "U3"]}]
DAYS = {
    "general/2024-03-04.json": [
        {"type": "message", "user": "U1", "ts": M1, "thread_ts": M1, "reply_count": 3,
         "reply_users": ["U2", "U3"], "replies": [{"user": "U2", "ts": M2}, {"user": "U3", "ts": M9}],
         "text": "hi <@U2> and <@U3|lina>, see the plan"},
        {"type": "message", "user": "U2", "ts": M2, "thread_ts": M1, "parent_user_id": "U1",
         "text": "ok <@U1>"},
        {"type": "message", "subtype": "channel_join", "user": "U3", "ts": ts(4, 11, 3),
         "text": "<@U3> has joined the channel"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B1", "ts": ts(4, 11, 4), "text": "deployed"},
        {"type": "message", "user": "U4", "ts": ts(4, 11, 5), "text": "<@U1> bye"},
        {"type": "message", "user": "U3", "ts": ts(4, 11, 6), "text": "<@U4> <@B1> <@U3> <@W99>"},
    ],
    "general/2024-03-05.json": [
        {"type": "message", "user": "U3", "ts": ts(5, 9, 7), "thread_ts": M1, "text": "agreed"},
        {"type": "message", "user": "U1", "ts": ts(5, 9, 8), "text": "thanks Li",
         "blocks": [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
             {"type": "text", "text": "thanks "}, {"type": "user", "user_id": "U3"}]}]}]},
    ],
    "proj/2024-03-06.json": [
        {"type": "message", "user": "U2", "ts": ts(6, 9, 10), "text": "<@U1> <@U1> please"},
    ],
    "D1/2024-03-05.json": [
        {"type": "message", "user": "U1", "ts": ts(5, 10, 11), "text": "a question"},
        {"type": "message", "user": "U3", "ts": ts(5, 10, 12), "text": "<@U1> sure"},
    ],
}


def write_export(root: Path, days: dict | None = None, *, users=USERS, zipped: bool = False,
                 prefix: str = "") -> Path:
    """Slack's layout: users.json, channels.json, dms.json and a folder of day files per conversation."""
    files = {"users.json": users, "channels.json": CHANNELS, "dms.json": DMS, "integration_logs.json": {"logs": []}}
    files.update(DAYS if days is None else days)
    if zipped:
        path = root / "Acme Slack export.zip"
        with zipfile.ZipFile(path, "w") as z:
            for name, data in files.items():
                z.writestr(prefix + name, data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
        return path
    folder = root / "export"
    for name, data in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def ties(imported) -> dict[tuple[str, str, str], float]:
    c = imported.communication
    return {(s, t, ch): w for s, t, ch, w in zip(c["source_id"], c["target_id"], c["channel"], c["weight"])}


EXPECTED = {
    ("U2", "U1", "slack-reply"): 1.0,      # M2
    ("U3", "U1", "slack-reply"): 2.0,      # the 5 March reply (thread found by ts) and M9 (listed only)
    ("U1", "U2", "slack-mention"): 1.0,    # M1
    ("U1", "U3", "slack-mention"): 2.0,    # M1 (<@U3|lina>) and the rich-text block of 5 March
    ("U2", "U1", "slack-mention"): 2.0,    # M2 and proj (twice in one message: once)
    ("U1", "U3", "slack-dm"): 1.0,
    ("U3", "U1", "slack-dm"): 1.0,         # the mention inside the DM is not counted again
}


@pytest.mark.parametrize("zipped,prefix", [(False, ""), (True, ""), (True, "Acme export/")])
def test_replies_mentions_and_dms(tmp_path, zipped, prefix):
    path = write_export(tmp_path, zipped=zipped, prefix=prefix)
    log = ImportLog()
    got = read_slack([path], ImportOptions(), log)
    assert ties(got) == EXPECTED
    assert got.people is None
    text = log.text()
    assert "dropped 1 system messages" in text and "channel_join 1" in text
    assert "dropped 1 messages: written by bots or apps" in text
    assert "dropped 1 messages: written by deleted users" in text
    assert "dropped 1 ties: to oneself" in text
    assert "dropped 1 ties: to bots or apps" in text
    assert "dropped 1 ties: to deleted users" in text
    assert "dropped 1 ties: to people from other workspaces" in text
    assert "Slack user ids" in text
    # no message text, no names, no e-mail addresses in the log
    for private in ("plan", "张伟", "zhang.wei", "please", "agreed", "lina"):
        assert private not in text


def test_registered_and_columns(tmp_path):
    fmt = get_format("slack")
    assert fmt.reader is read_slack
    got = read_slack([write_export(tmp_path)], ImportOptions(), ImportLog())
    assert list(got.communication.columns) == ["source_id", "target_id", "weight", "channel"]


def test_window_in_the_client_time_zone(tmp_path):
    path = write_export(tmp_path)
    since = dt.datetime(2024, 3, 5)
    utc = ties(read_slack([path], ImportOptions(since=since), ImportLog()))
    assert utc == {("U3", "U1", "slack-reply"): 1.0, ("U1", "U3", "slack-mention"): 1.0,
                   ("U2", "U1", "slack-mention"): 1.0, ("U1", "U3", "slack-dm"): 1.0,
                   ("U3", "U1", "slack-dm"): 1.0}
    # M2 was sent at 01:00 on 5 March in Shanghai: inside the window there
    sh = ties(read_slack([path], ImportOptions(since=since, timezone="Asia/Shanghai"), ImportLog()))
    assert sh[("U2", "U1", "slack-reply")] == 1.0 and sh[("U2", "U1", "slack-mention")] == 2.0
    until = ties(read_slack([path], ImportOptions(until=dt.datetime(2024, 3, 5)), ImportLog()))
    assert until == {("U2", "U1", "slack-reply"): 1.0, ("U3", "U1", "slack-reply"): 1.0,
                     ("U1", "U2", "slack-mention"): 1.0, ("U1", "U3", "slack-mention"): 1.0,
                     ("U2", "U1", "slack-mention"): 1.0}


def test_channel_co_membership(tmp_path):
    path = write_export(tmp_path)
    got = ties(read_slack([path], ImportOptions(channel_weight=0.5), ImportLog()))
    member = {k: v for k, v in got.items() if k[2] == "slack-channel"}
    # general: U1, U2, U3 (U4 left, B1 a bot); proj: U1, U2
    assert member == {("U1", "U2", "slack-channel"): 1.0, ("U2", "U1", "slack-channel"): 1.0,
                      ("U1", "U3", "slack-channel"): 0.5, ("U3", "U1", "slack-channel"): 0.5,
                      ("U2", "U3", "slack-channel"): 0.5, ("U3", "U2", "slack-channel"): 0.5}
    log = ImportLog()
    capped = ties(read_slack([path], ImportOptions(channel_weight=0.5, max_recipients=2), log))
    assert {k: v for k, v in capped.items() if k[2] == "slack-channel"} == {
        ("U1", "U2", "slack-channel"): 0.5, ("U2", "U1", "slack-channel"): 0.5}
    assert "dropped 1 channels: more than 2 members" in log.text()


def test_directory_maps_users_by_email(tmp_path):
    path = write_export(tmp_path)
    hr = tmp_path / "hr.csv"
    hr.write_text("Employee ID,Email,Department,Manager ID\nE1,Zhang.Wei@example.com,Sales,\n"
                  "E2,wang.fang@example.com,Sales,E1\nE3,,Finance,E1\n", encoding="utf-8")
    log = ImportLog()
    got = read_slack([path], ImportOptions(directory=(hr,)), log)
    # U3 has no e-mail address: the ties with U3 are dropped
    assert ties(got) == {("E2", "E1", "slack-reply"): 1.0, ("E1", "E2", "slack-mention"): 1.0,
                         ("E2", "E1", "slack-mention"): 2.0}
    assert sorted(got.people["employee_id"]) == ["E1", "E2", "E3"]
    assert "2 of 3 Slack users found in the directory" in log.text()


def test_end_to_end_client_folder(tmp_path):
    from orgkit.importers import import_client

    path = write_export(tmp_path)
    hr = tmp_path / "hr.csv"
    hr.write_text("Employee ID,Email,Department,Manager ID\nE1,zhang.wei@example.com,Sales,\n"
                  "E2,wang.fang@example.com,Sales,E1\nE3,li.na@example.com,Finance,E1\n", encoding="utf-8")
    users = [dict(u) for u in USERS]
    users[2] = {**users[2], "profile": {"email": "li.na@example.com"}}
    path = write_export(tmp_path / "x", users=users)
    result = import_client("slack", [path], tmp_path / "client", ImportOptions(directory=(hr,)))
    comm = pd.read_csv(tmp_path / "client" / "communication.csv", dtype=str)
    assert set(comm["source_id"]) | set(comm["target_id"]) <= {"E1", "E2", "E3"}
    assert "Slack" in result.log and "@" not in (tmp_path / "client" / "communication.csv").read_text()


def test_scales_over_many_day_files(tmp_path):
    # 3 days x 40 channels, chunks smaller than the export: the same ties as one pass
    import orgkit.importers.platforms.slack as slack

    days = {}
    for c in range(40):
        for d in (4, 5, 6):
            days[f"c{c}/2024-03-0{d}.json"] = [
                {"type": "message", "user": "U1", "ts": ts(d, 9, c), "text": "<@U2>"},
                {"type": "message", "user": "U2", "ts": ts(d, 10, c), "thread_ts": ts(d, 9, c), "text": "x"}]
    path = write_export(tmp_path, days)
    one = read_slack([path], ImportOptions(), ImportLog())
    old = slack.CHUNK_MESSAGES
    slack.CHUNK_MESSAGES = 7
    try:
        many = read_slack([path], ImportOptions(), ImportLog())
    finally:
        slack.CHUNK_MESSAGES = old
    assert ties(one) == ties(many) == {("U1", "U2", "slack-mention"): 120.0, ("U2", "U1", "slack-reply"): 120.0}


# ---- bad exports --------------------------------------------------------------------------------
def test_refuses_a_file_that_is_not_an_export(tmp_path):
    p = tmp_path / "export.zip"
    p.write_text("Employee ID,Name\n1,x\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="Slack workspace export.*found a text file"):
        read_slack([p], ImportOptions(), ImportLog())


def test_refuses_a_zip_that_is_not_a_slack_export(tmp_path):
    p = tmp_path / "photos.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a/b.json", "[]")
        z.writestr("readme.txt", "hello")
    with pytest.raises(ExportFormatError, match="none of them users.json"):
        read_slack([p], ImportOptions(), ImportLog())


def test_refuses_a_truncated_day_file(tmp_path):
    days = dict(DAYS)
    days["general/2024-03-05.json"] = json.dumps(DAYS["general/2024-03-05.json"])[:-40]
    path = write_export(tmp_path, days, zipped=True)
    with pytest.raises(ExportFormatError, match=r"2024-03-05.json.*truncated"):
        read_slack([path], ImportOptions(), ImportLog())


def test_refuses_users_json_of_another_shape(tmp_path):
    path = write_export(tmp_path, users={"members": USERS})
    with pytest.raises(ExportFormatError, match="users.json.*found an object"):
        read_slack([path], ImportOptions(), ImportLog())


def test_refuses_a_day_file_that_is_not_a_list(tmp_path):
    days = dict(DAYS)
    days["proj/2024-03-06.json"] = {"messages": []}
    with pytest.raises(ExportFormatError, match="2024-03-06.json.*list of messages"):
        read_slack([write_export(tmp_path, days)], ImportOptions(), ImportLog())


def test_refuses_an_export_without_day_files(tmp_path):
    with pytest.raises(ExportFormatError, match="no day files"):
        read_slack([write_export(tmp_path, {})], ImportOptions(), ImportLog())


def test_empty_day_files_give_no_ties(tmp_path):
    log = ImportLog()
    got = read_slack([write_export(tmp_path, {"general/2024-03-04.json": []})], ImportOptions(), log)
    assert got.communication.empty and list(got.communication.columns) == ["source_id", "target_id", "weight",
                                                                           "channel"]
    assert "0 of 0 messages" in log.text()
