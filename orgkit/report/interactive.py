"""The data of report.html's interactive org chart: the reporting tree as compact parallel arrays.

:func:`org_tree` turns a client's ``people`` table into the tree the org-chart explorer of ``report.html``
draws (``static/orgkit.js`` with the vendored d3): one node per person who may be shown, in breadth-first
order, each with what a reader needs to find their way (id or role, title, department, span of control,
team size, layer), and one aggregate node per manager for the people of small departments under them.
:func:`explorer_json` writes it as JSON that is safe inside a ``<script>`` element.

The arrays are built with numpy over the whole organisation (one pass per layer, never per person), and
the JSON holds small integers and one list of texts, so a 100,000-person organisation stays a few
megabytes and takes well under a second.

Privacy follows the report's tables and static org chart: a department the structure tables hide
(smaller than the minimum group size, or hidden with one) is never named, and none of its people appears,
not even by id: they are pooled, under the nearest manager who is shown, into an aggregate node that never
expands. The pool says how many people it holds only when that number could appear in a table, i.e. when
it pools at least ``min_group_size`` people from at least two hidden departments (the rule of
:func:`orgkit.privacy.complementary_suppression`); otherwise it says no number. The top of the
organisation, when its department is hidden, is shown by its role alone
(:func:`orgkit.privacy.top_of_organisation`), without id or name. Names appear only with ``show_names``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from orgkit.privacy import TopRole

__all__ = ["OrgTree", "org_tree", "explorer_json", "explorer_strings", "EXPLORER_TEXTS", "FORMAT_VERSION"]

#: The version of the JSON layout that ``orgkit.js`` reads (raise it when the layout changes).
FORMAT_VERSION = 1

#: Node kinds (the ``kind`` array): a person, a pool of people in small departments, the whole organisation
#: (a node added above several top people).
PERSON, POOL, ORGANISATION = 0, 1, 2


@dataclass(frozen=True, eq=False)
class OrgTree:
    """The org chart's nodes in breadth-first order (a parent before its children, siblings together).

    Attributes
    ----------
    kind : ndarray of int8
        :data:`PERSON`, :data:`POOL` or :data:`ORGANISATION` per node.
    parent : ndarray of int64
        The node each node hangs under (``-1`` for the root). Non-decreasing, so ``children`` alone rebuilds it.
    children : ndarray of int64
        How many nodes hang under each node.
    ids : ndarray of object
        The employee id of a person node; ``""`` for a pool, the organisation and a top shown by role.
    names : ndarray of object or None
        People's names (only with ``show_names``; ``""`` where unknown).
    title : ndarray of int64
        Index into :attr:`titles` (``-1``: none, or not shown).
    department : ndarray of int64
        Index into :attr:`departments` (``-1``: a hidden department, or none).
    span : ndarray of int64
        Direct reports (all of them, shown or pooled); ``0`` for a pool.
    team : ndarray of int64
        People under the node, at any depth (a person: everyone below them; a pool: its people, ``-1``
        when the number may not be shown; the organisation: everyone).
    layer : ndarray of int64
        Reporting layer, 1 for a top person (``0`` for a pool and the organisation).
    via : ndarray of bool
        A person whose manager is in a hidden department: their line runs through the pool beside them.
    titles, departments : list of str
        The texts the indices point to.
    role : str or None
        How the top of the organisation reads when it is shown by role (its node has no id).
    people : int
        Everyone in the organisation.
    """

    kind: np.ndarray
    parent: np.ndarray
    children: np.ndarray
    ids: np.ndarray
    names: np.ndarray | None
    title: np.ndarray
    department: np.ndarray
    span: np.ndarray
    team: np.ndarray
    layer: np.ndarray
    via: np.ndarray
    titles: list[str]
    departments: list[str]
    role: str | None
    people: int

    def __len__(self) -> int:
        return len(self.kind)

    def frame(self) -> pd.DataFrame:
        """The nodes as a table (for tests and for an analyst's look): one row per node, texts resolved."""
        titles = np.array([*self.titles, ""], dtype=object)
        depts = np.array([*self.departments, ""], dtype=object)
        out = pd.DataFrame({
            "kind": pd.Categorical.from_codes(self.kind, ["person", "pool", "organisation"]),
            "parent": self.parent, "id": self.ids, "title": titles[self.title], "department": depts[self.department],
            "span": self.span, "team": self.team, "layer": self.layer, "via": self.via,
        })
        if self.names is not None:
            out.insert(3, "name", self.names)
        return out


def _level_order(depth: np.ndarray) -> list[np.ndarray]:
    """Positions grouped by ``depth``, shallowest first (one array per depth)."""
    order = np.argsort(depth, kind="stable")
    bounds = np.flatnonzero(np.diff(depth[order])) + 1
    return np.split(order, bounds) if len(order) else []


def org_tree(
    people: pd.DataFrame,
    shown: Iterable[str],
    *,
    min_group_size: int,
    top: TopRole | None = None,
    show_names: bool = False,
    hierarchy: Any = None,
) -> OrgTree:
    """The org chart's tree: people of shown departments one by one, everyone else pooled, counted with care.

    Parameters
    ----------
    people : DataFrame
        ``employee_id``, ``department``, ``manager_id``; ``title`` and ``name`` when present. The reporting
        lines must form a forest (the loader refuses cycles).
    shown : iterable of str
        The departments that may be named (the report's visible departments less those its structure
        tables hide).
    min_group_size : int
        The smallest number of people a pool may state.
    top : TopRole, optional
        The top of the organisation to show by role (:func:`orgkit.privacy.top_of_organisation`).
    show_names : bool
        Carry people's names (only then).
    hierarchy : Hierarchy, optional
        The reporting tree over ``people`` rows in their order (:attr:`orgkit.data.client.Client.hierarchy`),
        when already built.

    Returns
    -------
    OrgTree

    Notes
    -----
    *Team* counts everyone below a person, shown or pooled; *span* counts their direct reports. A person of a
    shown department whose manager is hidden hangs under the nearest manager who is shown, beside the pool
    that holds their manager, and is flagged ``via``. People with no manager (or a manager not in the file)
    are top people; when there are several, or a hidden one, the tree gets one :data:`ORGANISATION` node
    above them.

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": ["1", "2", "3", "4"], "department": ["Ops", "Ops", "Ops", "Law"],
    ...                        "manager_id": [None, "1", "1", "1"]})
    >>> t = org_tree(people, {"Ops"}, min_group_size=2)
    >>> t.frame()[["kind", "id", "span", "team", "layer"]].values.tolist()
    [['person', '1', 3, 3, 1], ['person', '2', 0, 0, 2], ['person', '3', 0, 0, 2], ['pool', '', 0, -1, 0]]
    """
    from orgkit.data.hierarchy import Hierarchy

    people = people.reset_index(drop=True)
    n = len(people)
    h = hierarchy if hierarchy is not None and hierarchy.n == n else (
        Hierarchy.from_people(people) if "manager_id" in people.columns else None)
    parent = h.parent if h is not None else np.full(n, -1, dtype=np.int64)
    depth = h.depth if h is not None else np.zeros(n, dtype=np.int64)
    span = h.n_reports if h is not None else np.zeros(n, dtype=np.int64)
    ids = people["employee_id"].astype("str").to_numpy(dtype=object)
    dept_names = people["department"].astype("str").to_numpy(dtype=object)
    shown = {str(d) for d in shown}
    is_shown = people["department"].astype("str").isin(shown).to_numpy(dtype=bool)
    top_pos = -1
    if top is not None:
        hit = np.flatnonzero(ids == str(top.employee_id))
        if hit.size:
            top_pos = int(hit[0])
    displayed = is_shown.copy()
    if top_pos >= 0:
        displayed[top_pos] = True
    levels = _level_order(depth)

    # everyone below each person, summed from the deepest layer up (one step per layer)
    team = np.zeros(n, dtype=np.int64)
    for sel in reversed(levels[1:]):
        team += np.bincount(parent[sel], weights=team[sel] + 1, minlength=n).astype(np.int64)
    # the nearest manager who is shown (-1: none), from the top down
    anchor = np.full(n, -1, dtype=np.int64)
    for sel in levels[1:]:
        p = parent[sel]
        anchor[sel] = np.where(displayed[p], p, anchor[p])

    hidden = ~displayed
    person_pos = np.flatnonzero(displayed)
    # one pool per anchor that has hidden people below it (anchor -1: pooled under the organisation)
    pool_anchor, pool_inverse = np.unique(anchor[hidden], return_inverse=True)
    pool_people = np.bincount(pool_inverse, minlength=len(pool_anchor)).astype(np.int64)
    pool_depts = (pd.DataFrame({"pool": pool_inverse, "dept": dept_names[hidden]})
                  .groupby("pool")["dept"].nunique().reindex(range(len(pool_anchor)), fill_value=0).to_numpy())
    pool_count = np.where((pool_people >= min_group_size) & (pool_depts >= 2), pool_people, -1)

    top_level = displayed & (anchor < 0)
    needs_root = int(top_level.sum()) != 1 or bool((pool_anchor < 0).any())
    m, g = len(person_pos), len(pool_anchor)
    total = m + g + int(needs_root)
    root_node = m + g if needs_root else -1
    node_of = np.full(n, -1, dtype=np.int64)
    node_of[person_pos] = np.arange(m)

    def node_above(anchors: np.ndarray) -> np.ndarray:
        return np.where(anchors >= 0, node_of[np.clip(anchors, 0, None)], root_node)

    kind = np.concatenate([np.zeros(m, np.int8), np.full(g, POOL, np.int8), np.full(int(needs_root), ORGANISATION, np.int8)])
    up = np.concatenate([node_above(anchor[person_pos]), node_above(pool_anchor), [-1] * int(needs_root)]).astype(np.int64)
    node_team = np.concatenate([team[person_pos], pool_count, [n] * int(needs_root)]).astype(np.int64)
    node_span = np.concatenate([span[person_pos], np.zeros(g + int(needs_root), np.int64)])
    node_layer = np.concatenate([depth[person_pos] + 1, np.zeros(g + int(needs_root), np.int64)]).astype(np.int64)
    node_via = np.concatenate([(parent[person_pos] >= 0) & hidden[np.clip(parent[person_pos], 0, None)],
                               np.zeros(g + int(needs_root), bool)])
    node_ids = np.concatenate([ids[person_pos], np.full(g + int(needs_root), "", dtype=object)])
    if top_pos >= 0:
        node_ids[node_of[top_pos]] = ""  # the top of a hidden department is a role, not a person

    # departments that may be named: the people of shown departments (never the top's hidden one)
    named = is_shown[person_pos]
    codes, uniques = pd.factorize(pd.Series(dept_names[person_pos][named]), sort=True)
    departments = [str(d) for d in uniques]
    dept_codes = np.full(m, -1, np.int64)
    dept_codes[named] = codes
    node_dept = np.concatenate([dept_codes, np.full(g + int(needs_root), -1, np.int64)])
    if "title" in people.columns:
        raw_titles = people["title"].astype("str").where(people["title"].notna(), "").str.strip().to_numpy(dtype=object)
        person_titles = raw_titles[person_pos].copy()
        if top_pos >= 0:
            person_titles[node_of[top_pos]] = ""  # shown as the role instead
        codes, uniques = pd.factorize(pd.Series(person_titles), sort=True)
        titles = [str(x) for x in uniques]
        codes = codes.astype(np.int64)
        if "" in titles:
            blank = titles.index("")
            codes = np.where(codes == blank, -1, codes - (codes > blank))
            titles.pop(blank)
    else:
        codes, titles = np.full(m, -1, np.int64), []
    node_title = np.concatenate([codes, np.full(g + int(needs_root), -1, np.int64)])
    names = None
    if show_names and "name" in people.columns:
        raw_names = people["name"].astype("str").where(people["name"].notna(), "").to_numpy(dtype=object)
        names = np.concatenate([raw_names[person_pos], np.full(g + int(needs_root), "", dtype=object)])
        if top_pos >= 0:
            names[node_of[top_pos]] = ""

    # breadth-first order: level by level, under the parent's place, managers with the largest team first,
    # people by id, pools last
    node_depth = np.zeros(total, np.int64)
    known = up < 0
    node_depth[known] = 0
    while not known.all():  # one round per layer of the shown tree
        ready = ~known & known[np.clip(up, 0, None)]
        node_depth[ready] = node_depth[up[ready]] + 1
        known |= ready
    rank = np.zeros(total, np.int64)
    order_parts = []
    start = 0
    id_rank = pd.Series(node_ids).rank(method="dense").to_numpy()
    for sel in _level_order(node_depth):
        keys = (id_rank[sel], -node_team[sel], kind[sel] == POOL, rank[np.clip(up[sel], 0, None)])
        sel = sel[np.lexsort(keys)]
        rank[sel] = np.arange(start, start + len(sel))
        start += len(sel)
        order_parts.append(sel)
    order = np.concatenate(order_parts) if order_parts else np.zeros(0, np.int64)
    new_parent = np.where(up[order] >= 0, rank[np.clip(up[order], 0, None)], -1)
    children = np.bincount(new_parent[new_parent >= 0], minlength=total).astype(np.int64)
    return OrgTree(
        kind=kind[order], parent=new_parent.astype(np.int64), children=children, ids=node_ids[order],
        names=names[order] if names is not None else None, title=node_title[order], department=node_dept[order],
        span=node_span[order].astype(np.int64), team=node_team[order], layer=node_layer[order], via=node_via[order],
        titles=titles, departments=departments, role=top.label if top_pos >= 0 else None, people=n,
    )


#: Stand-ins for the values the page fills in (a count, the search text, a person), replaced by ``{name}``
#: after the catalogue formatted the text: Latin letters and digits, so Chinese spacing treats them like the
#: values they stand for.
_PAGE_VALUES = {"n": "7346501289", "query": "Qzqueryzq", "person": "Qzpersonzq"}


def _js_forms(key: str, language: str, **values: str) -> list[str]:
    """A catalogue text as templates the page fills: one per plural form, ``{n}``, ``{query}`` and ``{person}``
    left in place, every other placeholder filled from ``values``."""
    from orgkit.i18n import is_plural, t, tn

    def page(text: str) -> str:
        for name, stand_in in _PAGE_VALUES.items():
            text = text.replace(stand_in, "{" + name + "}")
        return text

    if not is_plural(key, language):
        return [page(t(key, language, **_PAGE_VALUES, **values))]
    counts = (1, 2) if language == "en" else (2,)
    return [page(tn(key, c, language, **_PAGE_VALUES, **values)) for c in counts]


#: The explorer's texts (``explorer.<key>`` in the catalogue).
EXPLORER_TEXTS = ("search_label", "search_placeholder", "no_match", "expand", "collapse", "zoom_in", "zoom_out",
                  "reset", "hint", "organisation", "via", "pool", "pool_count", "more", "span", "team", "layer",
                  "results", "found")


def explorer_strings(language: str, min_group_size: int) -> dict[str, list[str]]:
    """Every text the explorer's script shows, in ``language``, from the catalogue.

    Each value is a list of templates, one per plural form of the language (English: one, other; Chinese:
    one), in which the page fills ``{n}`` (a count), ``{query}``, ``{person}``, and for people ``{id}``,
    ``{title}`` and ``{name}``.
    """
    from orgkit.i18n import t

    out = {k: _js_forms(f"explorer.{k}", language, k=str(min_group_size)) for k in EXPLORER_TEXTS}
    marks = {"id": "Qzidzq", "title": "Qztitlezq", "name": "Qznamezq"}

    def person(text: str) -> list[str]:
        for name, mark in marks.items():
            text = text.replace(mark, "{" + name + "}")
        return [text]

    out["person_title"] = person(t("person.with_title", language, **marks))
    out["person_name"] = person(t("person.with_name", language, **marks))
    out["other"] = [t("group.other", language)]
    return out


def explorer_json(tree: OrgTree, *, language: str, min_group_size: int,
                  colors: Mapping[str, str] | None = None) -> str:
    """The tree and the explorer's texts as compact JSON, safe to place inside ``<script>``.

    Parameters
    ----------
    tree : OrgTree
    language : {"en", "zh"}
        The language of the texts (and of the number format the page uses).
    min_group_size : int
    colors : mapping, optional
        A colour per department name (the static figures' colours, so both charts agree).

    Returns
    -------
    str
        One JSON object: ``v`` (:data:`FORMAT_VERSION`), ``lang``, ``people``, ``texts``, ``departments``,
        ``colors``, ``titles``, ``role``, and one array per node field, in node order: ``kind`` (only the
        nodes that are not people, as ``{index: kind}``), ``children``, ``id``, ``name`` (with names only),
        ``title``, ``dept``, ``span``, ``team``, ``layer``, ``via`` (indices). ``<``, ``>`` and ``&`` are
        written as ``\\u`` escapes, so no text from the data can close the script element.
    """
    colors = dict(colors or {})
    others = np.flatnonzero(tree.kind != PERSON)
    payload: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "lang": language,
        "people": int(tree.people),
        "texts": explorer_strings(language, min_group_size),
        "departments": tree.departments,
        "colors": [colors.get(d, "") for d in tree.departments],
        "titles": tree.titles,
        "role": tree.role,
        "kind": {str(int(i)): int(tree.kind[i]) for i in others},
        "children": tree.children.tolist(),
        "id": tree.ids.tolist(),
        "title": tree.title.tolist(),
        "dept": tree.department.tolist(),
        "span": tree.span.tolist(),
        "team": tree.team.tolist(),
        "layer": tree.layer.tolist(),
        "via": np.flatnonzero(tree.via).tolist(),
    }
    if tree.names is not None:
        payload["name"] = tree.names.tolist()
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
