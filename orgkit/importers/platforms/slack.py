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
_MENTION_RE = re.compile(r"<@([UWB][A-Z0-9]+)(?:\|[^>]*)?>")
_SLACKBOT = "USLACKBOT"
#: Messages held before they are reduced to ids and times (bounds memory on exports of millions of messages).
CHUNK_MESSAGES = 200_000
_FIELDS = ("type", "subtype", "user", "bot_id", "ts", "thread_ts", "parent_user_id")
_TIMES = ("ts", "thread_ts")


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
        files = [f for f in files if not any(p.startswith((".", "__MACOSX")) for p in f.split("/"))]
        users = sorted((f for f in files if f.rsplit("/", 1)[-1] == "users.json"), key=lambda f: (f.count("/"), f))
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


def _block_users(blocks: Any) -> set[str]:
    """User ids of the rich-text ``user`` elements of a message's blocks (nothing else is looked at)."""
    out: set[str] = set()
    stack = [blocks]
    while stack:
        x = stack.pop()
        if isinstance(x, list):
            stack.extend(x)
        elif isinstance(x, dict):
            if x.get("type") == "user" and isinstance(x.get("user_id"), str):
                out.add(x["user_id"])
            inner = x.get("elements")
            if inner:
                stack.append(inner)
    return out


def _scan_chunk(buf: list[dict[str, Any]], conv: list[int], ids: pd.Index
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    """Reduce raw messages to integer codes, times and flags; text and blocks are read for mention ids only.

    The messages are Python dicts once ``json.loads`` has read a day file, so each field is taken out in one
    pass over the chunk (what ``DataFrame.from_records`` does, without its per-cell conversions); from there
    on everything is columnar. People become their position in ``users.json`` (``ids``; -1: not in it), times
    float seconds: about 30 bytes a message, so millions of messages fit in memory.

    Returns
    -------
    messages, mentions (``row``, ``target``), listed replies (``conv``, ``thread_ts``, ``user``, ``ts``),
    and the count of each subtype of system messages.
    """
    col = {k: np.array([v if type(v := m.get(k)) is str else "" for m in buf], dtype=object) for k in _FIELDS
           if k not in _TIMES}
    for k in _TIMES:  # text as Slack writes them, or numbers where a tool re-saved the export
        col[k] = np.array([v if (t := type(v := m.get(k))) is str else repr(v) if t is float or t is int else ""
                           for m in buf], dtype=object)
    subtype = col["subtype"]
    human = np.isin(col["type"], ["", "message"]) & np.isin(subtype, list(HUMAN_SUBTYPES))
    bot_sub = np.isin(subtype, ["bot_message", "bot_add", "bot_remove"])
    system = ~human & ~bot_sub
    counts = pd.Series(subtype[system]).replace("", "(no subtype)").value_counts()
    frame = pd.DataFrame({
        "conv": np.asarray(conv, dtype=np.int32),
        "ts": np.asarray(pd.to_numeric(col["ts"], errors="coerce"), dtype=np.float64),  # "": NaN
        "thread_ts": np.asarray(pd.to_numeric(col["thread_ts"], errors="coerce"), dtype=np.float64),
        "user": ids.get_indexer(col["user"]).astype(np.int32),
        "no_user": col["user"] == "",
        "parent": ids.get_indexer(col["parent_user_id"]).astype(np.int32),
        "has_parent": col["parent_user_id"] != "",
        "system": system,
        "bot_sub": bot_sub,
        "bot_id": col["bot_id"] != "",
    })
    # mentions: user ids only, from the text's <@U...> tokens and the rich-text blocks; the text goes here
    rows: list[int] = []
    targets: list[str] = []
    find = _MENTION_RE.findall
    for i, m in enumerate(buf):
        text = m.get("text")
        named = set(find(text)) if type(text) is str and "<@" in text else set()
        blocks = m.get("blocks")
        if blocks:
            named |= _block_users(blocks)
        if named:
            rows.extend([i] * len(named))
            targets.extend(named)
    mentions = pd.DataFrame({"row": np.asarray(rows, dtype=np.int64),
                             "target": ids.get_indexer(np.array(targets, dtype=object)).astype(np.int32)})
    # replies listed in a parent's "replies" array: (user, ts) each
    listed_rows = [(conv[i], m["ts"], r.get("user"), r.get("ts")) for i, m in enumerate(buf)
                   if type(m.get("replies")) is list and type(m.get("ts")) is str
                   for r in m["replies"] if isinstance(r, dict)]
    raw = pd.DataFrame(listed_rows, columns=["conv", "thread_ts", "user", "ts"], dtype=object)
    who = raw["user"].where(raw["user"].map(type) == str, "").to_numpy(dtype=object)
    listed = pd.DataFrame({
        "conv": raw["conv"].to_numpy(dtype=np.int32),
        "thread_ts": pd.to_numeric(raw["thread_ts"], errors="coerce").to_numpy(np.float64),
        "user": ids.get_indexer(who).astype(np.int32),
        "ts": pd.to_numeric(raw["ts"].where(raw["ts"].map(type) == str), errors="coerce").to_numpy(np.float64),
    })
    listed = listed[(who != "") & ~np.isnan(listed["ts"].to_numpy())]
    return frame, mentions, listed, counts


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
        ids = pd.Index(users["id"].to_numpy(dtype=object), dtype=object)  # object: fast lookups of raw JSON strings
        conv, messages, mentions, listed, system, n_files, skipped = _read_days(export, conv, ids, options, log)
    finally:
        export.close()
    log.read(export.path, f"Slack day files of {conv['folder'].nunique():,} conversations ({n_files:,} files)",
             len(messages))
    if skipped:
        log.note(f"{skipped:,} day files dated after --until were not read")
    ties = _message_ties(messages, mentions, listed, system, conv, users, options, log)
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


def _read_days(export: _Export, conv: pd.DataFrame, ids: pd.Index, options: ImportOptions, log: ImportLog):
    """Every day file, in chunks: messages (codes, times, flags), mentions and listed replies."""
    code = {f: i for i, f in enumerate(conv["folder"])}
    extra_rows: list[tuple[str, str, list[str], bool]] = []
    last_day = None
    if options.until is not None:
        last_day = (pd.Timestamp(options.until) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    frames, mention_parts, listed_parts, count_parts = [], [], [], []
    buf: list[dict[str, Any]] = []
    convs: list[int] = []
    base = 0
    n_files = skipped = not_messages = 0

    def flush(always: bool = False) -> None:
        nonlocal base, buf, convs
        if not buf and not always:
            return
        f, m, li, counts = _scan_chunk(buf, convs, ids)
        f.index = np.arange(base, base + len(f))
        m["row"] += base
        frames.append(f)
        mention_parts.append(m)
        listed_parts.append(li)
        count_parts.append(counts)
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
        del data, msgs
        if len(buf) >= CHUNK_MESSAGES:
            flush()
    flush(always=not frames)  # the last chunk; an export of empty day files gives empty tables
    if n_files == 0:
        raise refuse(export.path, _EXPECTED, "users.json and the conversation lists, but no day files "
                     "(YYYY-MM-DD.json in a folder per channel)", _HINT)
    log.dropped(not_messages, "records", "items of day files that are not messages")
    if extra_rows:
        extra = pd.DataFrame(extra_rows, columns=["folder", "kind", "members", "archived"])
        conv = pd.concat([conv, extra], ignore_index=True)
        log.note(f"{len(extra_rows):,} folders of day files are not in the conversation lists: read as channels")
    messages = pd.concat(frames)
    mentions = pd.concat(mention_parts, ignore_index=True)
    listed = pd.concat(listed_parts, ignore_index=True)
    system = pd.concat(count_parts).groupby(level=0).sum().sort_index() if count_parts else pd.Series(dtype=int)
    return conv, messages, mentions, listed, system, n_files, skipped


#: Target codes besides positions in users.json: not in users.json (another workspace), thread start unknown.
_FOREIGN, _NO_ROOT = -1, -2


def _window(secs: np.ndarray, options: ImportOptions) -> np.ndarray:
    """Which epoch-second times fall in ``[since, until)``, compared in the client's time zone."""
    inside = ~np.isnan(secs)
    if options.since is None and options.until is None:
        return inside
    local = pd.to_datetime(pd.Series(secs), unit="s", utc=True).dt.tz_convert(options.zone).dt.tz_localize(None)
    if options.since is not None:
        inside &= (local >= pd.Timestamp(options.since)).to_numpy()
    if options.until is not None:
        inside &= (local < pd.Timestamp(options.until)).to_numpy()
    return inside


def _message_ties(messages: pd.DataFrame, mentions: pd.DataFrame, listed: pd.DataFrame, system_counts: pd.Series,
                  conv: pd.DataFrame, users: pd.DataFrame, options: ImportOptions, log: ImportLog) -> pd.DataFrame:
    """Reply, mention and DM ties (``source``, ``target`` as Slack ids, ``channel``, ``weight`` 1 per message)."""
    kinds = conv["kind"].to_numpy()
    m = messages
    n = len(m)
    bot_u = users["bot"].to_numpy(dtype=bool)
    gone_u = users["deleted"].to_numpy(dtype=bool)
    user = m["user"].to_numpy()
    known = user >= 0
    system = m["system"].to_numpy()
    if system.any():
        log.dropped(int(system.sum()), "system messages", "joins, leaves, topic changes and other events that are "
                    "not a person writing (" + ", ".join(f"{k} {v:,}" for k, v in system_counts.items()) + ")")
    is_bot = ~system & (m["bot_sub"].to_numpy() | (known & bot_u[np.maximum(user, 0)])
                        | (m["no_user"].to_numpy() & m["bot_id"].to_numpy()))
    log.dropped(int(is_bot.sum()), "messages", "written by bots or apps")
    ok = ~system & ~is_bot
    no_user = ok & m["no_user"].to_numpy()
    log.dropped(int(no_user.sum()), "messages", "without an author")
    ok = ok & ~no_user
    gone = ok & known & gone_u[np.maximum(user, 0)]
    log.dropped(int(gone.sum()), "messages", "written by deleted users (people who left)")
    ok = ok & ~gone
    foreign = ok & ~known
    log.dropped(int(foreign.sum()), "messages", "written by people from other workspaces (not in users.json)")
    ok = ok & ~foreign
    written = ok.copy()  # by a person, whenever: a thread's first message may precede the window
    secs = m["ts"].to_numpy()
    log.decided("times of Slack messages", f"ts is epoch seconds, UTC; the window is applied in {options.zone.key}")
    if options.since is not None or options.until is not None:
        inside = _window(secs, options)
        log.dropped(int((ok & ~inside).sum()), "messages", "outside the time window")
        ok = ok & inside
    log.note(f"{int(ok.sum()):,} of {n:,} messages written by people in the window")
    conv_code = m["conv"].to_numpy(dtype=np.int64)
    in_dm = np.isin(kinds[conv_code], ["dm", "mpim"]) if n else np.zeros(0, dtype=bool)
    sources: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    channels: list[np.ndarray] = []

    def add(src: np.ndarray, tgt: np.ndarray, channel: str) -> None:
        sources.append(np.asarray(src, dtype=np.int64))
        targets.append(np.asarray(tgt, dtype=np.int64))
        channels.append(np.full(len(src), channel, dtype=object))

    # replies -> the thread's first author
    thread = m["thread_ts"].to_numpy()
    is_reply = ok & ~in_dm & ~np.isnan(thread) & (thread != secs)
    authored = ~m["no_user"].to_numpy()
    roots = m.loc[authored, ["conv", "ts", "user"]].drop_duplicates(["conv", "ts"])
    root_of = pd.Series(roots["user"].to_numpy(np.int64), index=pd.MultiIndex.from_arrays([roots["conv"],
                                                                                             roots["ts"]]))
    parent = m["parent"].to_numpy(np.int64)[is_reply].copy()
    need = ~m["has_parent"].to_numpy()[is_reply]
    if need.any():
        key = pd.MultiIndex.from_arrays([conv_code[is_reply][need], thread[is_reply][need]])
        parent[need] = root_of.reindex(key).fillna(_NO_ROOT).to_numpy(np.int64)
    log.dropped(int((parent == _NO_ROOT).sum()), "replies", "their thread's first message is not in the export")
    add(user[is_reply], parent, CHANNELS["reply"])
    n_replies = int(is_reply.sum())
    # replies listed only in a parent's "replies" array (the reply itself is not in the export)
    if len(listed):
        have = pd.MultiIndex.from_arrays([conv_code, secs])
        lconv = listed["conv"].to_numpy(np.int64)
        extra = listed[~pd.MultiIndex.from_arrays([lconv, listed["ts"].to_numpy()]).isin(have)
                       & ~np.isin(kinds[lconv], ["dm", "mpim"])]
        if len(extra):
            pk = pd.MultiIndex.from_arrays([extra["conv"].to_numpy(np.int64), extra["thread_ts"].to_numpy()])
            parent_ok = pd.Series(written, index=have)
            parent_ok = parent_ok[~parent_ok.index.duplicated()]
            good = parent_ok.reindex(pk).fillna(False).to_numpy(dtype=bool)
            who = extra["user"].to_numpy(np.int64)
            good = good & (who >= 0) & ~bot_u[np.maximum(who, 0)] & ~gone_u[np.maximum(who, 0)]
            good = good & _window(extra["ts"].to_numpy(), options)
            add(who[good], root_of.reindex(pk[good]).fillna(_NO_ROOT).to_numpy(np.int64), CHANNELS["reply"])
            n_replies += int(good.sum())
            if good.any():
                log.note(f"{int(good.sum()):,} replies are listed only in their thread's first message (the reply "
                         "itself is not in the export); counted once each")
    # mentions
    rows = mentions["row"].to_numpy(np.int64)
    keep = (ok & ~in_dm)[rows] if len(rows) else np.zeros(0, dtype=bool)
    if keep.any():  # a message naming a crowd says nothing about who works with whom, as a mass e-mail
        named = np.bincount(rows[keep & (mentions["target"].to_numpy() != user[rows])], minlength=n)
        crowd = keep & (named[rows] > options.max_recipients)
        log.dropped(int((named > options.max_recipients).sum()), "messages",
                    f"more than {options.max_recipients} people mentioned (--max-recipients): no mention ties")
        keep &= ~crowd
    add(user[rows[keep]], mentions["target"].to_numpy(np.int64)[keep], CHANNELS["mention"])
    n_mentions = int(keep.sum())
    # direct messages and group DMs -> every other member
    dm_rows = ok & in_dm
    n_dm = int(dm_rows.sum())
    if n_dm:
        members = conv["members"]
        size = members.str.len().to_numpy()
        big = np.flatnonzero((kinds == "mpim") & (size - 1 > options.max_recipients))
        mass = dm_rows & np.isin(conv_code, big)
        log.dropped(int(mass.sum()), "group DM messages", f"the group has more than {options.max_recipients} other "
                    "members (--max-recipients)")
        dm_rows = dm_rows & ~mass
        pairs = _pairs(members, conv.index)
        pairs = pd.DataFrame({"conv": pairs["conv"].to_numpy(np.int64),
                              "source": users.index.get_indexer(pairs["source"].to_numpy(dtype=object)),
                              "target": users.index.get_indexer(pairs["target"].to_numpy(dtype=object))})
        pairs = pairs[pairs["source"] >= 0]
        sent = pd.DataFrame({"conv": conv_code[dm_rows], "user": user[dm_rows].astype(np.int64)})
        dm = sent.merge(pairs, left_on=["conv", "user"], right_on=["conv", "source"])
        member_of = pd.MultiIndex.from_arrays([pairs["conv"], pairs["source"]])
        outside = ~pd.MultiIndex.from_arrays([sent["conv"], sent["user"]]).isin(member_of)
        log.dropped(int(outside.sum()), "DM messages", "the author is not a member of the conversation in the "
                    "export (dms.json, mpims.json)")
        add(dm["source"].to_numpy(), dm["target"].to_numpy(), CHANNELS["dm"])
    log.note(f"read {n_replies:,} replies, {n_mentions:,} mentions, {n_dm:,} direct messages")
    src = np.concatenate(sources)
    tgt = np.concatenate(targets)
    chan = np.concatenate(channels)
    valid = tgt >= 0
    own = valid & (src == tgt)
    log.dropped(int(own.sum()), "ties", "to oneself (replies in one's own thread, self-mentions)")
    to_bot = valid & ~own & bot_u[np.maximum(tgt, 0)]
    log.dropped(int(to_bot.sum()), "ties", "to bots or apps")
    to_gone = valid & ~own & ~to_bot & gone_u[np.maximum(tgt, 0)]
    log.dropped(int(to_gone.sum()), "ties", "to deleted users (people who left)")
    log.dropped(int((tgt == _FOREIGN).sum()), "ties", "to people from other workspaces (not in users.json)")
    keep = valid & ~own & ~to_bot & ~to_gone
    ids = users.index.to_numpy(dtype=object)
    ties = pd.DataFrame({"source": ids[src[keep]], "target": ids[tgt[keep]], "channel": chan[keep]})
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
