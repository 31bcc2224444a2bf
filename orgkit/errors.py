"""The orgkit exception family: every error a user can cause is an :class:`OrgkitError`.

A message names the file, the row or column, what is wrong and what to do. The CLI prints
``str(error)`` without a traceback and exits with :attr:`OrgkitError.exit_code`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "OrgkitError",
    "Problem",
    "ValidationError",
    "ConfigError",
    "GroupTooSmallError",
    "ReportError",
    "NotebookCellError",
    "DependencyMissingError",
    "ManifestError",
    "PlanError",
    "MissingTextError",
    "OutputError",
    "ExportFormatError",
]


class OrgkitError(Exception):
    """Base class of every error orgkit raises on purpose.

    Attributes
    ----------
    exit_code : int
        The status the command line exits with (2: the input is wrong; 1: a run failed).
    """

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as it can be.

    Parameters
    ----------
    file : str
        The file name as the user sees it (``people.csv``), or ``""`` for the folder itself.
    message : str
        What is wrong, in one sentence.
    hint : str
        What to do about it.
    row : int or None
        The row as a spreadsheet shows it: the header is row 1, the first data row is row 2.
    column : str or None
        The column as it is spelled in the file (or the canonical name when it is missing).
    """

    file: str
    message: str
    hint: str = ""
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file or "client folder"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" {self.hint}"
        return text


class ValidationError(OrgkitError):
    """A client folder that cannot be assessed; :attr:`problems` lists every reason found.

    Parameters
    ----------
    folder : str or Path
        The client folder.
    problems : list of Problem
        Every problem found (loading goes on past the first one where it can).
    outcome : str
        What did not happen because of them (an import that would give such a folder writes nothing).
    """

    def __init__(self, folder: str | Path, problems: list[Problem], outcome: str = "nothing was assessed"):
        self.folder = Path(folder)
        self.problems = list(problems)
        self.outcome = outcome
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{self.folder}: {n} problem{'s' if n != 1 else ''} found; {self.outcome}."
        return "\n".join([head] + [f"  - {p}" for p in self.problems])


class ConfigError(OrgkitError):
    """A setting (``client.yml``, a CLI option, a function argument) that is not allowed."""


class GroupTooSmallError(ConfigError):
    """A group (a department) asked for by name that has fewer people than the minimum group size.

    Its numbers are never shown; the message says so and what can be shown instead.

    Parameters
    ----------
    message : str
        What was asked and why it is refused.
    group : str or None
        The group asked for (``None`` when no group is large enough).
    min_group_size : int
        The minimum group size that was applied.
    """

    def __init__(self, message: str, *, group: str | None, min_group_size: int):
        self.group = group
        self.min_group_size = int(min_group_size)
        super().__init__(message)


class ManifestError(ConfigError):
    """A batch manifest that cannot be read or names clients that do not exist."""


class PlanError(ConfigError):
    """A reorganisation plan that cannot be applied: nothing was changed or written.

    Parameters
    ----------
    message : str
        What is wrong with the plan or the step, in one sentence.
    hint : str
        What to do about it.
    step : int or None
        The step (1-based) that is refused; ``None`` when the plan as a whole is (a file that cannot be
        read, a key of the plan itself).
    action : str or None
        The step's action (``move``, ``merge``, ...), when known.
    file : str
        The plan file's name (``"plan"`` for a plan given in Python).
    line : int or None
        The line of the plan file where the step starts.
    """

    def __init__(self, message: str, *, hint: str = "", step: int | None = None, action: str | None = None,
                 file: str = "plan", line: int | None = None):
        self.reason = message
        self.hint = hint
        self.step = step
        self.action = action
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.step is not None:
            where += f", step {self.step}"
            details = [d for d in (self.action, f"line {self.line}" if self.line else None) if d]
            if details:
                where += f" ({', '.join(details)})"
        text = f"{where}: {self.reason}"
        if self.hint:
            text += f" {self.hint}"
        return text


class OutputError(OrgkitError):
    """A place orgkit cannot or may not write to: an output inside a client folder, a folder orgkit did not
    write, a read-only folder, a full disk. Nothing of the user's was changed."""


class ExportFormatError(OrgkitError):
    """A file given to ``orgkit import`` that is not the export named (wrong headers, a sheet missing, an
    HTML error page saved as ``.xlsx``, a truncated JSON). Nothing was written.

    Parameters
    ----------
    file : str
        The file name as the user gave it.
    expected : str
        What the format needs.
    found : str
        What the file holds instead (never its content beyond headers, keys and sheet names).
    hint : str
        What to do.
    """

    def __init__(self, file: str, expected: str, found: str, hint: str = ""):
        self.file, self.expected, self.found, self.hint = file, expected, found, hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.file}: expected {self.expected}; found {self.found}. Nothing was written."
        return f"{text} {self.hint}" if self.hint else text


class DependencyMissingError(OrgkitError):
    """A program orgkit needs for this step (Chromium for PDF, a Jupyter kernel) is not installed."""

    exit_code = 1


class ReportError(OrgkitError):
    """A report run that failed after its inputs were accepted."""

    exit_code = 1


class NotebookCellError(ReportError):
    """A notebook cell raised while the report was executed.

    Parameters
    ----------
    cell_index : int
        Zero-based index of the failing cell in the notebook.
    ename, evalue : str
        The exception's class name and message, as the kernel reported them.
    notebook_path : Path or None
        Where the executed notebook (with the failing cell) was kept.
    source : str
        The source of the failing cell.
    """

    def __init__(
        self,
        cell_index: int,
        ename: str,
        evalue: str,
        notebook_path: Path | None = None,
        source: str = "",
    ):
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.notebook_path = notebook_path
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"Notebook cell {self.cell_index} failed: {self.ename}: {self.evalue}"
        if self.source:
            first = self.source.strip().splitlines()[0] if self.source.strip() else ""
            text += f"\n  cell starts with: {first}"
        if self.notebook_path is not None:
            text += f"\n  The executed notebook is kept at {self.notebook_path}; open it to see the failing cell."
        return text


class MissingTextError(OrgkitError, KeyError):
    """A text the report needs is missing from the catalogue of its language (a fault of orgkit itself).

    Raised by :func:`orgkit.i18n.t` instead of showing the key to a reader.
    """

    exit_code = 1

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
