"""Message logs (CSV/Parquet) -> weighted ties: hand-computed ties, the rules, encodings, refusals, Dask."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orgkit.errors import ConfigError, ExportFormatError
from orgkit.importers import ImportOptions, import_client, read_export
from orgkit.importers.base import ImportLog
from orgkit.importers.people import build_people
from orgkit.importers.ties import EventSource, aggregate_events, duckdb_settings

SH = "Asia/Shanghai"
HEADER = "sender,to,cc,sent,subject\n"


def _csv(path: Path, rows: list[str], header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.write_bytes((header + "".join(r + "\n" for r in rows)).encode(encoding))
    return path


def _ties(frame: pd.DataFrame) -> set[tuple]:
    return {(r.source_id, r.target_id, int(r.weight), r.channel) for r in frame.itertuples()}


def _directory():
    people = pd.DataFrame({"employee_id": ["E1", "E2", "E3", "E4"],
                           "email": ["ann@acme.example", "Bo@Acme.example", "cai@acme.example", "dan@acme.example"],
                           "department": ["Sales", "Sales", "Ops", "Ops"]})
    return build_people(people, file="hr.csv", options=ImportOptions(), log=ImportLog())


def _source(path: Path, **kw) -> EventSource:
    base = dict(kind="csv", files=(str(path),), sender="sender", recipients=("to", "cc"), timestamp="sent",
                delimiter=",", label=path.name)
    base.update(kw)
    return EventSource(**base)


# --------------------------------------------------------------------------------------------------
# hand-computed ties
# --------------------------------------------------------------------------------------------------
def test_multi_recipient_cells_cc_and_repeats(tmp_path):
    f = _csv(tmp_path / "log.csv", [
        'a,"b; c",d,2024-03-05 10:00,x',      # a->b, a->c, a->d (cc counted)
        'a,"b,b",,2024-03-05 11:00,x',        # b listed twice in one message: one message, one tie
        'b,a,,2024-03-05 12:00,x',            # b->a
        'c,"Cai, X <a>; <b>",,2024-03-05 12:00,x',  # Name <id> entries: c->a, c->b (the comma is inside a name)
    ])
    log = ImportLog()
    ties = aggregate_events([_source(f)], ImportOptions(timezone=SH), log, default_channel="email")
    assert _ties(ties) == {("a", "b", 2, "email"), ("a", "c", 1, "email"), ("a", "d", 1, "email"),
                           ("b", "a", 1, "email"), ("c", "a", 1, "email"), ("c", "b", 1, "email")}
    assert list(ties.columns) == ["source_id", "target_id", "weight", "channel"]
    assert ties["weight"].dtype == "int64"
    assert "read log.csv: message events (CSV, 1 file), 4 records" in log.text()
    assert "dropped 1 message-recipient pairs: the same recipient listed twice in one message" in log.text()


def test_mass_message_cap_boundary(tmp_path):
    f = _csv(tmp_path / "log.csv", [
        'a,"b;c;d",,2024-03-05 10:00,x',      # 3 recipients = the cap: ties
        'a,"b;c;d;e",,2024-03-05 10:00,x',    # 4 > 3: no ties
        'a,"a;b;c;d",,2024-03-05 10:00,x',    # the sender among them is not counted: 3, ties (self dropped)
    ])
    log = ImportLog()
    ties = aggregate_events([_source(f)], ImportOptions(max_recipients=3), log)
    assert _ties(ties) == {("a", "b", 2, "email"), ("a", "c", 2, "email"), ("a", "d", 2, "email")}
    text = log.text()
    assert "dropped 1 messages: more than 3 recipients" in text
    assert "dropped 1 message-recipient pairs: the recipient is the sender" in text


def test_time_window_in_the_client_zone(tmp_path):
    # Shanghai is UTC+8: 16:00Z on 4 March is midnight on 5 March there
    f = _csv(tmp_path / "log.csv", [
        "a,b,,2024-03-04T15:59:59Z,x",   # 23:59:59 on the 4th: before --since
        "a,c,,2024-03-04T16:00:00Z,x",   # 00:00 on the 5th: the first instant in
        "a,d,,2024-03-05T15:59:59Z,x",   # 23:59:59 on the 5th: in
        "a,e,,2024-03-05T16:00:00Z,x",   # 00:00 on the 6th: --until is excluded
        "a,f,,,x",                       # no time
    ])
    options = ImportOptions(timezone=SH, since=dt.datetime(2024, 3, 5), until=dt.datetime(2024, 3, 6))
    log = ImportLog()
    ties = aggregate_events([_source(f)], options, log)
    assert _ties(ties) == {("a", "c", 1, "email"), ("a", "d", 1, "email")}
    text = log.text()
    assert "dropped 1 messages: sent before --since" in text
    assert "dropped 1 messages: sent at or after --until" in text
    assert "dropped 1 messages: no readable time" in text
    assert "ISO 8601 with Z or an offset; converted to Asia/Shanghai" in text
    # the same instants in UTC fall on other days
    ties_utc = aggregate_events([_source(f)], ImportOptions(timezone="UTC", since=dt.datetime(2024, 3, 5),
                                                            until=dt.datetime(2024, 3, 6)), ImportLog())
    assert _ties(ties_utc) == {("a", "d", 1, "email"), ("a", "e", 1, "email")}


@pytest.mark.parametrize("sent, kept", [
    ("2024-06-30T22:59:59Z", False),   # 23:59:59 BST on 30 June
    ("2024-06-30T23:00:00Z", True),    # midnight BST: London is UTC+1 in summer
    ("2024-07-01 00:00:00", True),     # local text, as exported
    ("2024-06-30 23:59:59", False),
])
def test_window_bounds_across_summer_time(tmp_path, sent, kept):
    f = _csv(tmp_path / "log.csv", [f"a,b,,{sent},x"])
    options = ImportOptions(timezone="Europe/London", since=dt.datetime(2024, 7, 1))
    assert len(aggregate_events([_source(f)], options, ImportLog())) == int(kept)


@pytest.mark.parametrize("value", ["1709596800", "1709596800000", "2024-03-05T08:00:00+08:00",
                                   "2024-03-05 08:00", "2024/3/5 8:00", "2024年3月5日 08:00"])
def test_time_shapes(tmp_path, value):
    """Epoch s/ms (UTC), ISO with an offset and local text all read as 2024-03-05 08:00 in Shanghai."""
    f = _csv(tmp_path / "log.csv", [f"a,b,,{value},x", "a,c,,2030-01-01 00:00,x"])
    options = ImportOptions(timezone=SH, since=dt.datetime(2024, 3, 5, 8), until=dt.datetime(2024, 3, 5, 8, 0, 1))
    assert _ties(aggregate_events([_source(f)], options, ImportLog())) == {("a", "b", 1, "email")}
    later = ImportOptions(timezone=SH, since=dt.datetime(2024, 3, 5, 8, 0, 1))
    assert _ties(aggregate_events([_source(f)], later, ImportLog())) == {("a", "c", 1, "email")}


def test_directory_mapping_unknown_and_self_by_alias(tmp_path):
    f = _csv(tmp_path / "log.csv", [
        'ann@acme.example,"BO@acme.example;cai@acme.example",,2024-03-05 10:00,x',  # E1->E2, E1->E3
        'bo@acme.example,"E1;stranger@else.example",,2024-03-05 10:00,x',           # E2->E1; unknown pair
        'ghost@else.example,ann@acme.example,,2024-03-05 10:00,x',                  # unknown sender
        'e3,cai@acme.example,,2024-03-05 10:00,x',                                  # id and e-mail of E3: self
    ])
    log = ImportLog()
    ties = aggregate_events([_source(f)], ImportOptions(), log, directory=_directory(), default_channel="email")
    assert _ties(ties) == {("E1", "E2", 1, "email"), ("E1", "E3", 1, "email"), ("E2", "E1", 1, "email")}
    text = log.text()
    assert "dropped 1 messages: the sender is nobody in the directory (1 distinct sender)" in text
    assert "dropped 1 message-recipient pairs: the recipient is nobody in the directory (1 distinct recipient)" in text
    assert "dropped 1 message-recipient pairs: the recipient is the sender" in text
    assert "stranger" not in text and "ghost" not in text  # the log never names anyone


def test_channels_and_message_ids(tmp_path):
    f = _csv(tmp_path / "log.csv", [
        "m1,a,b,2024-03-05 10:00,Chat",
        "m1,a,b,2024-03-05 10:00,Chat",   # a second mailbox's copy of m1
        "m2,a,b,2024-03-05 10:00,",       # no channel: the default
        ",a,b,2024-03-05 10:00,email",    # no id: never merged
        ",a,b,2024-03-05 10:00,email",
    ], header="message id,sender,to,sent,channel\n")
    log = ImportLog()
    src = _source(f, recipients=("to",), channel="channel", message_id="message id")
    ties = aggregate_events([src], ImportOptions(), log, default_channel="message")
    assert _ties(ties) == {("a", "b", 1, "chat"), ("a", "b", 1, "message"), ("a", "b", 2, "email")}
    assert "dropped 1 message copies" in log.text()


# --------------------------------------------------------------------------------------------------
# the events format: headers, files, encodings
# --------------------------------------------------------------------------------------------------
ROWS_ZH = ["张伟@acme.example,王芳@acme.example;李娜@acme.example,2024-03-05 10:00:00,邮件",
           "王芳@acme.example,张伟@acme.example,2024-03-05 11:00:00,"]


@pytest.mark.parametrize("encoding, sep", [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("utf-16", "\t")])
def test_events_format_encodings_and_chinese_headers(tmp_path, encoding, sep):
    header = sep.join(["发件人", "收件人", "发送时间", "渠道"]) + "\n"
    rows = [r.replace(",", sep) if sep != "," else r for r in ROWS_ZH]
    f = _csv(tmp_path / "消息.csv", rows, header=header, encoding=encoding)
    imported = read_export("events", [f], ImportOptions(pseudonymise=True))
    assert _ties(imported.communication) == {("张伟@acme.example", "王芳@acme.example", 1, "邮件"),
                                             ("张伟@acme.example", "李娜@acme.example", 1, "邮件"),
                                             ("王芳@acme.example", "张伟@acme.example", 1, "message")}
    text = imported.log.text()
    assert f"decided encoding of 消息.csv: {encoding}" in text
    assert ("transcoded from" in text) == (encoding in ("gb18030", "utf-16"))
    assert "mapped 消息.csv: 发件人 -> sender" in text


def test_events_format_parquet_lists_and_typed_times(tmp_path):
    table = pa.table({
        "From": ["a", "b", "c"],
        "To": pa.array([["b", "c"], ["a"], []], type=pa.list_(pa.string())),
        "SentDateTime": pa.array(pd.to_datetime(["2024-03-04T16:30:00Z", "2024-03-05T01:00:00Z",
                                                 "2024-03-05T01:00:00Z"], utc=True)),
        "Body": ["private", "private", "private"],
    })
    pq.write_table(table, tmp_path / "log.parquet")
    options = ImportOptions(timezone=SH, since=dt.datetime(2024, 3, 5), pseudonymise=True)
    imported = read_export("events", [tmp_path / "log.parquet"], options)
    assert _ties(imported.communication) == {("a", "b", 1, "message"), ("a", "c", 1, "message"),
                                             ("b", "a", 1, "message")}
    text = imported.log.text()
    assert "timestamps with a zone; converted to Asia/Shanghai" in text
    assert "dropped 1 messages: no recipients" in text
    assert "Body" not in text and "private" not in text


def test_events_format_folders_globs_and_layouts(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    _csv(logs / "2024-01.csv", ["a,b,,2024-01-05 10:00,x"])
    _csv(logs / "2024-02.csv", ["a,b,,2024-02-05 10:00,x", "b,a,,2024-02-05 10:00,x"])
    _csv(logs / "other.csv", ["2024-03-05 10:00,a,c"], header="Sent,From,Recipients\n")  # another layout
    (logs / "README.md").write_text("notes", encoding="utf-8")
    imported = read_export("events", [logs], ImportOptions(pseudonymise=True))
    assert _ties(imported.communication) == {("a", "b", 2, "message"), ("b", "a", 1, "message"),
                                             ("a", "c", 1, "message")}
    text = imported.log.text()
    assert "dropped 1 files in the folders given" in text
    assert "read 2024-01.csv ... 2024-02.csv (2 files): message events (CSV, 2 files), 3 records" in text
    quoted = read_export("events", [str(logs / "2024-0*.csv")], ImportOptions(pseudonymise=True))  # a glob
    assert _ties(quoted.communication) == {("a", "b", 2, "message"), ("b", "a", 1, "message")}
    with pytest.raises(ConfigError, match="no such file"):
        read_export("events", [str(logs / "2023-*.csv")], ImportOptions(pseudonymise=True))
    from orgkit.importers.platforms.events import event_files

    assert [p.name for p in event_files([tmp_path / "logs" / "2024-0*.csv"], ImportLog())] == ["2024-01.csv",
                                                                                              "2024-02.csv"]


def test_events_format_column_names_given(tmp_path):
    f = _csv(tmp_path / "log.csv", ["a,b,c,2024-03-05 10:00"], header="Von,An,Kopie,Gesendet\n")
    with pytest.raises(ExportFormatError, match="sender"):
        read_export("events", [f], ImportOptions(pseudonymise=True))
    options = ImportOptions(pseudonymise=True, extra={"sender": "Von", "recipients": "An,Kopie",
                                                      "timestamp": "Gesendet"})
    assert _ties(read_export("events", [f], options).communication) == {("a", "b", 1, "message"),
                                                                        ("a", "c", 1, "message")}
    bad = ImportOptions(pseudonymise=True, extra={"sender": "Absender", "recipients": "An", "timestamp": "Gesendet"})
    with pytest.raises(ExportFormatError, match="Absender"):
        read_export("events", [f], bad)


# --------------------------------------------------------------------------------------------------
# refusals and privacy
# --------------------------------------------------------------------------------------------------
def test_bad_files_refused(tmp_path):
    wrong = _csv(tmp_path / "people.csv", ["E1,Sales"], header="employee_id,department\n")
    with pytest.raises(ExportFormatError, match=r"people.csv: expected a message log.*found the columns "
                                                r"employee_id, department"):
        read_export("events", [wrong], ImportOptions(pseudonymise=True))
    html = tmp_path / "log.csv"
    html.write_text("<!DOCTYPE html><html><body>Sign in</body></html>", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="web page"):
        read_export("events", [html], ImportOptions(pseudonymise=True))
    js = tmp_path / "messages.json"
    js.write_text('{"value": []}', encoding="utf-8")
    with pytest.raises(ExportFormatError, match="graph format"):
        read_export("events", [js], ImportOptions(pseudonymise=True))
    pq.write_table(pa.table({"sender": ["a"], "to": ["b"], "sent": ["2024-03-05"]}), tmp_path / "ok.parquet")
    data = (tmp_path / "ok.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(ExportFormatError, match="cut.parquet.*Parquet file that cannot be read"):
        read_export("events", [tmp_path / "cut.parquet"], ImportOptions(pseudonymise=True))
    ragged = _csv(tmp_path / "ragged.csv", ["a,b,,2024-03-05 10:00,x", "a,b,,2024-03-05 10:00,x,y,z"])
    with pytest.raises(ExportFormatError, match="ragged.csv.*do not parse as CSV") as err:
        read_export("events", [ragged], ImportOptions(pseudonymise=True))
    assert "x,y,z" not in str(err.value)  # never quotes the file


def test_email_ids_need_a_directory_or_pseudonyms(tmp_path):
    f = _csv(tmp_path / "log.csv", ["ann@acme.example,bo@acme.example,,2024-03-05 10:00,x"])
    with pytest.raises(ConfigError, match=r"--directory HR_FILE.*--pseudonymise"):
        read_export("events", [f], ImportOptions())
    hr = tmp_path / "hr.csv"
    hr.write_text("Employee ID,Email,Department\nE1,ann@acme.example,Sales\nE2,bo@acme.example,Sales\n"
                  "E3,cai@acme.example,Ops\nE4,dan@acme.example,Ops\nE5,eve@acme.example,Ops\n", encoding="utf-8")
    out = tmp_path / "client"
    result = import_client("events", [f], out, ImportOptions(directory=(hr,), timezone=SH))
    text = (out / "communication.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["source_id,target_id,weight,channel", "E1,E2,1,message"]
    assert "@" not in text and "@" not in (out / "people.csv").read_text(encoding="utf-8-sig")
    assert result.counts["people"] == 5
    import orgkit

    assert orgkit.load_client(out).n_people == 5


def test_same_input_same_ties_and_log(tmp_path):
    rows = [f"p{i % 7},\"p{(i * 3) % 11};p{(i * 5) % 13}\",p{i % 4},2024-03-{1 + i % 28:02d} 10:00,x"
            for i in range(300)]
    f = _csv(tmp_path / "log.csv", rows)
    runs = []
    for _ in range(2):
        log = ImportLog()
        runs.append((aggregate_events([_source(f)], ImportOptions(max_recipients=2), log), log.text()))
    pd.testing.assert_frame_equal(runs[0][0], runs[1][0])
    assert runs[0][1] == runs[1][1]
    assert runs[0][0].equals(runs[0][0].sort_values(["source_id", "target_id", "channel"]).reset_index(drop=True))


def test_duckdb_settings():
    s = duckdb_settings(ImportOptions(), memory_bytes=8 * 2**30, threads=3)
    assert s == {"memory_limit": "2048MiB", "threads": 3}
    assert duckdb_settings(ImportOptions(extra={"memory_limit": "1GB", "threads": "1"})) == \
        {"memory_limit": "1GB", "threads": 1}
    with pytest.raises(ConfigError, match="memory_limit"):
        duckdb_settings(ImportOptions(extra={"memory_limit": "1; DROP TABLE x"}))


# --------------------------------------------------------------------------------------------------
# Dask
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed (orgkit[dask])")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  silence_logs=logging.ERROR) as c:
        yield c


@pytest.mark.parametrize("with_ids", [False, True])
def test_dask_equals_local(tmp_path, cluster, with_ids):
    files = []
    for k in range(3):
        rows = [f"m{(i * 7 + k) % 50},p{i % 5},\"p{(i + k) % 6};p{(i * 2) % 7}\",2024-03-{1 + i % 20:02d} 10:00"
                for i in range(60)]
        files.append(str(_csv(tmp_path / f"log{k}.csv", rows, header="id,sender,to,sent\n")))
    src = EventSource("csv", tuple(files), "sender", ("to",), "sent", None, "id" if with_ids else None, ",",
                      "logs")
    options = ImportOptions(since=dt.datetime(2024, 3, 3), max_recipients=1)
    local_log, dask_log = ImportLog(), ImportLog()
    local = aggregate_events([src], options, local_log)
    remote = aggregate_events([src], ImportOptions(since=dt.datetime(2024, 3, 3), max_recipients=1,
                                                   scheduler=cluster.scheduler_address), dask_log)
    pd.testing.assert_frame_equal(local, remote)
    assert len(local) > 5
    def same(lines):
        return [line for line in lines if not line.startswith(("decided Dask", "decided DuckDB"))]

    assert same(dask_log.lines) == same(local_log.lines)
    assert ("by a hash of their message id" in dask_log.text()) == with_ids


def test_gzip_csv_and_temp_dir(tmp_path):
    import gzip

    raw = (HEADER + "a,b,,2024-03-05 10:00,x\n").encode("gb18030")
    (tmp_path / "log.csv.gz").write_bytes(gzip.compress(raw))
    spill = tmp_path / "spill"
    spill.mkdir()
    imported = read_export("events", [tmp_path / "log.csv.gz"],
                           ImportOptions(pseudonymise=True, extra={"temp_dir": str(spill)}))
    assert _ties(imported.communication) == {("a", "b", 1, "message")}
    assert list(spill.iterdir()) == []  # the temporary copies and DuckDB's spill folder are removed
    with pytest.raises(ConfigError, match="temp_dir"):
        aggregate_events([_source(tmp_path / "x.csv")], ImportOptions(extra={"temp_dir": str(tmp_path / "no")}),
                         ImportLog())
