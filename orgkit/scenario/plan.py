"""Plans: an ordered list of reorganisation steps, read from YAML and checked before anything is applied.

A plan file (``docs/plans.md`` documents every step with an example)::

    name: Regions for sales
    description: Two regional units between the CEO and the sales departments.
    steps:
      - action: insert_layer
        units:
          - {name: Region North, departments: [Sales - North, Sales - East]}
          - {name: Region South, departments: [Sales - South, Sales - West]}
      - action: delegate
        types: [budget]
        to: department_head

:func:`load_plan` checks the form of every step here: its ``action``, its keys (an unknown key is refused with
the valid ones), their types and the combinations a step allows. Whether the ids and departments exist is
checked by :func:`orgkit.scenario.apply.apply_plan` against the organisation as the steps before left it.
Every refusal is a :class:`~orgkit.errors.PlanError` naming the file and the step (1-based).
"""

from __future__ import annotations

import difflib
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from orgkit.data.contract import STAGES
from orgkit.data.reading import bounded_yaml_load
from orgkit.errors import ConfigError, PlanError
from orgkit.framework import function_codes_of

__all__ = ["Plan", "PlanStep", "load_plan", "example_plans", "ACTIONS", "STEP_KEYS", "MAX_PLAN_BYTES", "MAX_STEPS"]

#: Largest plan file read (a plan is a handful of steps; a bigger file is not a plan).
MAX_PLAN_BYTES = 1024 * 1024
#: Most steps in one plan.
MAX_STEPS = 500

#: The step kinds, in the order docs/plans.md presents them.
ACTIONS = ("move", "merge", "split", "insert_layer", "remove_layer", "set_function", "delegate", "headcount")

#: What each key of a step holds (checked by :func:`_value`).
_KINDS = {
    "id": "an employee id",
    "ids": "a list of employee ids",
    "id_or_ids": "an employee id or a list of them",
    "id_or_top": "an employee id or top",
    "text": "a name",
    "texts": "a list of names",
    "count": "a whole number of at least 1",
    "count_or_ids": "a whole number of at least 1 or a list of employee ids",
    "function": "a function (a code such as sales, or its English or Chinese label) or a list of them",
    "units": "a list of units, each with name: and departments:",
    "types": "a list of decision types, or all",
    "to": "department_head",
}

#: Per action: each allowed key and what it holds. ``action`` itself is allowed everywhere.
STEP_KEYS: dict[str, dict[str, str]] = {
    "move": {"person": "id_or_ids", "team": "id", "manager": "id", "department": "text",
             "new_department": "text"},
    "merge": {"departments": "texts", "into": "text", "head": "id"},
    "split": {"department": "text", "new": "text", "people": "ids", "team": "id", "location": "text",
              "function": "function"},
    "insert_layer": {"under": "id_or_top", "units": "units"},
    "remove_layer": {"manager": "id_or_ids", "layer": "count"},
    "set_function": {"department": "text", "function": "function"},
    "delegate": {"types": "types", "to": "to", "max_layers_above": "count"},
    "headcount": {"department": "text", "add": "count", "remove": "count_or_ids", "manager": "id",
                  "title": "text"},
}

#: Per action: keys that must be given, groups of which exactly one must be given, groups of which at
#: least one, and keys allowed only beside another.
_REQUIRED = {"merge": ("departments", "into"), "split": ("department", "new"),
             "set_function": ("department", "function"), "delegate": ("types",), "headcount": ("department",),
             "insert_layer": ("units",)}
_EXACTLY_ONE = {"move": [("person", "team")], "split": [("people", "team", "location")],
                "remove_layer": [("manager", "layer")], "delegate": [("to", "max_layers_above")],
                "headcount": [("add", "remove")]}
_AT_LEAST_ONE = {"move": [("manager", "department", "new_department")]}
_NOT_TOGETHER = {"move": [("department", "new_department")]}
_ONLY_WITH = {"headcount": {"manager": "add", "title": "add"}}
_UNIT_KEYS = {"name": "text", "departments": "texts", "id": "id", "department": "text", "title": "text"}
_PLAN_KEYS = ("name", "description", "stage", "steps")


@dataclass(frozen=True)
class PlanStep:
    """One step of a plan, its form checked.

    Attributes
    ----------
    number : int
        1-based position in the plan (what every message names).
    action : str
        One of :data:`ACTIONS`.
    params : dict
        The step's keys except ``action``: ids and names as ``str``, lists as tuples, counts as ``int``,
        functions as tuples of function codes, ``units`` as tuples of dicts (``name``, ``departments``,
        optional ``id``, ``department``, ``title``), ``types`` as ``"all"`` or a tuple of types.
    line : int or None
        The line of the plan file where the step starts (``None`` for a plan given as a mapping).
    """

    number: int
    action: str
    params: dict[str, Any]
    line: int | None = None

    def get(self, key: str, default: Any = None) -> Any:
        """``params[key]``, or ``default`` when the step does not give it."""
        return self.params.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        """The step as plan YAML writes it: ``{"action": ..., **params}`` with lists as lists."""
        def plain(value: Any) -> Any:
            if isinstance(value, tuple):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value
        return {"action": self.action, **{k: plain(v) for k, v in self.params.items()}}


@dataclass(frozen=True)
class Plan:
    """A reorganisation plan: an ordered list of steps.

    Attributes
    ----------
    name : str
        The plan's name (default: the file's name without extension, or ``"plan"``).
    description : str
        What the plan is for, in the consultant's words ("" when not given).
    steps : tuple of PlanStep
        In the order they apply.
    source : Path or None
        The file it was read from (``None`` for a plan given as a mapping).
    stage : str or None
        ``stage:`` of the plan: the stage the new organisation is assessed at (``auto`` lets its headcount
        and structure decide); ``None`` keeps the client's setting.
    """

    name: str
    steps: tuple[PlanStep, ...]
    description: str = ""
    source: Path | None = None
    stage: str | None = None

    @property
    def file(self) -> str:
        """The plan's file name as messages show it (``"plan"`` for a plan given as a mapping)."""
        return self.source.name if self.source is not None else "plan"

    def to_dict(self) -> dict[str, Any]:
        """The plan as its YAML file holds it."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        if self.stage is not None:
            out["stage"] = self.stage
        out["steps"] = [s.to_dict() for s in self.steps]
        return out

    def to_yaml(self) -> str:
        """The plan as YAML text that :func:`load_plan` reads back to an equal plan."""
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)

    def error(self, step: PlanStep | int | None, message: str, hint: str = "") -> PlanError:
        """A :class:`PlanError` about ``step`` of this plan (``None``: the plan as a whole)."""
        if isinstance(step, PlanStep):
            return PlanError(message, hint=hint, step=step.number, action=step.action, file=self.file,
                             line=step.line)
        return PlanError(message, hint=hint, step=step, file=self.file)


# --------------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------------
def load_plan(source: str | Path | Mapping[str, Any] | Sequence[Any] | Plan) -> Plan:
    """Read and check a plan: a YAML file, a mapping with ``steps:``, or a list of steps.

    Parameters
    ----------
    source : str, Path, mapping, list or Plan
        A plan file (UTF-8 YAML), the mapping it would hold, a bare list of steps, or a :class:`Plan`
        (returned as it is).

    Returns
    -------
    Plan

    Raises
    ------
    PlanError
        Naming the file and the step (1-based): a file that cannot be read or is not YAML, a key repeated
        in one mapping, an unknown ``action`` or key (with the valid ones), a value of the wrong type, a
        missing key or a combination the step does not allow.

    Examples
    --------
    >>> plan = load_plan({"name": "delayer", "steps": [{"action": "remove_layer", "layer": 3}]})
    >>> plan.steps[0].action, plan.steps[0].params
    ('remove_layer', {'layer': 3})
    >>> load_plan([{"action": "move", "team": "E7"}])
    Traceback (most recent call last):
    ...
    orgkit.errors.PlanError: plan, step 1 (move): give one of manager, department or new_department.
    """
    if isinstance(source, Plan):
        return source
    if isinstance(source, (str, Path)):
        path = Path(source).expanduser()
        data, lines = _read_file(path)
        default_name = path.stem
    else:
        path, data, lines, default_name = None, source, None, "plan"
    file = path.name if path is not None else "plan"

    def fail(message: str, hint: str = "") -> PlanError:
        return PlanError(message, hint=hint, file=file)

    if isinstance(data, Mapping):
        unknown = [k for k in data if k not in _PLAN_KEYS]
        if unknown:
            raise fail(f"unknown key {_show(unknown[0])}{_close(unknown[0], _PLAN_KEYS)}.",
                       f"A plan has the keys {', '.join(_PLAN_KEYS)}.")
        raw_steps = data.get("steps")
        name, description, stage = data.get("name", default_name), data.get("description", ""), data.get("stage")
    elif isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        raw_steps, name, description, stage = data, default_name, "", None
    else:
        raise fail(f"a plan is a mapping with steps: (or a list of steps). Got {_type(data)} instead.",
                   "Example:\nname: Delayer\nsteps:\n  - action: remove_layer\n    layer: 3")
    if raw_steps is None:
        raise fail("the plan has no steps:.", "Add steps:, a list of steps each with action:.")
    if not isinstance(raw_steps, Sequence) or isinstance(raw_steps, (str, bytes)):
        raise fail(f"steps must be a list of steps. Got {_type(raw_steps)} instead.")
    if not raw_steps:
        raise fail("steps is empty: a plan needs at least one step.")
    if len(raw_steps) > MAX_STEPS:
        raise fail(f"the plan has {len(raw_steps):,} steps; a plan has at most {MAX_STEPS}.",
                   "Split it into several plans.")
    if not isinstance(name, (str, int, float)) or isinstance(name, bool) or not str(name).strip():
        raise fail(f"name must be text. Got {_type(name)} instead.")
    if not isinstance(description, str):
        raise fail(f"description must be text. Got {_type(description)} instead.")
    if stage is not None:
        stage = str(stage).strip().lower()
        if stage not in STAGES:
            raise fail(f"stage must be one of {', '.join(STAGES)}. Got {data.get('stage')!r} instead.",
                       "Leave it out to keep the client's stage setting.")
    steps = tuple(_step(i + 1, raw, file, None if lines is None else lines[i]) for i, raw in enumerate(raw_steps))
    return Plan(name=str(name).strip(), steps=steps, description=description.strip(), source=path, stage=stage)


def example_plans() -> list[Path]:
    """The example plans shipped for the bundled sample client (``orgkit/resources/plans/*.yml``), by name.

    Examples
    --------
    >>> [p.name for p in example_plans()]
    ['commercial.yml', 'customer-operations.yml']
    """
    from orgkit.report.resources import plans_dir

    return sorted(plans_dir().glob("*.yml"))


def _read_file(path: Path) -> tuple[Any, list[int | None] | None]:
    """A plan file's YAML data and the line each step starts on."""
    file = path.name

    def fail(message: str, hint: str = "") -> PlanError:
        return PlanError(message, hint=hint, file=str(path) if not path.is_file() else file)

    if not path.is_file():
        raise fail("there is no such plan file." if not path.exists() else "is not a file.",
                   "Give the path of a plan (.yml); docs/plans.md describes them.")
    if path.stat().st_size > MAX_PLAN_BYTES:
        raise fail(f"is {path.stat().st_size:,} bytes; a plan is at most {MAX_PLAN_BYTES:,}.")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"is not UTF-8 text (byte {exc.start} cannot be decoded).", "Save it as UTF-8.") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror}).") from None
    try:
        data = bounded_yaml_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # aliases are bounded above; compose expands nothing
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise fail(f"is not valid YAML ({problem}{where}).", "Check its indentation and quoting.") from None
    except (ValueError, RecursionError):
        raise fail("is not valid YAML (a value cannot be converted).") from None
    if root is not None:
        _refuse_repeated_keys(root, file)
    steps_node = None
    if isinstance(root, yaml.MappingNode):
        steps_node = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "steps"), None)
    elif isinstance(root, yaml.SequenceNode):
        steps_node = root
    lines = ([n.start_mark.line + 1 for n in steps_node.value] if isinstance(steps_node, yaml.SequenceNode)
             else None)
    return data, lines


def _refuse_repeated_keys(root: yaml.Node, file: str) -> None:
    """A key given twice in one mapping is refused (YAML would silently keep the last)."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in keys:
                        raise PlanError(f"{k.value!r} is given twice in one mapping (lines {keys[k.value]} and "
                                        f"{k.start_mark.line + 1}).", hint="Keep one of them.", file=file)
                    keys[k.value] = k.start_mark.line + 1
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


# --------------------------------------------------------------------------------------------------
# one step
# --------------------------------------------------------------------------------------------------
def _step(number: int, raw: Any, file: str, line: int | None) -> PlanStep:
    def fail(message: str, hint: str = "", action: str | None = None) -> PlanError:
        return PlanError(message, hint=hint, step=number, action=action, file=file, line=line)

    if not isinstance(raw, Mapping):
        raise fail(f"a step is a mapping with action: and its keys. Got {_type(raw)} instead.",
                   "Example:\n  - action: move\n    team: E0012\n    manager: E0003")
    action = raw.get("action")
    if action is None:
        raise fail("the step has no action:.", f"Use one of: {', '.join(ACTIONS)}.")
    if not isinstance(action, str) or action.strip().lower() not in ACTIONS:
        raise fail(f"unknown action {_show(action)}{_close(action, ACTIONS)}.", f"Use one of: {', '.join(ACTIONS)}.")
    action = action.strip().lower()
    allowed = STEP_KEYS[action]
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "action":
            continue
        if key not in allowed:
            raise fail(f"unknown key {_show(key)}{_close(key, allowed)}.",
                       f"A {action} step has the keys {', '.join(allowed)}.", action)
        if value is None:
            raise fail(f"{key} is empty.", f"{key} must be {_KINDS[allowed[key]]}.", action)
        try:
            params[str(key)] = _value(value, allowed[key], str(key))
        except ValueError as exc:
            raise fail(str(exc), "", action) from None
    for key in _REQUIRED.get(action, ()):
        if key not in params:
            raise fail(f"{key} is missing.", f"A {action} step needs {_phrase(_REQUIRED[action], 'and')}.", action)
    for group in _EXACTLY_ONE.get(action, ()):
        given = [k for k in group if k in params]
        if len(given) != 1:
            what = "give only one of" if given else "give one of"
            raise fail(f"{what} {_phrase(group, 'or')}.", "", action)
    for group in _AT_LEAST_ONE.get(action, ()):
        if not any(k in params for k in group):
            raise fail(f"give one of {_phrase(group, 'or')}.", "", action)
    for a, b in _NOT_TOGETHER.get(action, ()):
        if a in params and b in params:
            raise fail(f"give {a} (an existing department) or {b} (a new one), not both.", "", action)
    for key, needs in _ONLY_WITH.get(action, {}).items():
        if key in params and needs not in params:
            raise fail(f"{key} goes with {needs}: only new positions are placed under a manager.", "", action)
    if action == "merge" and params["departments"] == (params["into"],):
        raise fail(f"merges the department {params['into']!r} into itself.",
                   "List at least two departments, or give into: a new name to rename one.", action)
    if action == "merge" and len(set(params["departments"])) < len(params["departments"]):
        raise fail("lists a department twice in departments: (a merge of a department into itself).", "", action)
    if action == "insert_layer":
        listed = [d for u in params["units"] for d in u["departments"]]
        twice = sorted({d for d in listed if listed.count(d) > 1})
        if twice:
            raise fail(f"lists {twice[0]!r} in more than one unit.", "Give each department to one unit.", action)
    return PlanStep(number=number, action=action, params=params, line=line)


def _value(value: Any, kind: str, key: str) -> Any:
    """``value`` checked and normalised for ``kind`` (see :data:`_KINDS`); ``ValueError`` says what is wrong."""
    def wrong() -> ValueError:
        return ValueError(f"{key} must be {_KINDS[kind]}. Got {_type(value)} instead.")

    if kind == "id":
        return _id(value, key)
    if kind == "ids":
        if not _is_list(value) or not value:
            raise wrong()
        ids = tuple(_id(v, key) for v in value)
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"{key} lists {twice[0]!r} twice.")
        return ids
    if kind == "id_or_ids":
        return _value(value, "ids", key) if _is_list(value) else (_id(value, key),)
    if kind == "id_or_top":
        if isinstance(value, str) and value.strip().lower() == "top":
            return "top"
        return _id(value, key)
    if kind == "text":
        if isinstance(value, bool) or not isinstance(value, (str, numbers.Integral)) or not str(value).strip():
            raise wrong()
        return str(value).strip()
    if kind == "texts":
        if not _is_list(value) or not value:
            raise wrong()
        return tuple(_value(v, "text", key) for v in value)
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
            raise wrong()
        return int(value)
    if kind == "count_or_ids":
        return _value(value, "ids", key) if _is_list(value) else _value(value, "count", key)
    if kind == "function":
        try:
            return function_codes_of(value, key=key)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
    if kind == "types":
        if isinstance(value, str) and value.strip().lower() == "all":
            return "all"
        if isinstance(value, str) and value.strip():
            return (value.strip(),)
        if not _is_list(value) or not value:
            raise wrong()
        return tuple(dict.fromkeys(_value(v, "text", key) for v in value))
    if kind == "to":
        if not isinstance(value, str) or value.strip().lower() != "department_head":
            raise ValueError(f"to must be department_head. Got {_show(value)} instead.")
        return "department_head"
    if kind == "units":
        if not _is_list(value) or not value:
            raise wrong()
        units = []
        for i, unit in enumerate(value, start=1):
            if not isinstance(unit, Mapping):
                raise ValueError(f"units[{i}] must be a mapping with name: and departments:. Got {_type(unit)} "
                                 "instead.")
            for k in unit:
                if k not in _UNIT_KEYS:
                    raise ValueError(f"units[{i}] has an unknown key {_show(k)}{_close(k, _UNIT_KEYS)}; a unit has "
                                     f"the keys {', '.join(_UNIT_KEYS)}.")
            for k in ("name", "departments"):
                if unit.get(k) is None:
                    raise ValueError(f"units[{i}] has no {k}:.")
            units.append({k: _value(v, _UNIT_KEYS[k], f"units[{i}].{k}") for k, v in unit.items()})
        names = [u["name"] for u in units]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"two units are named {twice[0]!r}.")
        return tuple(units)
    raise AssertionError(kind)  # pragma: no cover - every kind is handled above


def _id(value: Any, key: str) -> str:
    """An employee id as people holds it: text; a whole number written without quotes (``12``) as ``"12"``."""
    if isinstance(value, bool) or not isinstance(value, (str, numbers.Integral)):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        raise ValueError(f"{key} must be an employee id. Got {_type(value)} instead.")
    text = str(value).strip()
    if not text:
        raise ValueError(f"{key} is empty.")
    if re.search(r"[\s,;，；、]", text):
        raise ValueError(f"{key}: {text!r} is not an employee id (an id has no spaces, commas or semicolons).")
    return text


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _type(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if _is_list(value):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if value is None:
        return "nothing"
    return repr(value)


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _type(value)


def _close(value: Any, options: Sequence[str] | Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(str(value), list(options), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _phrase(names: Sequence[str], word: str) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"

