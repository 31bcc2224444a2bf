"""Figures of the structure analysis: the org chart, spans of control, headcount per layer.

The org chart draws the top of the hierarchy as boxes, one per manager, with their department, span and
team, at any size: the layers go on while they fit side by side, the next one is stacked under its
managers, and whatever is below is counted in the boxes above it. It is planned from arrays over
people (:func:`_org_chart_plan`) and laid out as a tidy tree (:func:`tidy_tree_layout`, no graphviz).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from orgkit.data.hierarchy import Hierarchy
from orgkit.i18n import t, tn
from orgkit.plots.style import (
    make_figure,
    HIDDEN_COLOR,
    OTHER_DEPARTMENTS_COLOR,
    STATUS_COLORS,
    department_colors,
    department_legend,
    new_figure,
    plot_style,
    text_width,
    two_line_width,
    wrap_text,
)
from orgkit.thresholds import DEFAULTS

if TYPE_CHECKING:  # pragma: no cover
    from orgkit.privacy import TopRole

__all__ = [
    "tidy_tree_layout",
    "department_tree",
    "plot_org_chart",
    "plot_span_distribution",
    "plot_layers",
    "ORG_CHART_WIDTH",
    "ORG_CHART_ROWS",
    "ORG_CHART_STACK",
    "ORG_CHART_WRAP",
]

#: The widest the org chart is drawn, in inches. The report's page (and an A4 page in landscape) shows
#: a figure this wide at about its size, so the boxes' 7.5-point labels read as 7.5-point text.
ORG_CHART_WIDTH = 10.0
#: Rows of boxes side by side, the top included, before the next layer is stacked under its managers.
ORG_CHART_ROWS = 5
#: The most boxes in one stack, the box that counts the others included.
ORG_CHART_STACK = 8
#: The most lines one manager's managers are wrapped over when they are more than fit side by side.
ORG_CHART_WRAP = 3
_FONT, _SMALL = 7.5, 6.5  # points: box labels; the line under them, the key
_LEADING = 1.3  # line height, in font sizes
_PAD_X, _PAD_Y = 4.5, 3.5  # points between a box's edge and its text
_STRIPE = 2.2  # points: the band of the department's colour along a box's top
_MIN_TEXT, _MAX_NAME = 60.0, 104.0  # points: a box's narrowest text; a name wider than this wraps
_MARGIN, _GAP, _INDENT = 0.08, 0.12, 0.16  # inches: around the chart, between columns, a stack's indent
_ROW_GAP, _STACK_TOP, _STACK_GAP = 0.34, 0.1, 0.07  # inches between rows, under a manager, between stacked boxes
#: The colour of the top of the organisation drawn as a role, of the lines, of the second text colour.
_ROLE_COLOR, _LINE_COLOR, _INK, _MUTED = "#1f2933", "#9aa5b1", "#1f2933", "#5f6b7a"


def tidy_tree_layout(parent: np.ndarray, order: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Positions for a forest: leaves on consecutive columns, parents centred over their leaves.

    Parameters
    ----------
    parent : ndarray of int
        ``parent[i]`` is the position of i's parent, ``-1`` for a root. Must be a forest.
    order : ndarray, optional
        A sort key per node: siblings are placed left to right by it (default: position).

    Returns
    -------
    x, y : ndarray of float
        ``x`` in ``[0, leaves - 1]``; ``y = -depth`` (roots at 0).

    Notes
    -----
    Depth-first order is a lexicographic sort of each node's ancestor chain (root first; a node sorts
    before its descendants), computed for all nodes at once with binary lifting
    (:meth:`orgkit.data.hierarchy.Hierarchy.ancestor_at_depth`). A node's ``x`` is the midpoint of the
    leftmost and rightmost leaf below it, as in the layered drawings of Reingold and Tilford [1]_
    (without their subtree compaction). Degenerate cases: an empty forest gives empty arrays; a single
    node sits at ``(0, 0)``.

    References
    ----------
    .. [1] Reingold, E. M., & Tilford, J. S. (1981). Tidier drawings of trees. *IEEE Transactions on
       Software Engineering*, SE-7(2), 223-228. https://doi.org/10.1109/TSE.1981.234519

    Examples
    --------
    >>> import numpy as np
    >>> x, y = tidy_tree_layout(np.array([-1, 0, 0, 1]))
    >>> x.tolist(), y.tolist()
    ([0.5, 0.0, 1.0, 0.0], [0.0, -1.0, -1.0, -2.0])
    """
    parent = np.asarray(parent, dtype=np.int64)
    n = len(parent)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    h = Hierarchy(ids=np.arange(n).astype(object), parent=parent)
    depth = h.depth
    layers = h.layers
    key = np.arange(n) if order is None else pd.Series(order).rank(method="first").to_numpy(dtype=np.int64)
    pos = np.arange(n)
    chain = np.empty((layers, n), dtype=np.int64)
    for d in range(layers):
        anc = h.ancestor_at_depth(pos, d)
        chain[d] = np.where(depth >= d, key[anc], -1)
    preorder = np.lexsort(chain[::-1])
    is_leaf = h.n_reports == 0
    leaves = preorder[is_leaf[preorder]]
    x = np.full(n, np.nan)
    x[leaves] = np.arange(len(leaves), dtype=float)
    # every leaf's x goes to each of its ancestors: min and max per ancestor
    rows_anc, rows_x = [], []
    for d in range(layers):
        sel = leaves[depth[leaves] >= d]
        rows_anc.append(h.ancestor_at_depth(sel, d))
        rows_x.append(x[sel])
    span = pd.DataFrame({"a": np.concatenate(rows_anc), "x": np.concatenate(rows_x)}).groupby("a")["x"].agg(["min", "max"])
    x[span.index.to_numpy()] = ((span["min"] + span["max"]) / 2).to_numpy()
    return x, 0.0 - depth.astype(float)  # 0.0 - d: a root sits at 0.0, not -0.0


def department_tree(people: pd.DataFrame) -> pd.DataFrame:
    """The departments as a tree: each department under the department its most senior member reports to.

    Parameters
    ----------
    people : DataFrame
        ``employee_id``, ``department``, ``manager_id``.

    Returns
    -------
    DataFrame
        ``department``, ``parent`` (``str``, missing at the top), ``headcount``, ``depth`` (of its most
        senior member), one row per department.

    Notes
    -----
    The most senior member is the one with the smallest reporting depth (ties: first in ``people``).
    Their manager sits in another department (or they are at the top), and that department's most
    senior member is strictly more senior, so the result is always a forest.
    """
    h = Hierarchy.from_people(people)
    dept = people["department"].astype("str").to_numpy()
    frame = pd.DataFrame({"department": dept, "depth": h.depth, "pos": np.arange(len(dept))})
    top = frame.sort_values(["depth", "pos"], kind="mergesort").drop_duplicates("department")
    mgr = h.parent[top["pos"].to_numpy()]
    parent = pd.Series(np.where(mgr >= 0, dept[np.clip(mgr, 0, None)], None), dtype="str")
    counts = frame["department"].value_counts()
    return pd.DataFrame(
        {
            "department": top["department"].to_numpy(),
            "parent": parent.to_numpy(),
            "headcount": counts.reindex(top["department"]).to_numpy(dtype=np.int64),
            "depth": top["depth"].to_numpy(dtype=np.int64),
        }
    ).reset_index(drop=True)


def _subtree_counts(h: Hierarchy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per person: the people below them (``team``), the managers among those, and the layers below them.

    Bottom-up over layers with one ``bincount`` per layer (no loop over people): a 100,000-person
    organisation costs milliseconds. A person without reports has ``0, 0, 0``.
    """
    n = h.n
    is_manager = h.n_reports > 0
    size = np.ones(n)
    managers = is_manager.astype(float)
    height = np.zeros(n, dtype=np.int64)
    order = np.argsort(h.depth, kind="stable")
    bounds = np.searchsorted(h.depth[order], np.arange(h.layers + 1))
    for d in range(h.layers - 1, 0, -1):
        sel = order[bounds[d]:bounds[d + 1]]
        up = h.parent[sel]
        size += np.bincount(up, weights=size[sel], minlength=n)
        managers += np.bincount(up, weights=managers[sel], minlength=n)
        np.maximum.at(height, up, height[sel] + 1)
    return size.astype(np.int64) - 1, managers.astype(np.int64) - is_manager, height


@dataclass
class _Box:
    kind: str  # "person", "more" (teams counted together) or "outside" (people outside the reporting lines)
    row: int
    parent: int  # the box above (-1 at the top)
    stacked: bool
    person: int = -1
    members: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    wrap: int = 0  # the line of a level wrapped over several lines (0: its first)
    column: int = -1  # the column within a wrapped level


def _water_level(budget: int, sizes: list[int]) -> tuple[int, list[int]]:
    """Columns per group when ``budget`` columns are shared by groups of ``sizes`` boxes.

    The largest ``c`` with ``sum(min(size, c)) <= budget``; the columns left over go one each to the
    groups still cut, first ones first. Returns ``(c, columns per group)``.
    """
    if budget <= 0 or not sizes:
        return 0, [0] * len(sizes)
    c = 0
    while c < max(sizes) and sum(min(s, c + 1) for s in sizes) <= budget:
        c += 1
    alloc = [min(s, c) for s in sizes]
    left = budget - sum(alloc)
    for i, s in enumerate(sizes):
        if left <= 0:
            break
        if s > alloc[i]:
            alloc[i] += 1
            left -= 1
    return c, alloc


def _org_chart_plan(
    people: pd.DataFrame,
    *,
    max_columns: int,
    max_rows: int = ORG_CHART_ROWS,
    max_stack: int = ORG_CHART_STACK,
    max_wrap: int = ORG_CHART_WRAP,
    hierarchy: Hierarchy | None = None,
    departments: np.ndarray | None = None,
) -> pd.DataFrame:
    """Which boxes the org chart draws, and what each counts.

    Parameters
    ----------
    people : DataFrame
        ``employee_id``, ``department``, ``manager_id``.
    max_columns : int
        Boxes that fit side by side.
    max_rows : int
        Rows of boxes side by side, the top included.
    max_stack : int
        The most boxes stacked under one manager, the box counting the others included.
    max_wrap : int
        The most lines one manager's level is wrapped over when it is wider than the chart.
    hierarchy : Hierarchy, optional
        ``people``'s reporting tree, when the caller has it already.
    departments : ndarray of str, optional
        ``people["department"]`` as strings, when the caller has it already.

    Returns
    -------
    DataFrame
        One row per box, in drawing order: ``box`` (its position), ``parent`` (the box above, ``-1`` at
        the top), ``row`` (0 at the top), ``stacked``, ``wrap`` and ``column`` (the line and column of a
        wrapped level; 0 and -1 elsewhere), ``kind`` (``person``: a manager; ``more``: the smaller
        teams of a level counted in one box; ``outside``: people without a manager in ``people`` who
        manage no one), ``person`` (row position in ``people``, ``-1`` for the others),
        ``employee_id``, ``department``, ``span``, ``team`` (everyone below the manager),
        ``managers_below``, ``layers_below``, ``teams`` (teams in a ``more`` box), ``people`` (a
        manager and their team, or everyone a ``more``/``outside`` box counts) and ``not_drawn`` (people
        below a manager who are in no box below them). Raw numbers, hidden departments included: the
        figure decides what it shows.

    Notes
    -----
    Managers only are boxes; the people below a manager are counted in its box. From the top (the
    people without a manager, largest team first), each level of managers is placed by the first rule
    that fits:

    1. a row side by side, when it still has a column for each (every box that ends a branch of the
       rows takes one);
    2. when the level has one manager above it, their managers wrapped over up to ``max_wrap`` lines
       of the columns left (the largest teams first; a last box counts the rest), and the next level
       stacked under them;
    3. a row shared by a water level (:func:`_water_level`) when each manager above can still show
       at least two of their managers and one box counting the rest;
    4. otherwise stacked under its managers, at most ``max_stack`` boxes each (fewer under a wrapped
       level), the smaller teams again counted in one box.

    Rows stop at ``max_rows``; nothing is drawn below a stack. The counts add up: the managers drawn,
    their ``not_drawn`` people, and the people of the ``more`` and ``outside`` boxes are everyone.
    Siblings are ordered by team size, then by position, so the plan is deterministic. Arrays over
    people (:func:`_subtree_counts`); Python loops only over the boxes drawn.
    """
    h = hierarchy if hierarchy is not None else Hierarchy.from_people(people)
    if departments is None:
        departments = people["department"].astype("str").to_numpy(dtype=object)
    team, managers_below, layers_below = _subtree_counts(h)
    span = h.n_reports
    is_manager = span > 0
    kids = np.flatnonzero(is_manager & (h.parent >= 0))
    kids = kids[np.lexsort((kids, -team[kids], h.parent[kids]))]
    kid_parent = h.parent[kids]

    def children(p: int) -> np.ndarray:
        lo, hi = np.searchsorted(kid_parent, [p, p + 1])
        return kids[lo:hi]

    boxes: list[_Box] = []

    def place(group: np.ndarray, cap: int, row: int, parent: int, stacked: bool, per_line: int = 0) -> None:
        start = len(boxes)
        shown = group if len(group) <= cap else group[: max(cap - 1, 0)]
        for p in shown:
            boxes.append(_Box("person", row, parent, stacked, person=int(p)))
        if len(shown) < len(group):
            boxes.append(_Box("more", row, parent, stacked, members=group[len(shown):]))
        if per_line:
            for j, b in enumerate(boxes[start:]):
                b.wrap, b.column = j // per_line, j % per_line

    roots = np.flatnonzero(h.parent < 0)
    top = roots[is_manager[roots]]
    top = top[np.lexsort((top, -team[top]))]
    outside = roots[~is_manager[roots]]
    place(top, max(max_columns - (1 if outside.size and top.size else 0), 1), 0, -1, False)
    if outside.size:
        boxes.append(_Box("outside", 0, -1, False, members=outside))
    last = list(range(len(boxes)))
    leaves = len(boxes)  # boxes that end a branch of the rows so far: one column each
    row, stack = 1, max_stack
    while last:
        groups = [(i, children(boxes[i].person)) for i in last if boxes[i].kind == "person"]
        groups = [(i, g) for i, g in groups if len(g)]
        if not groups:
            break
        total = sum(len(g) for _, g in groups)
        budget = max_columns - (leaves - len(groups))
        start = len(boxes)
        if any(boxes[i].column >= 0 for i in last) or row >= max_rows:
            pass  # under a wrapped level (its columns are taken) or below the last row: a stack
        elif total <= budget:
            for i, g in groups:
                place(g, len(g), row, i, False)
        elif len(groups) == 1 and budget >= 2:
            # one manager's level wider than the chart: wrapped over up to max_wrap lines of budget columns
            lines = min(-(-total // budget), max_wrap)
            place(groups[0][1], lines * budget, row, groups[0][0], False, per_line=budget)
            stack = max(3, max_stack // lines)
            leaves += min(total, budget) - 1
            last = list(range(start, len(boxes)))
            row += 1
            continue
        elif _water_level(budget, [len(g) for _, g in groups])[0] >= 3:
            for (i, g), cols in zip(groups, _water_level(budget, [len(g) for _, g in groups])[1]):
                place(g, cols, row, i, False)
        if len(boxes) == start:
            if stack >= 2:
                for i, g in groups:
                    place(g, stack, row, i, True)
            break
        last = list(range(start, len(boxes)))
        leaves += len(last) - len(groups)
        row += 1

    kind = np.array([b.kind for b in boxes], dtype=object)
    person = np.array([b.person for b in boxes], dtype=np.int64)
    safe = np.clip(person, 0, None)
    is_person = kind == "person"
    members_people = np.array([int((1 + team[b.members]).sum()) if b.kind == "more" else len(b.members)
                               for b in boxes], dtype=np.int64)
    frame = pd.DataFrame({
        "box": np.arange(len(boxes)),
        "parent": np.array([b.parent for b in boxes], dtype=np.int64),
        "row": np.array([b.row for b in boxes], dtype=np.int64),
        "stacked": np.array([b.stacked for b in boxes], dtype=bool),
        "wrap": np.array([b.wrap for b in boxes], dtype=np.int64),
        "column": np.array([b.column for b in boxes], dtype=np.int64),
        "kind": kind,
        "person": person,
        "employee_id": np.where(is_person, h.ids[safe], None),
        "department": np.where(is_person, departments[safe], None),
        "span": np.where(is_person, span[safe], 0),
        "team": np.where(is_person, team[safe], 0),
        "managers_below": np.where(is_person, managers_below[safe], 0),
        "layers_below": np.where(is_person, layers_below[safe], 0),
        "teams": np.array([len(b.members) if b.kind == "more" else 0 for b in boxes], dtype=np.int64),
        "people": np.where(is_person, 1 + team[safe], members_people),
    })
    below = frame[frame["parent"] >= 0].groupby("parent")["people"].sum()
    drawn_below = below.reindex(frame["box"]).fillna(0).to_numpy(dtype=np.int64)
    frame["not_drawn"] = np.where(is_person, frame["team"].to_numpy() - drawn_below, 0)
    return frame


@dataclass
class _Label:
    text: str
    size: float
    bold: bool = False
    color: str = _INK
    lines: int = 0  # the most lines it may take in a box (0: never wrapped nor cut, as numbers)


def _box_texts(plan: pd.DataFrame, *, visible: set[str], role: TopRole | None, names: pd.Series | None,
               min_group_size: int, language: str) -> list[list[_Label]]:
    """What every box of ``plan`` says, line by line, before it is wrapped to the box (:func:`_fit`)."""
    other = t("group.other", language)
    out: list[list[_Label]] = []
    parents = set(plan["parent"].tolist())
    for b in plan.itertuples(index=False):
        if b.kind == "more":
            lines = [_Label(tn("orgchart.more_teams", int(b.teams), language), _FONT, True)]
            if b.people >= min_group_size:  # the teams counted together are a group too
                lines.append(_Label(tn("count.people", int(b.people), language), _FONT))
            out.append(lines)
            continue
        if b.kind == "outside":
            out.append([_Label(tn("orgchart.outside", int(b.people), language), _FONT, lines=3)])
            continue
        is_role = role is not None and str(b.employee_id) == role.employee_id
        department = str(b.department)
        if department not in visible and not is_role:
            out.append([_Label(other, _FONT, True, _MUTED, lines=2)])
            continue
        if is_role:
            lines = [_Label(role.label, _FONT, True, lines=2)]
            if department in visible:
                lines.append(_Label(department, _FONT, lines=1))
        else:
            lines = [_Label(department, _FONT, True, lines=2)]
        if names is not None:
            name = names.iloc[int(b.person)]
            if isinstance(name, str) and name.strip():
                lines.append(_Label(name.strip(), _FONT, lines=1))
        lines.append(_Label(t("orgchart.numbers", language, span=int(b.span), team=int(b.team)), _FONT))
        if b.box not in parents and b.managers_below > 0:
            below = tn("orgchart.below", int(b.managers_below), language,
                       layers=tn("count.layers", int(b.layers_below), language))
            lines.append(_Label(below, _SMALL, color=_MUTED, lines=2))
        out.append(lines)
    return out


def _fit(texts: list[list[_Label]], text_pt: float) -> list[list[_Label]]:
    """The texts wrapped (and cut with an ellipsis where they still do not fit) to ``text_pt`` points."""
    return [[_Label(x, line.size, line.bold, line.color)
             for line in lines
             for x in ([line.text] if not line.lines else
                       wrap_text(line.text, text_pt, line.size, line.bold, max_lines=line.lines))]
            for lines in texts]


def _needed_width(texts: list[list[_Label]], one_line: bool = False) -> float:
    """The text width, in points, the boxes need: their widest line that is never wrapped (numbers), or
    more when a text that may wrap does not fit in two lines of that (up to :data:`_MAX_NAME`).
    ``one_line``: the width at which every text fits on one line (names up to 1.25 :data:`_MAX_NAME`)."""
    if one_line:
        return max([min(text_width(x.text, x.size, x.bold), 1.25 * _MAX_NAME if x.lines else np.inf)
                    for lines in texts for x in lines] + [_MIN_TEXT])
    fixed = max([text_width(x.text, x.size, x.bold) for lines in texts for x in lines if not x.lines] + [_MIN_TEXT])
    need = fixed
    for lines in texts:
        for x in lines:
            if x.lines and text_width(x.text, x.size, x.bold) > need:
                wrapped = wrap_text(x.text, need, x.size, x.bold, max_lines=x.lines)
                if wrapped[-1].endswith("…") and not x.text.endswith("…"):
                    need = max(need, min(two_line_width(x.text, x.size, x.bold) if x.lines > 1
                                         else text_width(x.text, x.size, x.bold), _MAX_NAME))
    return need


def _plan_columns(plan: pd.DataFrame) -> int:
    """The columns a plan takes: one per box of the rows side by side that ends a branch."""
    in_tree = ~plan["stacked"].to_numpy() & (plan["wrap"].to_numpy() == 0)
    parents = set(plan.loc[in_tree & (plan["parent"].to_numpy() >= 0), "parent"].tolist())
    return max(1, int(sum(1 for i in np.flatnonzero(in_tree) if i not in parents)))


def _columns(text_pt: float) -> int:
    """How many boxes with ``text_pt`` points of text fit side by side in :data:`ORG_CHART_WIDTH`."""
    pitch = (text_pt + 2 * _PAD_X) / 72 + _INDENT + _GAP
    return max(1, int((ORG_CHART_WIDTH - 2 * _MARGIN + _GAP) // pitch))


def _box_height(lines: list[_Label]) -> float:
    """Inches."""
    return (sum(line.size * _LEADING for line in lines) + 2 * _PAD_Y + _STRIPE) / 72


def plot_org_chart(
    people: pd.DataFrame,
    *,
    min_group_size: int = 5,
    show_names: bool = False,
    language: str = "en",
    ax: Axes | None = None,
    hidden: Iterable[str] = (),
    top: TopRole | None = None,
    colors: Mapping[str, str] | None = None,
) -> Figure:
    """The top layers of the organisation as boxes: each manager's department, span and team.

    Parameters
    ----------
    people : DataFrame
        ``employee_id``, ``department``, ``manager_id`` (``name`` for ``show_names``, ``title`` for the
        top's role).
    min_group_size : int
        A department smaller than this is never named: its managers' boxes are grey, read "Other (small
        groups)" and show no number.
    show_names : bool
        Add each manager's name to their box (the top's too). Without it no box names or identifies a
        person: the top reads as its role.
    language : {"en", "zh"}
    ax : Axes, optional
        Draw here; the chart is scaled, text included, to fit the axes.
    hidden : iterable of str
        Departments the report's tables hide besides the small ones (hidden so that a small one cannot
        be worked out from a total): the chart hides them the same way.
    top : TopRole, optional
        The top of the organisation as :func:`orgkit.privacy.top_of_organisation` gives it (the report's
        rule). Without it the one person without a manager is still labelled by role: their title, else
        "Chief executive".
    colors : mapping, optional
        Department colours (default: :func:`orgkit.plots.style.department_colors` of the departments of
        at least ``min_group_size`` people, largest first, as every figure of a report colours them).

    Returns
    -------
    Figure
        At most :data:`ORG_CHART_WIDTH` inches wide (wider only when one box's numbers need it).

    Notes
    -----
    What is drawn (:func:`_org_chart_plan`): managers only. From the top, each level of managers goes
    in a row while it fits the width; how many layers that is is decided from the width at each depth.
    One manager's level too wide for a row (a chief executive's dozen heads) wraps over up to
    :data:`ORG_CHART_WRAP` lines; several managers' level too wide shares the row, each manager
    showing their largest teams and one box counting the others ("+ 37 more teams, 2,104 people").
    The next level is stacked under its managers (at most :data:`ORG_CHART_STACK` boxes each); each
    box at the bottom says how many managers and layers are below it. Every box shows its department,
    span (direct reports) and team (everyone below): the managers drawn and the people counted in
    the boxes add up to the headcount, which the key under the chart states with the layers drawn.
    The top is labelled by its role, never by a name unless ``show_names``.

    Labels never overlap: box widths come from the labels measured in points
    (:func:`orgkit.plots.style.text_width`: DejaVu Sans's advances, CJK at one em), texts too long for
    a box wrap to two balanced lines and are then cut with an ellipsis, numbers are never cut. Boxes
    are as narrow as their numbers allow while columns are short, as wide as one-line labels need when
    the chart has room. The layout depends only on the data and the language, not on the machine's
    fonts. Every box and label carries a ``gid`` (``org-box-<i>``, ``org-label-<i>-<line>``).

    Privacy: a department hidden by the report (smaller than ``min_group_size``, or in ``hidden``) is
    never named and its managers' boxes show no numbers; a box counting several teams shows their
    headcount only when it reaches ``min_group_size``. There is no department breakdown inside a box.
    """
    with plot_style():
        if len(people) == 0 or "manager_id" not in people.columns:
            fig, ax = new_figure(ax, figsize=(6, 2))
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        layout = _org_chart_layout(people, min_group_size=min_group_size, show_names=show_names, language=language,
                                   hidden=hidden, top=top, colors=colors)
        return _draw_org_chart(layout, language=language, ax=ax)


@dataclass
class _Layout:
    """An org chart planned and labelled, ready to draw: box ``i`` is row ``i`` of ``plan``."""

    plan: pd.DataFrame
    labels: list[list[_Label]]
    text_pt: float  # the width of a box's text, in points
    palette: dict[str, str]
    visible: set[str]  # the departments that may be named
    role: TopRole | None
    layers: int
    managers: int


def _org_chart_layout(people: pd.DataFrame, *, min_group_size: int, show_names: bool, language: str,
                      hidden: Iterable[str], top: TopRole | None, colors: Mapping[str, str] | None) -> _Layout:
    """What :func:`plot_org_chart` draws: the plan, each box's lines and the boxes' width."""
    from orgkit.privacy import top_of_organisation

    sizes = people["department"].astype("str").value_counts()
    shown = sizes[sizes >= min_group_size]
    palette = dict(colors) if colors is not None else department_colors(shown)
    visible = set(shown.index) - {str(d) for d in hidden}
    role = top if top is not None else top_of_organisation(people, len(people) + 1, language)
    h = Hierarchy.from_people(people)
    departments = people["department"].astype("str").to_numpy(dtype=object)
    names = people["name"].reset_index(drop=True) if show_names and "name" in people.columns else None

    def plan_for(text_pt: float) -> tuple[pd.DataFrame, list[list[_Label]]]:
        plan = _org_chart_plan(people, max_columns=_columns(text_pt), hierarchy=h, departments=departments)
        return plan, _box_texts(plan, visible=visible, role=role, names=names, min_group_size=min_group_size,
                                language=language)

    # how wide a box is depends on what the boxes say, and which boxes fit on how wide they are
    text_pt = _MIN_TEXT
    plan, texts = plan_for(text_pt)
    for _ in range(4):
        need = _needed_width(texts)
        if need <= text_pt:
            break
        text_pt = need
        plan, texts = plan_for(text_pt)
    # room left over (fewer columns drawn than fit) widens the boxes, so fewer texts wrap
    room = (ORG_CHART_WIDTH - 2 * _MARGIN + _GAP) / _plan_columns(plan) - _INDENT - _GAP
    text_pt = max(text_pt, min(_needed_width(texts, one_line=True), room * 72 - 2 * _PAD_X))
    return _Layout(plan, _fit(texts, text_pt), text_pt, palette, visible, role, h.layers,
                   int((h.n_reports > 0).sum()))


def _org_chart_geometry(plan: pd.DataFrame, heights: np.ndarray,
                        bw: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """Centres ``x`` and tops ``y`` of the planned boxes (inches, the chart's top at 0) and the connectors.

    Rows side by side are a tidy tree with one column per box that ends a branch (a wrapped level's
    later lines reuse its first line's columns); each row, or line of a wrapped level, starts below
    the stacks that hang from the one above. Connectors are elbows from a manager to the row below,
    a spine down a gap between columns to the later lines of a wrapped level, and a rail with ticks
    along each stack.
    """
    pitch = bw + _INDENT + _GAP
    n = len(plan)
    parent = plan["parent"].to_numpy()
    stacked = plan["stacked"].to_numpy()
    wrap = plan["wrap"].to_numpy()
    column = plan["column"].to_numpy()
    band = plan["row"].to_numpy() * (ORG_CHART_WRAP + 1) + wrap  # rows, and the lines of a wrapped row
    in_tree = ~stacked & (wrap == 0)
    tree = np.flatnonzero(in_tree)
    remap = np.full(n, -1)
    remap[tree] = np.arange(tree.size)
    tree_parent = np.where(parent[tree] >= 0, remap[np.clip(parent[tree], 0, None)], -1)
    col, _ = tidy_tree_layout(tree_parent, order=tree)
    x = np.zeros(n)
    x[tree] = _MARGIN + bw / 2 + col * pitch
    for i in np.flatnonzero(~stacked & (wrap > 0)):  # a later line of a wrapped level: its first line's column
        first = np.flatnonzero((parent == parent[i]) & (wrap == 0) & (column == column[i]))[0]
        x[i] = x[first]
    # a row's boxes are as tall as its tallest (aligned); a stacked box is as tall as its own text
    height = heights.astype(float).copy()
    for b in np.unique(band[~stacked]):
        height[~stacked & (band == b)] = heights[~stacked & (band == b)].max()
    y = np.zeros(n)
    cursor = -_MARGIN
    for b in np.unique(band[~stacked]):
        members = np.flatnonzero(~stacked & (band == b))
        y[members] = cursor
        bottom = cursor - float(height[members].max())
        for p in members:
            below = np.flatnonzero(stacked & (parent == p))
            if below.size:
                x[below] = x[p] + _INDENT
                offsets = np.r_[0.0, np.cumsum(height[below] + _STACK_GAP)[:-1]]
                y[below] = y[p] - height[p] - _STACK_TOP - offsets
                bottom = min(bottom, float(y[below[-1]] - height[below[-1]]))
        cursor = bottom - _ROW_GAP
    segments: list = []
    for p in np.unique(parent[~stacked & (parent >= 0)]):
        kids = np.flatnonzero(~stacked & (parent == p))
        lines = np.unique(wrap[kids])
        bus0 = float(y[kids[wrap[kids] == 0]][0]) + _ROW_GAP / 2
        segments.append([(x[p], y[p] - height[p]), (x[p], bus0)])
        spine = x[p]
        if lines.size > 1:  # down the gap between the first line's columns nearest to the manager
            first = np.sort(x[kids[wrap[kids] == 0]])
            gaps = first[:-1] + bw / 2 + _INDENT + _GAP / 2
            spine = float(gaps[np.argmin(np.abs(gaps - x[p]))])
        for line in lines:
            on = kids[wrap[kids] == line]
            bus = float(y[on][0]) + _ROW_GAP / 2
            if line > 0:
                segments.append([(spine, bus0), (spine, bus)])
            ends = np.r_[x[on], x[p] if line == 0 else spine]
            segments.append([(float(ends.min()), bus), (float(ends.max()), bus)])
            segments += [[(x[c], bus), (x[c], y[c])] for c in on]
    for p in np.unique(parent[stacked]):
        below = np.flatnonzero(stacked & (parent == p))
        rail = x[p] - bw / 2 + _INDENT / 2
        mid = y[below] - height[below] / 2
        segments.append([(rail, y[p] - height[p]), (rail, float(mid[-1]))])
        segments += [[(rail, m), (rail + _INDENT / 2, m)] for m in mid]
    return x, y, height, segments


def _draw_org_chart(layout: _Layout, *, language: str, ax: Axes | None) -> Figure:
    """Draw a planned org chart: boxes, connectors and the key (inches, the chart's top at y = 0)."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba
    from matplotlib.patches import FancyBboxPatch, Patch, Rectangle

    plan, labels, palette, visible, role = layout.plan, layout.labels, layout.palette, layout.visible, layout.role
    bw = (layout.text_pt + 2 * _PAD_X) / 72
    heights = np.array([_box_height(lines) for lines in labels])
    x, top_y, height, segments = _org_chart_geometry(plan, heights, bw)
    tree_bottom = float((top_y - height).min())
    tree_width = float((x + bw / 2).max()) + _MARGIN

    # the key under the chart: the grey of grouped departments, what span and team are, what is drawn
    drawn_departments = plan.loc[plan["kind"] == "person", "department"].astype(str)
    drawn_departments = drawn_departments[drawn_departments.isin(visible)]
    grey = [label for label, c in department_legend(dict(palette), drawn_departments, language)
            if c == OTHER_DEPARTMENTS_COLOR]
    drawn = int((plan["kind"] == "person").sum())
    rows = plan["row"].to_numpy()
    key = [t("orgchart.key", language),
           tn("orgchart.drawn", layout.layers, language, drawn=drawn, managers=layout.managers,
              shown=int(rows.max()) + 1)]
    width = max(tree_width, min(ORG_CHART_WIDTH, max(text_width(k, _SMALL) / 72 for k in key) + 2 * _MARGIN))
    key_lines = [line for k in key for line in wrap_text(k, (width - 2 * _MARGIN) * 72, _SMALL, max_lines=3)]
    step = _SMALL * 1.45 / 72
    key_top = tree_bottom - 0.16
    fig_h = -key_top + (len(key_lines) + (1 if grey else 0)) * step + _MARGIN

    if ax is None:
        fig = make_figure((width, fig_h), layout=None)  # boxes placed in inches: no layout engine
        ax = fig.add_axes((0, 0, 1, 1))
        scale = 1.0
    else:
        fig = ax.get_figure(root=True) if hasattr(ax, "get_figure") else ax.figure
        box = ax.get_position()
        scale = min(box.width * fig.get_figwidth() / width, box.height * fig.get_figheight() / fig_h, 1.0)
    ax.set_xlim(0, width)
    ax.set_ylim(-fig_h, 0)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()

    def add(patch: Patch) -> None:  # the limits are set: no patch needs to update them
        patch.set_transform(ax.transData)
        ax.add_artist(patch)

    if segments:
        ax.add_collection(LineCollection(segments, colors=_LINE_COLOR, linewidths=0.8 * scale, zorder=1,
                                         capstyle="projecting"))

    for i, b in enumerate(plan.itertuples(index=False)):
        x0, y1, h = x[i] - bw / 2, top_y[i], height[i]
        is_role = role is not None and b.kind == "person" and str(b.employee_id) == role.employee_id
        department = str(b.department)
        dashed = False
        if b.kind != "person":
            edge, face, dashed = _LINE_COLOR, "white", True
        elif is_role and (department not in visible or role.alone):
            edge, face = _ROLE_COLOR, to_rgba(_ROLE_COLOR, 0.08)
        elif department in visible:
            edge = palette.get(department, OTHER_DEPARTMENTS_COLOR)
            face = to_rgba(edge, 0.13)
        else:
            edge, face, dashed = HIDDEN_COLOR, "#f3f5f7", True
        patch = FancyBboxPatch((x0, y1 - h), bw, h, boxstyle="round,pad=0,rounding_size=0.03", facecolor=face,
                               edgecolor=edge, linewidth=0.9 * scale, linestyle=(0, (3, 2)) if dashed else "-",
                               zorder=2)
        patch.set_gid(f"org-box-{i}")
        add(patch)
        if not dashed:
            add(Rectangle((x0, y1 - _STRIPE / 72), bw, _STRIPE / 72, facecolor=edge, edgecolor="none", zorder=3))
        text_h = sum(line.size * _LEADING for line in labels[i]) / 72
        y = y1 - _STRIPE / 72 - (h - _STRIPE / 72 - text_h) / 2  # the text centred in the box
        for k, line in enumerate(labels[i]):
            line_h = line.size * _LEADING / 72
            txt = ax.text(x[i], y - line_h / 2, line.text, ha="center", va="center_baseline",
                          fontsize=line.size * scale, fontweight="bold" if line.bold else "normal",
                          color=line.color, zorder=4)
            txt.set_gid(f"org-label-{i}-{k}")
            y -= line_h

    y = key_top
    if grey:
        swatch = 0.1
        add(Rectangle((_MARGIN, y - step / 2 - swatch / 2), swatch, swatch, linewidth=0.9 * scale,
                      facecolor=to_rgba(OTHER_DEPARTMENTS_COLOR, 0.13), edgecolor=OTHER_DEPARTMENTS_COLOR))
        txt = ax.text(_MARGIN + swatch + 0.05, y - step / 2, grey[0], ha="left", va="center_baseline",
                      fontsize=_SMALL * scale, color=_MUTED)
        txt.set_gid("org-key-grey")
        y -= step
    for k, line in enumerate(key_lines):
        txt = ax.text(_MARGIN, y - step / 2, line, ha="left", va="center_baseline", fontsize=_SMALL * scale,
                      color=_MUTED)
        txt.set_gid(f"org-key-{k}")
        y -= step
    return fig


def plot_span_distribution(
    distribution: pd.DataFrame,
    *,
    healthy: tuple[int, int] | None = None,
    span_mean: float | None = None,
    span_median: float | None = None,
    language: str = "en",
    ax: Axes | None = None,
) -> Figure:
    """Managers per span-of-control band, bands coloured narrow / healthy / wide.

    Parameters
    ----------
    distribution : DataFrame
        ``band`` (``"1"``, ``"2-3"``, ..., ``"17+"``) and ``managers``, as
        :func:`orgkit.areas.structure.span_distribution` returns.
    healthy : (int, int), optional
        The healthy span range; a band is narrow below it, wide above it, healthy otherwise (default:
        ``structure.span.healthy_min`` and ``healthy_max`` of :mod:`orgkit.thresholds`, 4-12).
    span_mean, span_median : float, optional
        Written in the title.
    language : {"en", "zh"}
    ax : Axes, optional
    """
    if healthy is None:
        healthy = (DEFAULTS["structure.span.healthy_min"], DEFAULTS["structure.span.healthy_max"])
    bands = distribution["band"].astype(str).tolist()
    counts = distribution["managers"].to_numpy(dtype=float)

    def bounds(b: str) -> tuple[float, float]:
        if b.endswith("+"):
            return float(b[:-1]), np.inf
        lo, _, hi = b.partition("-")
        return float(lo), float(hi or lo)

    kinds = []
    for b in bands:
        lo, hi = bounds(b)
        kinds.append("narrow" if hi < healthy[0] else "wide" if lo > healthy[1] else "healthy")
    palette = {"narrow": STATUS_COLORS["amber"], "healthy": STATUS_COLORS["green"], "wide": STATUS_COLORS["red"]}
    with plot_style():
        fig, ax = new_figure(ax, figsize=(7.5, 3.4))
        if counts.sum() == 0:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        labels = [b.replace("-", "–") for b in bands]  # a range reads 2–3, with an en dash
        bars = ax.bar(labels, counts, color=[palette[k] for k in kinds], width=0.7)
        for rect, c in zip(bars, counts):
            ax.text(rect.get_x() + rect.get_width() / 2, rect.get_height(), f"{int(c):,}", ha="center", va="bottom", fontsize=9)
        ax.set_xlabel(t("figure.span", language))
        ax.set_ylabel(t("figure.managers", language))
        ax.set_ylim(0, counts.max() * 1.18 + 0.5)
        from matplotlib.patches import Patch

        words = {"narrow": t("figure.narrow", language), "healthy": t("figure.healthy", language),
                 "wide": t("figure.wide", language)}
        ax.legend(handles=[Patch(color=palette[k], label=words[k]) for k in ("narrow", "healthy", "wide")],
                  loc="upper right")
        parts = []
        if span_mean is not None:
            parts.append(t("figure.mean_value", language, value=f"{span_mean:.1f}"))
        if span_median is not None:
            parts.append(t("figure.median_value", language, value=f"{span_median:g}"))
        if parts:
            ax.set_title(" · ".join(parts), fontsize=9, fontweight="normal", loc="right")
    return fig


def plot_layers(
    layers: pd.DataFrame,
    *,
    min_layers: int | None = None,
    language: str = "en",
    ax: Axes | None = None,
) -> Figure:
    """Headcount per layer (top first); layers beyond the minimum for this size in amber.

    Parameters
    ----------
    layers : DataFrame
        ``depth`` (0 = top) and ``people``.
    min_layers : int, optional
        The fewest layers that could hold this headcount at the observed mean span
        (:func:`orgkit.areas.structure.min_layers`); a dashed line marks it.
    language : {"en", "zh"}
    ax : Axes, optional
    """
    with plot_style():
        fig, ax = new_figure(ax, figsize=(7.5, max(2.2, 0.45 * len(layers) + 1.0)))
        if layers.empty:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        depth = layers["depth"].to_numpy()
        people = layers["people"].to_numpy(dtype=float)
        excess = depth >= min_layers if min_layers is not None else np.zeros(len(depth), bool)
        ax.barh(depth, people, color=np.where(excess, STATUS_COLORS["amber"], "#2b5d8a"), height=0.7)
        for d, p in zip(depth, people):
            ax.text(p, d, f" {int(p):,}", va="center", fontsize=9)
        ax.invert_yaxis()
        ax.set_yticks(depth, [str(int(d)) for d in depth])
        ax.set_ylabel(t("figure.layers", language))
        ax.set_xlabel(t("figure.people", language))
        ax.set_xlim(0, people.max() * 1.15)
        if min_layers is not None and min_layers < len(depth):
            ax.axhline(min_layers - 0.5, color="#1f2933", ls="--", lw=1)
            text = t("figure.min_layers", language, n=min_layers)
            ax.text(people.max() * 1.13, min_layers - 0.55, text, ha="right", va="bottom", fontsize=8)
    return fig

