"""Who decides after a reorganisation: delegation rules and the lowest common manager, for all decisions at once.

A reorganisation changes who sits above whom; recorded decisions must stay consistent with it. Two rules
re-route them, both vectorised over decisions on :class:`~orgkit.data.hierarchy.Hierarchy` arrays:

* :func:`delegated_deciders`: a plan's ``delegate`` step gives decision rights to the initiator's
  department head, or to the initiator's manager at most N layers up, never above the current decider;
  :func:`kept_approvers` then keeps the approvals at or below the new decider's layer.
* :func:`lowest_common_deciders`: after a move, merge or layer change, a decision whose decider no longer
  sits above its initiator goes to the lowest manager above both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgkit.areas.decisions import department_heads
from orgkit.data.hierarchy import Hierarchy

__all__ = ["delegated_deciders", "kept_approvers", "lowest_common_deciders", "sits_above", "successors"]


def delegated_deciders(hierarchy: Hierarchy, departments: pd.Series | np.ndarray, initiator: np.ndarray,
                       decider: np.ndarray, *, to: str | None = None,
                       max_layers_above: int | None = None) -> np.ndarray:
    """The decider of each decision once its type is delegated.

    Parameters
    ----------
    hierarchy : Hierarchy
        The reporting forest; positions are rows of ``people``.
    departments : Series or array of str
        Each person's department, aligned with the hierarchy's positions.
    initiator, decider : array of int
        Positions of each decision's initiator and current decider.
    to : {"department_head"}, optional
        Delegate to the initiator's department head (:func:`orgkit.areas.decisions.department_heads`).
    max_layers_above : int, optional
        Delegate to the initiator's manager ``max_layers_above`` layers up (the top when the chain is
        shorter). Exactly one of ``to`` and ``max_layers_above``.

    Returns
    -------
    ndarray of int64
        The new decider's position per decision (the current decider where the rule changes nothing).

    Notes
    -----
    With :math:`d` the depth (0 at the top), initiator :math:`i`, current decider :math:`k` and the rule's
    candidate :math:`c` (:math:`h(i)`, the department head, or :math:`a_N(i)`, the ancestor of :math:`i` at
    depth :math:`\\max(d(i) - N, 0)`), the new decider is

    .. math:: k' = c \\text{ if } d(c) \\ge d(k) \\text{ else } k

    A delegation never moves a decision up: a decision already taken at the candidate's layer or below
    keeps its decider. An initiator who is their own department head (or the top) decides their own
    decisions under ``department_head`` (0 hops).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> people = pd.DataFrame({"employee_id": ["ceo", "s", "s1", "s2"],
    ...                        "department": ["Exec", "Sales", "Sales", "Sales"],
    ...                        "manager_id": [None, "ceo", "s", "s1"]})
    >>> h = Hierarchy.from_people(people)
    >>> delegated_deciders(h, people["department"], np.array([3, 3]), np.array([0, 2]), to="department_head").tolist()
    [1, 2]
    >>> delegated_deciders(h, people["department"], np.array([3]), np.array([0]), max_layers_above=1).tolist()
    [2]
    """
    if (to is None) == (max_layers_above is None):
        raise ValueError("give exactly one of to and max_layers_above")
    initiator = np.asarray(initiator, dtype=np.int64)
    decider = np.asarray(decider, dtype=np.int64)
    if initiator.size == 0:
        return decider.copy()
    if to is not None:
        if to != "department_head":
            raise ValueError(f"to must be 'department_head'. Got {to!r} instead.")
        candidate = department_heads(hierarchy, departments)[initiator]
    else:
        candidate = hierarchy.ancestor_at_depth(initiator, hierarchy.depth[initiator] - int(max_layers_above))
    depth = hierarchy.depth
    return np.where(depth[candidate] >= depth[decider], candidate, decider)


def kept_approvers(hierarchy: Hierarchy, approver: np.ndarray, decider: np.ndarray) -> np.ndarray:
    """Which approvals a delegated decision keeps: those at or below its new decider's layer.

    Parameters
    ----------
    hierarchy : Hierarchy
    approver : array of int
        Position of each approval's approver (one row per approval, as ``client.approvals``).
    decider : array of int
        Position of the new decider of each approval's decision.

    Returns
    -------
    ndarray of bool
        ``True`` for an approval kept: :math:`d(a) \\ge d(k')` and :math:`a \\ne k'`.

    Notes
    -----
    An approval above the new decider was the climb the delegation removes; the decider no longer approves
    their own decision. Approvals on the decider's layer or below, in any department (a finance controller
    co-signing a budget), are controls the delegation keeps.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> people = pd.DataFrame({"employee_id": ["ceo", "s", "s1", "s2"], "department": ["E", "S", "S", "S"],
    ...                        "manager_id": [None, "ceo", "s", "s1"]})
    >>> kept_approvers(Hierarchy.from_people(people), np.array([2, 1, 0]), np.array([1, 1, 1])).tolist()
    [True, False, False]
    """
    approver = np.asarray(approver, dtype=np.int64)
    decider = np.asarray(decider, dtype=np.int64)
    depth = hierarchy.depth
    return (depth[approver] >= depth[decider]) & (approver != decider)


def sits_above(hierarchy: Hierarchy, decider: np.ndarray, initiator: np.ndarray) -> np.ndarray:
    """Whether each decider is its initiator or one of the initiator's managers, up the chain.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> people = pd.DataFrame({"employee_id": ["a", "b", "c"], "manager_id": [None, "a", "a"]})
    >>> sits_above(Hierarchy.from_people(people), np.array([0, 1, 2]), np.array([2, 2, 2])).tolist()
    [True, False, True]
    """
    return hierarchy.is_ancestor(np.asarray(decider, dtype=np.int64), np.asarray(initiator, dtype=np.int64))


def lowest_common_deciders(hierarchy: Hierarchy, initiator: np.ndarray, decider: np.ndarray) -> np.ndarray:
    """The lowest manager above both the initiator and the old decider (``-1`` across separate trees).

    Parameters
    ----------
    hierarchy : Hierarchy
        The reporting forest *after* the reorganisation.
    initiator, decider : array of int
        Positions of each decision's initiator and of its decider before the re-routing.

    Returns
    -------
    ndarray of int64

    Notes
    -----
    A decision whose decider sat above its initiator before a step and no longer does after it (the
    initiator moved to another branch, or the decider did) goes to :math:`\\mathrm{lcm}(i, k)`, the lowest
    person who has authority over both the initiator and the area the old decider decided for. It is the
    decider nearest to the old one that the new reporting lines support; hops become
    :math:`d(i) - d(\\mathrm{lcm})`. The lowest common ancestor comes from
    :meth:`Hierarchy.lowest_common_manager` (binary lifting).

    References
    ----------
    .. [1] Bender, M. A., & Farach-Colton, M. (2000). The LCA problem revisited. *LATIN 2000*, LNCS 1776,
       88-94. https://doi.org/10.1007/10719839_9

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> people = pd.DataFrame({"employee_id": ["ceo", "a", "a1", "b", "b1"],
    ...                        "manager_id": [None, "ceo", "a", "ceo", "b"]})
    >>> lowest_common_deciders(Hierarchy.from_people(people), np.array([4]), np.array([1])).tolist()
    [0]
    """
    return hierarchy.lowest_common_manager(np.asarray(initiator, dtype=np.int64),
                                           np.asarray(decider, dtype=np.int64))


def successors(parent: np.ndarray, leaving: np.ndarray) -> np.ndarray:
    """For every position, its nearest manager up the chain who stays (``-1`` when none does).

    Parameters
    ----------
    parent : array of int
        Position of each person's manager (``-1`` at the top).
    leaving : array of bool
        Who leaves.

    Returns
    -------
    ndarray of int64
        :math:`s(i)`: the first of :math:`p(i), p(p(i)), \\dots` who stays. A person leaving hands their
        reports and their decisions to :math:`s`; a report of a leaving manager reports to
        :math:`s(i)` instead of :math:`p(i)`.

    Notes
    -----
    Each round moves every pointer that points at a leaving person one manager further up, over all people
    at once, so the rounds are at most the longest unbroken chain of leaving managers.

    Examples
    --------
    >>> import numpy as np
    >>> successors(np.array([-1, 0, 1, 2]), np.array([False, True, True, False])).tolist()
    [-1, 0, 0, 0]
    """
    parent = np.asarray(parent, dtype=np.int64)
    leaving = np.asarray(leaving, dtype=bool)
    s = parent.copy()
    while True:
        up = s >= 0
        up[up] = leaving[s[up]]
        if not up.any():
            return s
        s[up] = parent[s[up]]
