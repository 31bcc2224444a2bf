"""Time the ``slack`` importer on a synthetic workspace export against only reading its JSON files.

The export is Slack's layout in a .zip: ``users.json``, ``channels.json`` and ``--channels`` folders of
``--days`` day files, each holding ``--messages`` messages (a fifth of them thread replies, a third with a
mention token, some with rich-text blocks, joins and bot posts among them). The baseline is the floor any
reader pays: ``json.loads`` of every day file out of the same archive. Both run in this process,
alternating; the best of ``--repeat`` runs of each is kept and the ratio printed.

Usage::

    python benchmarks/bench_import_slack.py                      # 200 channels x 100 days x 25 messages
    python benchmarks/bench_import_slack.py --channels 400 --days 250
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np


def make_export(path: Path, channels: int, days: int, messages: int, users: int, seed: int = 1) -> int:
    """Write a synthetic Slack export; returns the number of messages."""
    rng = np.random.default_rng(seed)
    ids = [f"U{i:07d}" for i in range(users)]
    user_list = [{"id": u, "name": f"user{i}", "deleted": bool(i % 97 == 0), "is_bot": bool(i % 211 == 0),
                  "profile": {"email": f"user{i}@example.com"}} for i, u in enumerate(ids)]
    chans = [{"id": f"C{c:06d}", "name": f"channel-{c}",
              "members": [ids[j] for j in rng.choice(users, size=int(rng.integers(3, 40)), replace=False)]}
             for c in range(channels)]
    base = 1_704_067_200  # 2024-01-01 UTC
    total = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("users.json", json.dumps(user_list))
        z.writestr("channels.json", json.dumps(chans))
        for c, ch in enumerate(chans):
            members = ch["members"]
            for d in range(days):
                t0 = base + d * 86400
                who = rng.choice(len(members), size=messages)
                msgs = []
                root = None
                for k in range(messages):
                    ts = f"{t0 + 30 * k}.{k:06d}"
                    m = {"type": "message", "user": members[who[k]], "ts": ts,
                         "text": "a message about the quarterly plan " * 3, "team": "T1"}
                    if k % 5 == 0:
                        root = ts
                        m["thread_ts"] = ts
                    elif k % 5 in (1, 2) and root:
                        m["thread_ts"] = root
                        m["parent_user_id"] = msgs[-1]["user"] if k % 5 == 1 else ""
                    if k % 3 == 0:
                        m["text"] += f" <@{members[who[k - 1]]}>"
                    if k % 7 == 0:
                        m["blocks"] = [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
                            {"type": "text", "text": "cc "}, {"type": "user", "user_id": members[who[k - 2]]}]}]}]
                    if k == messages - 1:
                        m["subtype"] = "channel_join"
                    msgs.append(m)
                total += len(msgs)
                z.writestr(f"channel-{c}/{time.strftime('%Y-%m-%d', time.gmtime(t0))}.json", json.dumps(msgs))
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--messages", type=int, default=25, help="messages per day file")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)

    from orgkit.importers.base import ImportLog, ImportOptions
    from orgkit.importers.platforms.slack import read_slack

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.zip"
        start = time.perf_counter()
        n = make_export(path, args.channels, args.days, args.messages, args.users)
        print(f"{args.channels * args.days:,} day files, {n:,} messages, {path.stat().st_size / 2**20:.1f} MiB zip "
              f"(generated in {time.perf_counter() - start:.1f} s)")

        def floor() -> None:
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    json.loads(z.read(name))

        def ours() -> int:
            return len(read_slack([path], ImportOptions(channel_weight=0.1), ImportLog()).communication)

        best_floor = best_ours = float("inf")
        ties = 0
        for _ in range(args.repeat):  # alternate, so both see the same machine load
            t = time.perf_counter()
            floor()
            best_floor = min(best_floor, time.perf_counter() - t)
            t = time.perf_counter()
            ties = ours()
            best_ours = min(best_ours, time.perf_counter() - t)
        print(f"  json.loads of every file in the zip: {best_floor:.2f} s")
        print(f"  orgkit slack import:                 {best_ours:.2f} s  ({best_ours / best_floor:.2f}x), "
              f"{ties:,} ties, {n / best_ours:,.0f} messages/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
