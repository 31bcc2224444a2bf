"""Slack workspace exports -> communication ties: the ``slack`` format.

Reads the export Slack's workspace owners download (*Settings -> Import/Export data -> Export*): the ``.zip``
as it comes, or its unpacked folder. The archive is read in place (nothing is unpacked to disk):

* ``users.json`` — ``id``, ``deleted``, ``is_bot``, ``profile.email`` (names and titles are not read);
* ``channels.json`` (public), ``groups.json`` (private), ``mpims.json`` (group direct messages),
  ``dms.json`` (direct messages) — ``id``, ``name``, ``members``, whichever the export has;
* one folder per conversation (the channel's name; a DM's id) of day files ``YYYY-MM-DD.json``, each a list
  of messages: ``type``, ``subtype``, ``user``, ``ts``, ``thread_ts``, ``parent_user_id``, ``replies``,
  ``text`` and ``blocks``. The text is only scanned for mention tokens (``<@U123>``) and dropped at once,
  blocks for rich-text ``user`` elements; neither is kept, logged or written.

Ties (directed, one per message, summed per pair and channel; ``weight`` = the number of messages):

* ``slack-reply`` — a reply in a thread -> the thread's first author (``parent_user_id``, else the message
  the thread starts with). A reply the export lists only in its parent's ``replies`` counts too, once.
* ``slack-mention`` — a message -> each person it mentions (once per message and person).
* ``slack-dm`` — a message in a direct message or group DM -> each other member of that conversation
  (replies and mentions inside DMs are not counted again). A group DM with more members than
  ``max_recipients`` gives none.
* ``slack-channel`` (only with ``channel_weight``) — two members of the same public or private channel,
  ``channel_weight`` per channel shared, both directions; a channel with more than ``max_recipients``
  members (after bots and departed people) gives none. Membership is as of the export: the time window does
  not apply to it.

Left out and counted: system messages (joins, leaves, topic changes, pins... any subtype that is not a
person writing), messages by bots and apps (``is_bot``, Slackbot, ``bot_message``), messages by and ties to
deleted users (people who left), people from other workspaces (not in ``users.json``), ties to oneself,
messages outside ``since``/``until`` (``ts`` is epoch seconds, UTC, compared in the client's time zone).

People: Slack has no departments. With ``directory`` (HR files), Slack users map to employee ids by e-mail
address (then by an account-id column) and the directory's people are written; ties of users the directory
does not know are dropped and counted. Without it, the ids written are Slack user ids and no people table
can be written: the log says so.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from orgkit.importers.base import TIE_COLUMNS, ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.sources import read_json, read_zip_json, sniff, zip_members

__all__ = ["read_slack", "HUMAN_SUBTYPES", "CHANNELS"]

_EXPECTED = ("a Slack workspace export (users.json, channels.json and a folder of YYYY-MM-DD.json day files per "
             "channel), as the .zip Slack gives or its unpacked folder")
_HINT = ("Export the workspace again from Slack (Settings -> Import/Export data -> Export) and give the .zip or "
         "the folder it unpacks to.")
#: Message subtypes written by a person (everything else -- joins, topics, pins, bots -- is dropped, counted).
HUMAN_SUBTYPES = frozenset({"", "thread_broadcast", "file_share", "me_message", "file_comment", "file_mention",
                            "reply_broadcast"})
#: The ``channel`` value of each kind of tie.
CHANNELS = {"reply": "slack-reply", "mention": "slack-mention", "dm": "slack-dm", "member": "slack-channel"}
_CONVERSATION_FILES = (("channels.json", "channel"), ("groups.json", "private"), ("mpims.json", "mpim"),
                       ("dms.json", "dm"))
_DAY = re.compile(r"^(?P<folder>[^/]+)/(?P<day>\d{4}-\d{2}-\d{2})\.json$")
_MENTION = r"<@([UWB][A-Z0-9]+)(?:\|[^>]*)?>"
_BLOCK_USER = r'"user_id":\s*"([UWB][A-Z0-9]+)"'
_SLACKBOT = "USLACKBOT"
#: Messages held before they are reduced to ids and times (bounds memory on exports of millions of messages).
CHUNK_MESSAGES = 200_000
_COLUMNS = ["type", "subtype", "user", "bot_id", "ts", "thread_ts", "parent_user_id", "replies", "text", "blocks"]


class _Export:
    """The files of one Slack export, by their path below the export's root, from a zip or a folder."""

    def __init__(self, path: Path):
        self.path = path
        self.archive: zipfile.ZipFile | None = None
        if path.is_dir():
            files = [q.relative_to(path).as_posix() for q in path.rglob("*.json") if q.is_file()]
        else:
            kind = sniff(path)
            if kind != "zip":
                raise refuse(path, _EXPECTED, {"xlsx": "an Excel workbook", "json": "a single JSON file",
                                               "html": "a web page (an error or login page saved under this name)",
                                               "text": "a text file", "parquet": "a Parquet file",
                                               "xls": "an old-style .xls workbook"}.get(kind, kind), _HINT)
            self.archive = zip_members(path, _EXPECTED)
            files = [n for n in self.archive.namelist() if not n.endswith("/")]
        files = [f for f in files if not any(p.startswith((".", "__MACOSX")) for p in PurePosixPath(f).parts)]
        users = sorted((f for f in files if PurePosixPath(f).name == "users.json"),
                       key=lambda f: (len(PurePosixPath(f).parts), f))
        if not users:
            self.close()
            what = "an archive" if self.archive is not None else "a folder"
            raise refuse(path, _EXPECTED, f"{what} of {len(files):,} JSON file(s), none of them users.json", _HINT)
        root = str(PurePosixPath(users[0]).parent)
        prefix = "" if root == "." else root + "/"
        self.prefix = prefix
        self.names = sorted(f[len(prefix):] for f in files if f.startswith(prefix))

    def read(self, name: str, expected: str) -> Any:
        if self.archive is not None:
            return read_zip_json(self.archive, self.prefix + name, expected)
        return read_json(self.path / self.prefix / name, expected)

    def shown(self, name: str) -> str:
        return f"{self.path.name}:{name}"

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def _records(data: Any, file: str, expected: str, key: str = "id") -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(r, dict) and key in r for r in data):
        found = type(data).__name__ if not isinstance(data, list) else f"a list whose items are not all objects " \
                                                                         f"with {key!r}"
        raise refuse(file, expected, {"dict": "an object", "str": "a string"}.get(found, found), _HINT)
    return data


def _users(export: _Export, log: ImportLog) -> pd.DataFrame:
    """``id``, ``email``, ``bot``, ``deleted`` of every account in users.json (names are not read)."""
    data = _records(export.read("users.json", "Slack users.json (a list of users)"),
                    export.shown("users.json"), "Slack users.json: a list of users, each with an id")
    users = pd.DataFrame({
        "id": [str(u.get("id", "")) for u in data],
        "email": [str((u.get("profile") or {}).get("email") or "") if isinstance(u.get("profile"), dict) else ""
                  for u in data],
        "bot": [bool(u.get("is_bot")) or bool(u.get("is_app_user")) for u in data],
        "deleted": [bool(u.get("deleted")) for u in data],
    })
    users.loc[users["id"] == _SLACKBOT, "bot"] = True
    users = users.drop_duplicates("id", keep="last").set_index("id", drop=False)
    log.read(export.shown("users.json"), "Slack users", len(users))
    log.note(f"users.json: {int(users['bot'].sum()):,} bots and apps, {int(users['deleted'].sum()):,} deleted "
             "accounts (people who left); their messages and ties are dropped")
    return users


def _conversations(export: _Export, log: ImportLog) -> pd.DataFrame:
    """``folder``, ``kind``, ``members`` (list) of every conversation the export lists."""
    rows: list[tuple[str, str, list[str], bool]] = []
    for file, kind in _CONVERSATION_FILES:
        if file not in export.names:
            continue
        data = _records(export.read(file, f"Slack {file} (a list of conversations)"), export.shown(file),
                        f"Slack {file}: a list of conversations, each with an id")
        for c in data:
            members = c.get("members") or []
            folder = str(c.get("id")) if kind == "dm" else str(c.get("name") or c.get("id"))
            rows.append((folder, kind, [str(m) for m in members] if isinstance(members, list) else [],
                         bool(c.get("is_archived"))))
        log.read(export.shown(file), f"Slack {kind} conversations", len(data))
    if not rows:
        raise refuse(export.path, _EXPECTED, "users.json without channels.json (or groups, mpims, dms)", _HINT)
    conv = pd.DataFrame(rows, columns=["folder", "kind", "members", "archived"])
    return conv.drop_duplicates("folder", keep="first").reset_index(drop=True)


def _scan_chunk(buf: list[dict[str, Any]], conv: list[int]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Reduce raw messages to ids and times; the text and blocks are dropped here, after the mention scan."""
    frame = pd.DataFrame.from_records(buf, columns=_COLUMNS)
    frame["conv"] = np.asarray(conv, dtype=np.int32)
    # mentions: user ids only, from the text tokens and the rich-text blocks
    found = [frame["text"].where(frame["text"].map(type) == str, "").str.extractall(_MENTION)]
    blocks = frame["blocks"]
    has_blocks = blocks.map(lambda b: isinstance(b, list) and len(b) > 0).to_numpy(dtype=bool)
    if has_blocks.any():
        found.append(blocks[has_blocks].map(json.dumps).str.extractall(_BLOCK_USER))
    frame = frame.drop(columns=["text", "blocks"])
    mentions = pd.concat(found)
    mentions = pd.DataFrame({"row": mentions.index.get_level_values(0).to_numpy(dtype=np.int64),
                             "target": mentions[0].to_numpy(dtype=object)}).drop_duplicates()
    # replies listed in a parent's "replies" array: (user, ts) each
    rep = frame.loc[frame["replies"].map(lambda r: isinstance(r, list) and len(r) > 0), ["conv", "ts", "replies"]]
    listed = pd.DataFrame(columns=["conv", "thread_ts", "user", "ts"])
    if len(rep):
        ex = rep.explode("replies")
        ok = ex["replies"].map(lambda r: isinstance(r, dict))
        ex = ex[ok]
        listed = pd.DataFrame({"conv": ex["conv"].to_numpy(), "thread_ts": ex["ts"].astype("str").to_numpy(),
                               "user": ex["replies"].map(lambda r: str(r.get("user") or "")).to_numpy(),
                               "ts": ex["replies"].map(lambda r: str(r.get("ts") or "")).to_numpy()})
    frame = frame.drop(columns=["replies"])
    for col in ("type", "subtype", "user", "bot_id", "ts", "thread_ts", "parent_user_id"):
        s = frame[col]
        frame[col] = s.where(s.map(type) == str, "").astype("str")
    return frame, mentions, listed


def _pairs(members: pd.Series, index: pd.Index) -> pd.DataFrame:
    """Every ordered pair of different members of each conversation (``conv``, ``source``, ``target``)."""
    flat = pd.DataFrame({"conv": np.repeat(index.to_numpy(), members.str.len().to_numpy()),
                         "who": np.concatenate([np.asarray(m, dtype=object) for m in members] or [np.array([])])})
    pairs = flat.merge(flat, on="conv", suffixes=("_s", "_t"))
    pairs = pairs[pairs["who_s"] != pairs["who_t"]]
    return pd.DataFrame({"conv": pairs["conv"].to_numpy(), "source": pairs["who_s"].to_numpy(),
                         "target": pairs["who_t"].to_numpy()})


@register("slack", "Slack workspace export (.zip or its folder)",
          "the Slack export .zip (or the folder it unpacks to); --directory HR_FILE maps Slack users to employees",
          ("communication", "people"))
def read_slack(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    """Read a Slack workspace export into communication ties (see the module docstring for every rule)."""
    if len(paths) != 1:
        raise refuse(", ".join(Path(p).name for p in paths), "one Slack export (the .zip or the folder it unpacks "
                     "to)", f"{len(paths)} files or folders", "Give the export's .zip or its folder, once.")
    log.section("communication")
    export = _Export(Path(paths[0]))
    try:
        users = _users(export, log)
        conv = _conversations(export, log)
        conv, messages, mentions, listed, n_files, skipped = _read_days(export, conv, options, log)
    finally:
        export.close()
    log.read(export.path, f"Slack day files of {conv['folder'].nunique():,} conversations ({n_files:,} files)",
             len(messages))
    if skipped:
        log.note(f"{skipped:,} day files dated after --until were not read")
    ties = _message_ties(messages, mentions, listed, conv, users, options, log)
    if options.channel_weight:
        ties = pd.concat([ties, _member_ties(conv, users, options, log)], ignore_index=True)
    else:
        log.note("channel co-membership is not counted (give --channel-weight to count shared channels as ties)")
    people = None
    if options.directory:
        from orgkit.importers.directory import read_directory

        log.section("people (from --directory)")
        directory = read_directory(options.directory, options, log)
        known = users[~users["bot"] & ~users["deleted"]]
        by_mail = directory.resolve(known["email"].reset_index(drop=True), what="Slack users (by e-mail)",
                                    log=None, kinds=("email",))
        by_id = directory.resolve(known["id"].reset_index(drop=True), what="Slack users (by account id)", log=None,
                                  kinds=("user_id",))
        emp = by_mail.where(by_mail != "", by_id)
        lookup = pd.Series(emp.to_numpy(), index=known["id"].to_numpy())
        log.decided("people", f"{int((emp != '').sum()):,} of {len(known):,} Slack users found in the directory "
                    f"({int((by_mail != '').sum()):,} by e-mail address, the rest by account id)")
        n = len(ties)
        ties = ties.assign(source=ties["source"].map(lookup).fillna(""), target=ties["target"].map(lookup).fillna(""))
        miss = (ties["source"] == "") | (ties["target"] == "")
        lost = float(ties.loc[miss & (ties["channel"] != CHANNELS["member"]), "weight"].sum())
        log.dropped(int(round(lost)), "messages", "from or to a Slack user the directory does not know")
        ties = ties[~miss & (ties["source"] != ties["target"])]
        log.note(f"{n - len(ties):,} tie rows of unknown people left out")
        people = directory.people
    else:
        log.note("no --directory: the ids written are Slack user ids (U...) and no people table is written, because "
                 "Slack has no departments. Give --directory HR_FILE (with e-mail addresses) to map Slack users to "
                 "employee ids and write people.csv with departments.")
    out = (ties.groupby(["source", "target", "channel"], sort=True, observed=True)["weight"].sum().reset_index()
           .rename(columns={"source": "source_id", "target": "target_id"}))
    out = out[list(TIE_COLUMNS)]
    log.count("ties", len(out))
    for ch, label in ((CHANNELS["reply"], "reply"), (CHANNELS["mention"], "mention"), (CHANNELS["dm"], "DM"),
                      (CHANNELS["member"], "shared-channel")):
        sel = out["channel"] == ch
        if sel.any():
            log.note(f"{label} ties: {int(sel.sum()):,} pairs, weight {out.loc[sel, 'weight'].sum():,.6g}")
    return Imported(people=people, communication=out.reset_index(drop=True), log=log)


def _read_days(export: _Export, conv: pd.DataFrame, options: ImportOptions, log: ImportLog):
    """Every day file, in chunks: messages (ids, times, kinds), mentions and listed replies."""
    code = {f: i for i, f in enumerate(conv["folder"])}
    extra_rows: list[tuple[str, str, list[str], bool]] = []
    last_day = None
    if options.until is not None:
        last_day = (pd.Timestamp(options.until) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    frames, mention_parts, listed_parts = [], [], []
    buf: list[dict[str, Any]] = []
    convs: list[int] = []
    base = 0
    n_files = skipped = not_messages = 0

    def flush() -> None:
        nonlocal base, buf, convs
        if not buf:
            return
        f, m, li = _scan_chunk(buf, convs)
        f.index = np.arange(base, base + len(f))
        m["row"] += base
        frames.append(f)
        mention_parts.append(m)
        listed_parts.append(li)
        base += len(f)
        buf, convs = [], []

    for name in export.names:
        hit = _DAY.match(name)
        if hit is None:
            continue
        if last_day is not None and hit["day"] > last_day:
            skipped += 1
            continue
        folder = hit["folder"]
        if folder not in code:  # a conversation the lists do not name: read as a channel without members
            code[folder] = len(code)
            extra_rows.append((folder, "channel", [], False))
        data = export.read(name, "a Slack day file (a list of messages)")
        if not isinstance(data, list):
            raise refuse(export.shown(name), "a Slack day file: a list of messages",
                         {"dict": "an object"}.get(type(data).__name__, type(data).__name__), _HINT)
        msgs = [m for m in data if isinstance(m, dict)]
        not_messages += len(data) - len(msgs)
        n_files += 1
        buf.extend(msgs)
        convs.extend([code[folder]] * len(msgs))
        if len(buf) >= CHUNK_MESSAGES:
            flush()
    flush()
    if n_files == 0:
        raise refuse(export.path, _EXPECTED, "users.json and the conversation lists, but no day files "
                     "(YYYY-MM-DD.json in a folder per channel)", _HINT)
    log.dropped(not_messages, "records", "items of day files that are not messages")
    if extra_rows:
        extra = pd.DataFrame(extra_rows, columns=["folder", "kind", "members", "archived"])
        conv = pd.concat([conv, extra], ignore_index=True)
        log.note(f"{len(extra_rows):,} folders of day files are not in the conversation lists: read as channels")
    empty = pd.DataFrame(columns=["type", "subtype", "user", "bot_id", "ts", "thread_ts", "parent_user_id", "conv"])
    messages = pd.concat(frames) if frames else empty
    mentions = pd.concat(mention_parts, ignore_index=True) if mention_parts else pd.DataFrame(columns=["row",
                                                                                                       "target"])
    listed = pd.concat(listed_parts, ignore_index=True)
    return conv, messages, mentions, listed, n_files, skipped


def _message_ties(messages: pd.DataFrame, mentions: pd.DataFrame, listed: pd.DataFrame, conv: pd.DataFrame,
                  users: pd.DataFrame, options: ImportOptions, log: ImportLog) -> pd.DataFrame:
    """Reply, mention and DM ties (``source``, ``target``, ``channel``, ``weight`` 1 per message)."""
    kinds = conv["kind"].to_numpy()
    m = messages
    n = len(m)
    is_message = m["type"].isin(["", "message"]).to_numpy()
    human = m["subtype"].isin(HUMAN_SUBTYPES).to_numpy()
    bot_sub = m["subtype"].isin(["bot_message", "bot_add", "bot_remove"]).to_numpy()
    system = ~(is_message & human) & ~bot_sub
    if system.any():
        by = m.loc[system, "subtype"].replace("", "(no subtype)").value_counts().sort_index()
        log.dropped(int(system.sum()), "system messages", "joins, leaves, topic changes and other events that are "
                    "not a person writing (" + ", ".join(f"{k} {v:,}" for k, v in by.items()) + ")")
    user = m["user"]
    bots = set(users.index[users["bot"]])
    deleted = set(users.index[users["deleted"]])
    is_bot = ~system & (bot_sub | user.isin(bots).to_numpy() | ((user == "") & (m["bot_id"] != "")).to_numpy())
    log.dropped(int(is_bot.sum()), "messages", "written by bots or apps")
    ok = ~system & ~is_bot
    no_user = ok & (user == "").to_numpy()
    log.dropped(int(no_user.sum()), "messages", "without an author")
    ok &= ~no_user
    gone = ok & user.isin(deleted).to_numpy()
    log.dropped(int(gone.sum()), "messages", "written by deleted users (people who left)")
    ok &= ~gone
    foreign = ok & ~user.isin(users.index).to_numpy()
    log.dropped(int(foreign.sum()), "messages", "written by people from other workspaces (not in users.json)")
    ok &= ~foreign
    written = ok.copy()  # by a person, whenever: a thread's first message may precede the window
    # the time window, on ts (epoch seconds, UTC) in the client's zone
    secs = pd.to_numeric(m["ts"], errors="coerce").to_numpy(dtype=np.float64)
    zone = options.zone
    log.decided("times of Slack messages", f"ts is epoch seconds, UTC; the window is applied in {zone.key}")
    if options.since is not None or options.until is not None:
        local = (pd.to_datetime(pd.Series(secs), unit="s", utc=True).dt.tz_convert(zone).dt.tz_localize(None)
                 .to_numpy())
        inside = ~np.isnan(secs)
        if options.since is not None:
            inside &= local >= np.datetime64(pd.Timestamp(options.since).to_datetime64())
        if options.until is not None:
            inside &= local < np.datetime64(pd.Timestamp(options.until).to_datetime64())
        log.dropped(int((ok & ~inside).sum()), "messages", "outside the time window")
        ok &= inside
    else:
        inside = np.ones(n, dtype=bool)
    log.note(f"{int(ok.sum()):,} of {n:,} messages written by people in the window")
    conv_kind = kinds[m["conv"].to_numpy(dtype=np.int64)] if n else np.array([], dtype=object)
    in_dm = np.isin(conv_kind, ["dm", "mpim"])
    parts = []
    # replies -> the thread's first author
    is_reply = ok & ~in_dm & (m["thread_ts"] != "").to_numpy() & (m["thread_ts"] != m["ts"]).to_numpy()
    roots = m.loc[m["user"] != "", ["conv", "ts", "user"]].drop_duplicates(["conv", "ts"])
    root_of = pd.Series(roots["user"].to_numpy(), index=pd.MultiIndex.from_arrays([roots["conv"], roots["ts"]]))
    rep = m.loc[is_reply, ["conv", "thread_ts", "user", "parent_user_id"]]
    parent = rep["parent_user_id"].copy()
    need = parent == ""
    if need.any():
        key = pd.MultiIndex.from_arrays([rep.loc[need, "conv"], rep.loc[need, "thread_ts"]])
        parent.loc[need] = root_of.reindex(key).fillna("").to_numpy()
    log.dropped(int((parent == "").sum()), "replies", "their thread's first message is not in the export")
    parts.append(pd.DataFrame({"source": rep["user"].to_numpy(), "target": parent.to_numpy(),
                               "channel": CHANNELS["reply"]}))
    n_replies = int(is_reply.sum())
    # replies listed only in a parent's "replies" array (the reply itself is not in the export)
    if len(listed):
        have = pd.MultiIndex.from_arrays([m["conv"], m["ts"]])
        lk = pd.MultiIndex.from_arrays([listed["conv"], listed["ts"]])
        extra = listed[~lk.isin(have) & (listed["user"] != "") & ~np.isin(kinds[listed["conv"].to_numpy(
            dtype=np.int64)], ["dm", "mpim"])]
        if len(extra):
            pk = pd.MultiIndex.from_arrays([extra["conv"], extra["thread_ts"]])
            parent_ok = pd.Series(written, index=have)
            parent_ok = parent_ok[~parent_ok.index.duplicated()]
            good = parent_ok.reindex(pk).fillna(False).to_numpy(dtype=bool).copy()
            good &= ~extra["user"].isin(bots | deleted).to_numpy() & extra["user"].isin(users.index).to_numpy()
            secs_x = pd.to_numeric(extra["ts"], errors="coerce")
            if options.since is not None or options.until is not None:
                lx = pd.to_datetime(secs_x, unit="s", utc=True).dt.tz_convert(zone).dt.tz_localize(None)
                if options.since is not None:
                    good &= (lx >= pd.Timestamp(options.since)).to_numpy()
                if options.until is not None:
                    good &= (lx < pd.Timestamp(options.until)).to_numpy()
            extra = extra[good]
            parts.append(pd.DataFrame({"source": extra["user"].to_numpy(),
                                       "target": root_of.reindex(pk[good]).fillna("").to_numpy(),
                                       "channel": CHANNELS["reply"]}))
            n_replies += len(extra)
            if len(extra):
                log.note(f"{len(extra):,} replies are listed only in their thread's first message (the reply "
                         "itself is not in the export); counted once each")
    # mentions
    ok_rows = pd.Series(ok & ~in_dm, index=m.index)
    men = mentions[ok_rows.reindex(mentions["row"]).fillna(False).to_numpy(dtype=bool)]
    parts.append(pd.DataFrame({"source": m.loc[men["row"], "user"].to_numpy(), "target": men["target"].to_numpy(),
                               "channel": CHANNELS["mention"]}))
    # direct messages and group DMs -> every other member
    dm_rows = ok & in_dm
    n_dm = int(dm_rows.sum())
    if n_dm:
        members = conv["members"]
        size = members.str.len().to_numpy()
        big = conv.index[(conv["kind"] == "mpim").to_numpy() & (size - 1 > options.max_recipients)]
        mass = dm_rows & np.isin(m["conv"].to_numpy(), big)
        log.dropped(int(mass.sum()), "group DM messages", f"the group has more than {options.max_recipients} other "
                    "members (--max-recipients)")
        dm_rows &= ~mass
        pairs = _pairs(members, conv.index)
        sent = m.loc[dm_rows, ["conv", "user"]].reset_index(drop=True)
        dm = sent.merge(pairs, left_on=["conv", "user"], right_on=["conv", "source"])
        listed_members = pd.MultiIndex.from_arrays([pairs["conv"], pairs["source"]])
        no_members = ~pd.MultiIndex.from_arrays([sent["conv"], sent["user"]]).isin(listed_members)
        log.dropped(int(no_members.sum()), "DM messages", "the author is not a member of the conversation in the "
                    "export (dms.json, mpims.json)")
        parts.append(pd.DataFrame({"source": dm["source"].to_numpy(), "target": dm["target"].to_numpy(),
                                   "channel": CHANNELS["dm"]}))
    ties = pd.concat(parts, ignore_index=True)
    log.note(f"read {n_replies:,} replies, {len(men):,} mentions, {n_dm:,} direct messages")
    ties = ties[ties["target"] != ""]
    own = ties["source"] == ties["target"]
    log.dropped(int(own.sum()), "ties", "to oneself (replies in one's own thread, self-mentions)")
    ties = ties[~own]
    to_bot = ties["target"].isin(bots)
    log.dropped(int(to_bot.sum()), "ties", "to bots or apps")
    to_gone = ~to_bot & ties["target"].isin(deleted)
    log.dropped(int(to_gone.sum()), "ties", "to deleted users (people who left)")
    to_foreign = ~to_bot & ~to_gone & ~ties["target"].isin(users.index)
    log.dropped(int(to_foreign.sum()), "ties", "to people from other workspaces (not in users.json)")
    ties = ties[~(to_bot | to_gone | to_foreign)]
    return ties.assign(weight=1.0)


def _member_ties(conv: pd.DataFrame, users: pd.DataFrame, options: ImportOptions, log: ImportLog) -> pd.DataFrame:
    """``channel_weight`` per channel two people share (public and private channels; see the module docstring)."""
    people = set(users.index[~users["bot"] & ~users["deleted"]])
    chans = conv[conv["kind"].isin(["channel", "private"])]
    members = chans["members"].map(lambda ms: sorted({x for x in ms if x in people}))  # per channel, not message
    size = members.str.len()
    big = size > options.max_recipients
    log.dropped(int(big.sum()), "channels", f"more than {options.max_recipients} members (--max-recipients): "
                "no co-membership ties")
    members = members[~big & (size >= 2)]
    pairs = _pairs(members, members.index)
    log.decided("channel co-membership", f"{len(members):,} channels of 2 to {options.max_recipients} members give "
                f"ties of weight {options.channel_weight:g} per shared channel (membership as of the export)")
    return pd.DataFrame({"source": pairs["source"].to_numpy(), "target": pairs["target"].to_numpy(),
                         "channel": CHANNELS["member"], "weight": float(options.channel_weight)})
