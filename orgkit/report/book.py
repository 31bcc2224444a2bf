"""The kernel side of the report: :class:`ReportBook`, what the assessment notebook calls, one method per cell.

The notebook opens a book with :func:`orgkit.report.run.open_report`; each method returns one HTML block of
the report (:mod:`orgkit.report.blocks`). A parallel book draws its later figures in a forked child process
(:func:`_draw_in_child`) while the notebook runs its earlier cells.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import sys
import tempfile
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from orgkit.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from orgkit.data.client import Client
    from orgkit.report.blocks import HTML

__all__ = ["ReportBook"]

logger = logging.getLogger(__name__)


def _parallel_block(method: Any) -> Any:
    """A :class:`ReportBook` method whose block a parallel book takes from its child process."""

    @functools.wraps(method)
    def block(self: "ReportBook") -> "HTML":
        done = self._from_child(method.__name__)
        return done if done is not None else method(self)

    return block


def _draw_in_child(book: "ReportBook", pipe: Any, folder: str) -> None:
    """The child process of a parallel book: draw :attr:`ReportBook.PARALLEL_BLOCKS` one by one.

    Each block's markup goes to ``folder/<name>.html`` and only a short note through the pipe, so the
    child never waits for the parent to read (a pipe holds 64 KB, one block with its figure ~100 KB).
    """
    book._child, book._pipe, book._pending = None, None, set()
    try:
        for name in book.PARALLEL_BLOCKS:
            try:
                block = getattr(book, name)()
                Path(folder, f"{name}.html").write_text(block.markup, encoding="utf-8")
                pipe.send((name, block.kind, None))
            except Exception as err:  # noqa: BLE001 - the parent draws this block itself
                pipe.send((name, None, f"{type(err).__name__}: {err}"))
    finally:
        pipe.close()


class ReportBook:
    """One client's report, as blocks the notebook displays one per cell.

    Every method returns an :class:`orgkit.report.blocks.HTML` block (empty when the area has no data; the
    section head says so once) or ``None``. Figures are also written to ``output_dir/figures/``.

    Parameters
    ----------
    client : Client
        A loaded client.
    output_dir : path, optional
        The report folder (``None``: write nothing).
    parallel : bool
        Draw the blocks of :data:`PARALLEL_BLOCKS` (the figures the notebook reaches last) in a child
        process forked once the assessment is done, while this process draws the first ones; each of
        those methods then returns the child's block. The blocks are the same either way. Only on
        Linux (fork) with at least two usable CPUs; anywhere else, and whenever the child fails or
        is silent for :data:`PARALLEL_TIMEOUT` seconds, this process draws the block itself.

    Notes
    -----
    Matplotlib draws in one thread, and a report's ten figures take about a third of its time. On two
    cores the child halves the figures' share of the run (1,000 people: ~0.5 s of a ~3.1 s report).
    The child starts from a copy of this process, so it needs no data passed; it writes each block to
    a private temporary folder (and its figures to ``figures/``) and says so through a pipe. A parallel
    book also analyses communication in a child process (``assess(client, parallel=True)``).
    """

    #: The methods a parallel book leaves to its child process, in the order the notebook calls them.
    PARALLEL_BLOCKS = ("path_distribution", "latency_by_type", "survey_dimensions", "survey_items")
    #: Seconds to wait for one block from the child before drawing it here instead.
    PARALLEL_TIMEOUT = 30.0

    def __init__(self, client: "Client", output_dir: str | os.PathLike[str] | None = None, *,
                 parallel: bool = False):
        import datetime as dt

        from orgkit.assessment import assess
        from orgkit.findings import derive_findings, recommend
        from orgkit.plots import register_cjk_fonts

        self.client = client
        self.output_dir = Path(output_dir) if output_dir else None
        self.language = client.settings.language
        self.min_group_size = int(client.settings.min_group_size)
        self.show_names = bool(client.settings.show_names)
        self.date = dt.date.today().isoformat()
        register_cjk_fonts()
        self.assessment = assess(client, parallel=parallel)
        self.findings = derive_findings(self.assessment)
        self.recommendations = recommend(self.findings, self.assessment)
        from orgkit.privacy import top_of_organisation

        sizes = client.department_sizes()
        self.visible = set(sizes[sizes >= self.min_group_size].index.astype(str))
        #: The top of the organisation shown as a role when its department is too small to show
        #: (:func:`orgkit.privacy.top_of_organisation`), else ``None``.
        self.top = top_of_organisation(client.people, self.min_group_size, self.language)
        self._layout: Any = None
        self._child: Any = None  # the process drawing PARALLEL_BLOCKS, and the pipe it answers on
        self._pipe: Any = None
        self._pending: set[str] = set()
        self._ready: dict[str, "HTML"] = {}
        self._folder: str | None = None
        if parallel:
            self._start_child()

    # ---------------------------------------------------------------- the parallel child
    def _start_child(self) -> None:
        import multiprocessing as mp

        from orgkit.areas.betweenness import fork_available

        if not fork_available():
            return
        ctx = mp.get_context("fork")
        folder = tempfile.mkdtemp(prefix="orgkit-blocks-")
        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_draw_in_child, args=(self, send, folder), name="orgkit-figures", daemon=True)
        try:
            child.start()
        except OSError as err:  # pragma: no cover - out of processes or memory
            logger.info("drawing every figure in this process: cannot fork (%s)", err)
            receive.close()
            shutil.rmtree(folder, ignore_errors=True)
            return
        finally:
            send.close()
        self._child, self._pipe, self._pending = child, receive, set(self.PARALLEL_BLOCKS)
        self._folder = folder
        weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)  # when the notebook stops early

    def _stop_child(self) -> None:
        if self._pipe is not None:
            self._pipe.close()
        if self._child is not None:
            self._child.join(timeout=1.0)
            if self._child.is_alive():  # pragma: no cover - a child that hangs
                self._child.kill()
                self._child.join(timeout=1.0)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._child, self._pipe, self._pending, self._folder = None, None, set(), None

    def _from_child(self, name: str) -> "HTML | None":
        """The child's block for ``name``, waiting for it; ``None`` when this process must draw it."""
        from orgkit.report.blocks import HTML

        if name in self._ready:
            return self._ready.pop(name)
        if self._pipe is None or name not in self._pending:
            return None
        deadline = time.monotonic() + self.PARALLEL_TIMEOUT
        while True:
            try:
                if not self._pipe.poll(max(0.0, deadline - time.monotonic())):
                    raise TimeoutError(f"no answer in {self.PARALLEL_TIMEOUT:g} s")
                got, kind, error = self._pipe.recv()
                markup = None if error else Path(self._folder, f"{got}.html").read_text(encoding="utf-8")
            except (EOFError, OSError, TimeoutError) as err:
                logger.warning("the figure process stopped (%s); drawing the remaining figures here", err)
                self._stop_child()
                return None
            self._pending.discard(got)
            if markup is None:
                logger.info("the figure process could not draw %s (%s); drawing it here", got, error)
            else:
                self._ready[got] = HTML(markup, kind)
            if not self._pending:
                self._stop_child()
            if got == name:
                return self._ready.pop(name, None)

    # ---------------------------------------------------------------- helpers
    def _t(self, key: str, **values: Any) -> str:
        """The catalogue's text ``key`` in the report's language (:func:`orgkit.i18n.t`)."""
        from orgkit.i18n import t

        return t(key, self.language, **values)

    def _stage_word(self, stage: str) -> str:
        """The stage in words for this organisation: a company's stage, or its size for a public body
        (:func:`orgkit.industries.stage_label`)."""
        from orgkit.industries import stage_label

        return stage_label(stage, self.assessment.structure.metrics.get("industry") or "general", self.language)

    def _tn(self, key: str, count: int, /, **values: Any) -> str:
        """The catalogue's text ``key`` for ``count`` in the report's language (:func:`orgkit.i18n.tn`)."""
        from orgkit.i18n import tn

        return tn(key, count, self.language, **values)

    def _figure(self, fig: Any, name: str, caption: str) -> "HTML":
        from orgkit.report.blocks import figure
        from orgkit.report.deck import keep_figure

        keep_figure(self, name, fig, caption)  # an area's headline figure, for the slide deck (:meth:`deck`)
        return figure(fig, name, caption=caption, alt=caption, output_dir=self.output_dir)

    def _dept(self, values: pd.Series, ids: pd.Series | None = None) -> pd.Series:
        """Department names with small departments replaced by the "other" label; a department that holds
        only the top of the organisation reads as its role, and so does the department of the top person's
        own row when ``ids`` (the rows' employee ids, same index) are given."""
        from orgkit.areas.communication import OTHER_GROUP

        other = self._t("group.other")
        s = values.astype("str")
        out = s.where(s.isin(self.visible) | (s == OTHER_GROUP), other).replace(OTHER_GROUP, other)
        if self.top is not None and self.top.alone:
            out = out.mask(s == self.top.department, self.top.label)
        if self.top is not None and ids is not None:
            out = out.mask((ids.astype("str") == self.top.employee_id) & ~s.isin(self.visible), self.top.label)
        return out

    def _dept_list(self, joined: pd.Series, sep: str = "; ") -> pd.Series:
        """``"A; B; C"`` lists of departments (shown ``A; B; C`` or ``A、B、C``), small ones counted, not named."""
        cell_sep = self._t("list.cell_separator")

        role = self.top.department if self.top is not None and self.top.alone else None

        def one(text: Any) -> str:
            names = [d for d in str(text or "").split(sep) if d]
            shown = [d if d != role else self.top.label for d in names if d in self.visible or d == role]
            hidden = len(names) - len(shown)
            if hidden:
                shown.append(self._tn("group.small_groups", hidden))
            return cell_sep.join(shown)

        return joined.map(one)

    def _person(self, ids: pd.Series) -> pd.Series:
        """How people appear: id (and role), name only with ``show_names``; no role for small departments."""
        from orgkit.privacy import person_label

        people = self.client.people.set_index("employee_id")
        names = people["name"] if "name" in people.columns else None
        titles = people["title"] if "title" in people.columns else None
        # a title can name a small department ("Senior Legal Counsel"): people of small departments by id only
        small = ~people["department"].astype("str").isin(self.visible)
        top = self.top.employee_id if self.top is not None else None
        out = []
        for i in ids.astype("str"):
            name = names.get(i) if names is not None else None
            title = titles.get(i) if titles is not None and not small.get(i, False) else None
            if i == top:  # the top of the organisation is a role (its title, else "Chief executive")
                title = self.top.label
            out.append(person_label(i, name=None if pd.isna(name) else name,
                                    title=None if pd.isna(title) else title, show_names=self.show_names,
                                    language=self.language))
        return pd.Series(out, index=ids.index, dtype="str")

    def _hidden_note(self, hidden: Any, respondents: Any = None) -> str:
        """The note saying what a table or figure hid, by kind, with counts (:func:`orgkit.privacy.hidden_note`);
        a department that holds only the top of the organisation is a role, not a hidden group."""
        from orgkit.privacy import hidden_note

        names = [str(h) for h in hidden]
        if self.top is not None and self.top.alone:
            names = [h for h in names if h != self.top.department]
        return hidden_note(names, self.client.department_sizes(), self.min_group_size, self.language, respondents)

    def _structure_hidden(self) -> list[str]:
        """The departments the structure tables hide (small ones, and those hidden with them)."""
        d = self.assessment.structure.departments
        if d is None or d.empty or "suppressed" not in d.columns:
            return sorted(set(self.client.department_sizes().index.astype(str)) - self.visible)
        return d.loc[d["suppressed"].fillna(False).astype(bool), "department"].astype(str).tolist()

    def _suppressed(self, frame: pd.DataFrame) -> list[str]:
        """The departments a per-department table hides: its rows flagged ``suppressed``, and the departments
        too small to have a row at all."""
        shown = set()
        hidden: set[str] = set()
        if frame is not None and not frame.empty and "department" in frame.columns:
            names = frame["department"].astype("str")
            flag = (frame["suppressed"].fillna(False).astype(bool) if "suppressed" in frame.columns
                    else ~names.isin(self.visible))
            hidden = set(names[flag])
            shown = set(names[~flag])
        small = set(self.client.department_sizes().index.astype(str)) - self.visible - shown
        return sorted(hidden | small)

    def _top_rule(self) -> str:
        """The sentence that says the top of the organisation is shown as a role (and why)."""
        key = "privacy.top_role.rule" if self.top.alone else "privacy.top_role.rule_shared"
        return self._t(key, role=self.top.label)

    def _join(self, sentences: list[str]) -> str:
        """Sentences one after the other in the report's language (empty ones left out)."""
        from orgkit.i18n import join_sentences

        return join_sentences([x for x in sentences if x], self.language)

    def _empty(self) -> "HTML":
        from orgkit.report.blocks import HTML

        return HTML("", "empty")

    def _available(self, area: str) -> bool:
        return bool(getattr(self.assessment, area).metrics.get("available", True))

    # ---------------------------------------------------------------- front matter
    def cover(self) -> "HTML":
        """Client, date, headcount, departments and stage."""
        from orgkit.report.blocks import cover

        m = self.assessment.structure.metrics
        return cover(
            self.client.name,
            date=self.date,
            headcount=self.client.n_people,
            departments=int(self.client.people["department"].nunique()),
            stage=self._stage_text(),
            stage_auto=False,
            min_group_size=self.min_group_size,
            show_names=self.show_names,
            language=self.language,
        )

    def _stage_text(self) -> str:
        """The cover's stage: the stage, how it was judged, and the industry profile (inferred or set)."""
        m = self.assessment.structure.metrics
        stage = m.get("stage") or self.client.settings.stage
        text = self._stage_word(stage)
        source = m.get("stage_source")
        if source == "headcount":
            text = self._t("cover.stage_auto", stage=text)
        elif source == "structure":
            text = self._t("cover.stage_structure", stage=text)
        industry = m.get("industry")
        if not industry:
            return text
        label = _industry_label(industry, self.language)
        if m.get("industry_source") == "evidence":
            label = self._t("cover.industry_inferred", industry=label)
        return self._t("cover.stage_industry", stage=text, industry=label)

    @functools.cached_property
    def messages(self) -> list[Any]:
        """The key messages (:func:`orgkit.storyline.key_messages`): at most three, largest impact first."""
        from orgkit.storyline import key_messages

        return key_messages(self.recommendations, self.assessment)

    def key_messages(self) -> "HTML":
        """The opening of the executive summary: at most three key messages, each naming whom it concerns,
        its evidence, the action with its owner and effort, and the measure that will show progress."""
        from orgkit.report.blocks import key_messages

        return key_messages(self.messages, language=self.language)

    def summary(self) -> "HTML":
        """The executive summary's scorecard: the overall line, and a card per area with its score, status and
        top findings.

        A card's colour follows :func:`orgkit.findings.card_status`; an area without its data is grey, says
        "not assessed" and why, and has no number (decision paths without records show the distance to the
        top as context, never as a score). After the key messages it is titled "Scores by area", and its
        cards list the findings the key messages have not told yet, with a pointer to the messages that
        concern the area: no sentence is said twice in the summary.
        """
        from orgkit.report.blocks import scorecard
        from orgkit.findings import area_statuses, overall_text, summary_cards

        told = [f for m in self.messages for f in m.findings]
        cards = summary_cards(self.assessment, self.findings, self.language, exclude=told)
        for c in cards:
            if not c["assessed"]:
                continue
            ranks = [m.rank for m in self.messages
                     if m.recommendation.area == c["area"] or any(f.area == c["area"] for f in m.findings)]
            if ranks:
                from orgkit.i18n import format_list

                c["findings"] = [self._tn("storyline.see_messages", len(ranks),
                                          numbers=format_list(ranks, self.language)), *c["findings"]]
        statuses = area_statuses(self.assessment, self.findings)
        title = self._t("storyline.scores_title") if self.messages else None
        return scorecard(cards, language=self.language, title=title, overall=self.assessment.scores.get("overall"),
                         thresholds=self.assessment.thresholds,
                         overall_line=overall_text(self.assessment, self.language),
                         overall_status=statuses["overall"])

    def section(self, area: str) -> "HTML":
        """The head of an area's section: title, score and card status, what it covers; why it is not assessed."""
        from orgkit.report.blocks import HTML, empty_note, section_head
        from orgkit.findings import area_statuses, decisions_context, status_label, summary_cards

        score = self.assessment.scores.get(area)
        status = area_statuses(self.assessment, self.findings)[area]
        label = (self._t("summary.score_label", score=round(score), status=status_label(status, self.language))
                 if score is not None else status_label("grey", self.language))
        head = section_head(area, self._t(f"area.{area}"), self._t(f"area.{area}.intro"),
                            status=status, status_label=label)
        if score is not None:
            return head
        card = next(c for c in summary_cards(self.assessment, self.findings, self.language, n=0) if c["area"] == area)
        notes = [card["note"]]
        context = decisions_context(self.assessment, self.language) if area == "decisions" else None
        if context:
            notes.append(context)
        return HTML(head.markup + "".join(empty_note(n).markup for n in notes if n), "section")

    def findings_for(self, area: str) -> "HTML":
        """Every finding of ``area``, worst first."""
        from orgkit.report.blocks import findings_list

        mine = [f for f in self.findings if f.area == area]
        return findings_list(mine, language=self.language, title=self._t("section.findings"))

    # ---------------------------------------------------------------- structure
    def org_chart(self) -> "HTML":
        """The org chart: the top layers as boxes of managers (department, span, team), the rest counted in them."""
        from orgkit.report.blocks import HTML, empty_note, interpretation, subheading
        from orgkit.plots.structure import plot_org_chart

        head = subheading(self._t("heading.org_chart"), "org-chart")
        if not self.client.has_hierarchy:
            return HTML(head.markup + empty_note(self._t("structure.no_hierarchy")).markup, "block")
        hidden = self._structure_hidden()
        fig = plot_org_chart(self.client.people, min_group_size=self.min_group_size, show_names=self.show_names,
                             language=self.language, hidden=hidden, top=self.top)
        m = self.assessment.structure.metrics
        text = self._t("interpret.org_chart", people=self._tn("count.people", self.client.n_people),
                       departments=self._tn("count.departments", int(m.get("departments_count") or 0)),
                       layers=self._tn("count.layers", int(m.get("layers") or 0)),
                       managers=self._tn("count.managers_of_them", int(m.get("managers") or 0)))
        notes = [self._hidden_note(hidden)]
        if notes[0]:
            notes.append(self._t("privacy.chart.hidden", other=self._t("group.other")))
        if self.top is not None:
            notes.append(self._top_rule())
        return (head + self._figure(fig, "org_chart", self._t("caption.org_chart"))
                + interpretation(text, self._join(notes)))

    def org_explorer(self) -> "HTML":
        """The org chart to explore in report.html: collapsible, searchable, zoomable (hidden in print).

        It opens on the top two layers; a click on a manager shows or hides their team, a search for an id,
        a job title or a department opens the way to a person. Each person shows their department, span,
        team and layer (:func:`orgkit.report.interactive.org_tree`). It hides what the structure tables hide:
        people of a hidden department are pooled, never named nor listed, and the top of the organisation
        reads as its role, without id, when its department is hidden (too small, or hidden so that a small one
        cannot be worked out from the totals). Names only with ``show_names``.
        """
        from orgkit.plots.style import department_colors
        from orgkit.report.blocks import interpretation, org_explorer, subheading
        from orgkit.report.interactive import explorer_json, org_tree

        if not self.client.has_hierarchy or self.client.n_people == 0:
            return self._empty()
        from orgkit.privacy import top_of_organisation

        shown = self.visible - set(self._structure_hidden())
        top = self.top
        if top is None:  # a top hidden with its department to protect a small one is one known position too
            single = top_of_organisation(self.client.people, self.client.n_people + 1, self.language)
            top = single if single is not None and single.department not in shown else None
        tree = org_tree(self.client.people, shown, min_group_size=self.min_group_size, top=top,
                        show_names=self.show_names, hierarchy=self.client.hierarchy)
        sizes = self.client.department_sizes()  # the figures' colours: every department of at least k people
        data = explorer_json(tree, language=self.language, min_group_size=self.min_group_size,
                             colors=department_colors(sizes[sizes >= self.min_group_size]))
        head = subheading(self._t("heading.org_explorer"), "org-explorer", screen_only=True)
        return org_explorer(data, head=head,
                            note=interpretation(self._t("interpret.org_explorer", k=self.min_group_size)),
                            language=self.language)

    def spans(self) -> "HTML":
        """Span-of-control distribution in bands, with the widest spans."""
        from orgkit.report.blocks import interpretation, subheading
        from orgkit.plots.structure import plot_span_distribution

        s = self.assessment.structure
        if not self.client.has_hierarchy or not s.metrics.get("managers"):
            return self._empty()
        th = self.assessment.thresholds
        lo, hi = th["structure.span.healthy_min"], th["structure.span.healthy_max"]
        fig = plot_span_distribution(s.span_distribution, healthy=(lo, hi), span_mean=s.metrics.get("span_mean"),
                                     span_median=s.metrics.get("span_median"), language=self.language)
        out = subheading(self._t("heading.spans"), "spans") + self._figure(
            fig, "span_distribution", self._t("caption.spans", lo=lo, hi=hi))
        spans = [f for f in self.findings if f.key in ("spans", "single_report")]
        if spans:
            out = out + interpretation(*[f.text(self.language) for f in spans])
        return out

    def layers(self) -> "HTML":
        """Headcount per layer against the minimum number of layers for this size."""
        from orgkit.report.blocks import interpretation, subheading
        from orgkit.plots.structure import plot_layers

        s = self.assessment.structure
        if not self.client.has_hierarchy or s.layers.empty:
            return self._empty()
        fig = plot_layers(s.layers, min_layers=s.metrics.get("min_layers"), language=self.language)
        out = subheading(self._t("heading.layers"), "layers") + self._figure(fig, "layers", self._t("caption.layers"))
        lay = [f for f in self.findings if f.key in ("layers_excess", "layers_ok")]
        if lay:
            out = out + interpretation(*[f.text(self.language) for f in lay])
        return out

    def coverage(self) -> "HTML":
        """Framework functions against the stage and industry, how each department was placed, and the
        departments table; when coverage is not assessed, which departments to map and how."""
        from orgkit.report.blocks import interpretation, subheading, table
        from orgkit.i18n import has

        s = self.assessment.structure
        m = s.metrics
        cov = s.coverage.copy()
        cov["departments"] = self._dept_list(cov["departments"])
        cov["status"] = cov["status"].map(lambda v: self._t(f"coverage.{v}") if has(f"coverage.{v}") else v)
        cov["core"] = cov["core"].map(lambda v: self._t("word.yes") if v else self._t("word.no"))
        cov_table = table(cov, {"label": self._t("column.function"), "core": self._t("column.core"),
                                "status": self._t("column.status"), "departments": self._t("column.departments")},
                          language=self.language)
        depts = s.departments.copy()
        depts["department"] = depts["department"].astype("str")
        fn_labels = depts["functions"].map(lambda v: self._t("list.separator").join(
            _function_label(f, self.language) for f in str(v or "").split("; ") if f))
        depts = depts.assign(functions=fn_labels)
        dept_table = table(depts, {"department": self._t("column.department"), "headcount": self._t("column.headcount"),
                                   "managers": self._t("column.managers"), "span_mean": self._t("column.span_mean"),
                                   "layers": self._t("column.layers"), "functions": self._t("column.functions")},
                           formats={"span_mean": ".1"}, min_group_size=self.min_group_size, language=self.language,
                           privacy_note=self._hidden_note(self._structure_hidden()))
        keys = ("function_missing", "function_split", "department_overloaded", "over_split", "units_missing",
                "coverage_ok", "coverage_not_assessed")
        notes = [f.text(self.language) for f in self.findings if f.key in keys]
        profile = self._profile_text()
        if profile:
            notes.insert(0, profile)
        out = subheading(self._t("heading.coverage"), "coverage") + cov_table
        if notes:
            out = out + interpretation(*notes)
        out = out + self._mapping_block()
        return out + subheading(self._t("heading.departments"), "departments") + dept_table

    def _profile_text(self) -> str:
        """One sentence: the industry profile and the stage the structure is judged against, and why."""
        from orgkit.framework import StageDecision
        from orgkit.industries import PROFILES, IndustryDecision

        m = self.assessment.structure.metrics
        if not m.get("industry") or not m.get("stage_evidence"):
            return ""
        stage = StageDecision(m["stage"], m.get("stage_source") or "", m.get("stage_rule") or "headcount",
                              dict(m["stage_evidence"]))
        industry = IndustryDecision(m["industry"], m.get("industry_source") or "default", m.get("industry_shares"))
        return self._t("interpret.profile", industry=_industry_label(m["industry"], self.language),
                       industry_reason=industry.reason(self.language), stage=self._stage_word(m["stage"]),
                       stage_reason=stage.reason(self.language, by_size=PROFILES[m["industry"]].stages_by_size))

    def _mapping_block(self) -> "HTML":
        """How each department was placed in a function (small departments counted, not named), and the
        client.yml lines that would place the ones not identified."""
        from orgkit.framework import FUNCTION_CODES, OTHER_KNOWN
        from orgkit.report.blocks import HTML, escape, interpretation, subheading, table

        m = self.assessment.structure.metrics
        records = m.get("mapping") or []
        if not records:
            return HTML("", "empty")
        sep = self._t("list.separator")
        rows = []
        for r in records:
            labels = [_function_label(f, self.language) for f in r.get("functions") or []]
            labels += [self._t(f"other_function.{o}") for o in r.get("other") or []]
            level = r["confidence"]
            rows.append({"department": r["department"], "headcount": r["people"],
                         "functions": sep.join(labels) if labels else "–",
                         "confidence": self._t(f"confidence.{level}"),
                         "evidence": self._evidence_text(r), "suppressed": r["department"] not in self.visible})
        frame = pd.DataFrame(rows)
        out = subheading(self._t("heading.mapping"), "mapping") + table(
            frame, {"department": self._t("column.department"), "headcount": self._t("column.headcount"),
                    "functions": self._t("column.functions"), "confidence": self._t("column.confidence"),
                    "evidence": self._t("column.evidence")},
            min_group_size=self.min_group_size, language=self.language,
            privacy_note=self._hidden_note(self._suppressed(frame)))
        if m.get("coverage_assessed", True):
            return out
        unidentified = [d for d in m.get("unidentified_departments") or [] if d in self.visible]
        if not unidentified:
            return out
        # the values client.yml accepts include the functions' labels in either language: the reader's are shown
        guess = {r["department"]: r.get("title_function") for r in records}
        lines = ["functions:"] + [
            f"  {_yaml_key(d)}: {_any_function_label(guess[d], self.language) if guess.get(d) else ''}".rstrip()
            for d in unidentified]
        # every function client.yml accepts, the suggestions' own (Legal, Administration, ...) included
        intro = self._t("mapping.snippet", codes=sep.join(
            _any_function_label(f, self.language) for f in (*FUNCTION_CODES, *OTHER_KNOWN)))
        return out + interpretation(intro) + HTML(
            '<pre class="ok-code">' + escape("\n".join(lines)) + "</pre>", "block")

    def _evidence_text(self, record: dict[str, Any]) -> str:
        """The evidence behind one department's placement, in plain words."""
        parts = []
        if record.get("confidence") == "set":
            parts.append(self._t("evidence.set"))
        if record.get("source") == "placeholder":
            return self._t("evidence.placeholder")
        words = record.get("name_words") or []
        if words:
            shown = [_shown_word(w, str(record["department"])) for w in words]
            parts.append(self._t("evidence.name", words=self._t("list.separator").join(shown)))
        share = record.get("title_share")
        if record.get("title_function") and share is not None:
            parts.append(self._t("evidence.titles", share=f"{100 * share:.0f}%",
                                 words=self._t("list.separator").join(record.get("title_words") or [])))
        if record.get("conflict") and record.get("title_function"):
            parts.append(self._t("evidence.conflict", function=_any_function_label(record["title_function"],
                                                                                    self.language)))
        if not parts:
            parts.append(self._t("evidence.none"))
        return self._t("evidence.separator").join(parts)

    def raci(self) -> "HTML":
        """Responsibilities without a single accountable or responsible department, and overlaps."""
        from orgkit.report.blocks import HTML, empty_note, interpretation, paragraphs, subheading, table

        head = subheading(self._t("heading.raci"), "raci")
        if self.client.responsibilities is None:
            return HTML(head.markup + empty_note(self._t("structure.no_raci")).markup, "block")
        issues = self.assessment.structure.raci_issues.copy()
        notes = [f.text(self.language) for f in self.findings if f.key.startswith("raci_")]
        if issues.empty:
            return head + paragraphs(self._t("raci.clear")) + (interpretation(*notes) if notes else self._empty())
        issues["issue"] = issues["issue"].map(lambda v: self._t(f"raci.issue.{v}"))
        issues["departments"] = self._dept_list(issues["departments"])
        out = head + table(issues, {"responsibility": self._t("column.responsibility"), "issue": self._t("column.issue"),
                                    "role": self._t("column.role"), "departments": self._t("column.departments")},
                           language=self.language)
        return out + interpretation(*notes) if notes else out

    # ---------------------------------------------------------------- communication
    def communication_heatmap(self) -> "HTML":
        """Ties between departments against random mixing: a symmetric matrix in clustered order, silos marked;
        the caption says what the colours mean and which departments are not shown."""
        from orgkit.report.blocks import interpretation, subheading
        from orgkit.plots.communication import plot_department_mixing

        c = self.assessment.communication
        if not self._available("communication") or c.mixing.empty or c.metrics.get("edges", 0) == 0:
            return self._empty()
        silos = c.metrics.get("silos") or []
        fig = plot_department_mixing(c.mixing, silos=silos, language=self.language)
        caption = self._join([self._t("caption.mixing"), *self._mixing_notes()])
        return (subheading(self._t("heading.heatmap"), "heatmap")
                + self._figure(fig, "department_heatmap", caption)
                + interpretation(self._t("interpret.mixing")))

    def _mixing_notes(self) -> list[str]:
        """What the department figures leave out: small departments (pooled or not shown) and, with many
        departments, the ones counted together."""
        from orgkit.areas.communication import OTHER_GROUP

        m = self.assessment.communication.mixing
        small = sorted(set(self.client.department_sizes().index.astype(str)) - self.visible)
        notes = []
        if m.pooled:
            notes.append(self._tn("caption.mixing.rest", m.pooled, n=m.pooled, k=self.min_group_size,
                                  other=self._t("group.other_departments")))
        elif small:
            notes.append(self._hidden_note(small))
            if OTHER_GROUP in m.labels:
                notes.append(self._t("privacy.mixing.pooled_small", other=self._t("group.other")))
        return notes

    def _network_brokers(self) -> tuple[list[str], dict[str, str]]:
        """The brokers a network figure marks (the five most central) and how each is named: id and role,
        never a name unless ``show_names``, never the role of someone in a small department."""
        b = self.assessment.communication.brokers.head(5)
        ids = b["employee_id"].astype("str")
        return ids.tolist(), dict(zip(ids, self._person(ids)))

    def network(self) -> "HTML":
        """The network: its largest connected group person by person when it has at most
        ``communication.network.max_people`` people, else departments against random mixing; brokers numbered
        and named by id or role; the people not drawn counted."""
        from orgkit.report.blocks import subheading
        from orgkit.plots.communication import left_out_text, network_layout, plot_department_graph, plot_network

        c = self.assessment.communication
        if not self._available("communication") or c.edges.empty:
            return self._empty()
        limit = int(self.assessment.thresholds["communication.network.max_people"])
        ids, labels = self._network_brokers()
        silos = c.metrics.get("silos") or []
        comp = c.components
        people = len(self.client.people)
        if len(comp.largest) <= limit:
            if self._layout is None:
                self._layout = network_layout(c.edges, comp.largest, seed=0)
            fig = plot_network(self.client.people, c.edges, components=comp, layout=self._layout,
                               min_group_size=self.min_group_size, max_people=limit, brokers=ids,
                               broker_labels=labels, language=self.language)
            texts = [self._t("caption.network.people", n=f"{len(comp.largest):,}", total=f"{people:,}"),
                     left_out_text(comp, self.language)]
        else:  # the brokers' departments as the analysis gives them: a small one is "Other (small groups)"
            brokers = pd.DataFrame({"employee_id": ids, "label": [labels[i] for i in ids],
                                    "department": c.brokers.head(5)["department"].astype("str").to_numpy()})
            fig = plot_department_graph(c.mixing, silos=silos, brokers=brokers, language=self.language)
            texts = [self._t("caption.network.departments", n=f"{len(comp.largest):,}", max=f"{limit:,}"),
                     *self._mixing_notes()]
        return subheading(self._t("heading.network"), "network") + self._figure(fig, "network", self._join(texts))

    def ei_index(self) -> "HTML":
        """E-I per department against the random-mixing baseline; silos named; the departments table."""
        from orgkit.report.blocks import interpretation, subheading, table
        from orgkit.plots.communication import plot_ei_index

        c = self.assessment.communication
        if not self._available("communication") or c.departments.empty:
            return self._empty()
        by_messages = c.metrics.get("tie_basis") == "messages"
        fig = plot_ei_index(c.departments, language=self.language, messages=by_messages)
        notes = [f.text(self.language) for f in self.findings if f.key in ("silo", "openness", "no_silos", "isolates")]
        d = c.departments.copy()
        d["silo"] = d["silo"].map(lambda v: "" if pd.isna(v) else (self._t("word.yes") if v else ""))
        columns = {"department": self._t("column.department"), "size": self._t("column.size"),
                   "density": self._t("column.density"), "ei_index": self._t("column.ei"),
                   "ei_index_expected": self._t("column.ei_expected"), "external_share": self._t("column.external_share"),
                   "silo": self._t("column.silo")}
        if c.metrics.get("tie_basis") == "messages":  # the message figure beside the tie figure
            columns = {**{k: v for k, v in columns.items() if k != "silo"},
                       "external_message_share": self._t("column.external_message_share"), "silo": columns["silo"]}
        from orgkit import formatting

        tbl = table(d, columns,
                    formats={"density": ".2", "ei_index": formatting.signed, "ei_index_expected": formatting.signed,
                             "external_share": "percent", "external_message_share": "percent"},
                    min_group_size=self.min_group_size, language=self.language,
                    privacy_note=self._hidden_note(self._suppressed(c.departments)))
        caption = self._t("caption.ei_messages" if by_messages else "caption.ei")
        return (subheading(self._t("heading.ei"), "ei-index") + self._figure(fig, "ei_index", caption)
                + interpretation(self._t("interpret.ei", max_external=self.assessment.thresholds.text(
                    "communication.silo.max_external_share")), *notes) + tbl)

    def communication_basis(self) -> "HTML":
        """What a tie is in this data, the period the messages cover, and the tie figures beside the message ones.

        A message log (dates, repeated sender-recipient pairs or message counts) gets the tie rule used and
        the pairs it left out, the first and last date, the traffic per person and week, and a table of
        the share crossing departments and the E-I index counted on ties and on messages, with the finding
        that says whether the two agree. A table of named ties (a network survey) gets one sentence saying
        each row is read as a tie.
        """
        from orgkit.report.blocks import fmt_number, interpretation, paragraphs, subheading, table

        c = self.assessment.communication
        if not self._available("communication"):
            return self._empty()
        m, th = c.metrics, self.assessment.thresholds
        head = subheading(self._t("heading.communication_basis"), "communication-basis")
        if m.get("tie_basis") != "messages":
            rule = "basis.rule.rows_reciprocated" if m.get("tie_reciprocated") else "basis.rule.rows"
            texts = [self._t(rule)] + ([self._t("basis.set_for_client")] if m.get("tie_rule_source") == "client.yml"
                                       else [])
            return head + paragraphs(" ".join(texts) if self.language == "en" else "".join(texts))

        from orgkit import formatting

        pct, signed = formatting.percent, formatting.signed

        evidence = self._t("list.separator").join(self._t(f"basis.evidence.{e}") for e in m["tie_evidence"])
        texts = [self._t("basis.evidence", evidence=evidence)]
        pairs, left = int(m["pairs"]), int(m["pairs_below_threshold"])
        values = {"min": int(m["tie_min_messages"]), "pairs": fmt_number(pairs), "n": fmt_number(left),
                  "share_out": pct(left / pairs if pairs else None),
                  "messages_out": fmt_number(m.get("messages_below_threshold"), 0)}
        if m.get("tie_threshold_waived"):
            would = int(m.get("pairs_left_out_if_applied") or 0)
            texts.append(self._t("basis.rule.waived", min=int(th["communication.tie.min_messages"]),
                                 pairs=fmt_number(pairs), pairs_out=fmt_number(would),
                                 share_out=pct(would / pairs if pairs else None)))
        elif m.get("tie_reciprocated"):
            texts.append(self._tn("basis.rule.reciprocated", left, **values))
        elif values["min"] <= 1:
            texts.append(self._t("basis.rule.any"))
        else:
            texts.append(self._tn("basis.rule.messages", left, **values))
        if m.get("tie_rule_source") == "client.yml":
            texts.append(self._t("basis.set_for_client"))
        if m.get("period_start"):
            months = float(m.get("period_months") or 0.0)
            common = dict(start=m["period_start"], end=m["period_end"], messages=fmt_number(m.get("messages"), 0),
                          per_week=fmt_number(m.get("messages_per_person_week"), 1))
            if months >= 2:
                texts.append(self._t("basis.period", months=fmt_number(round(months)), **common))
            else:  # a few days or weeks read in days, never "about 0.1 months"
                days = max(1, round(float(m.get("period_days") or 0.0)))
                texts.append(self._tn("basis.period_days", days, n=fmt_number(days), **common))
        else:
            texts.append(self._t("basis.no_period"))
        joined = " ".join(texts) if self.language == "en" else "".join(texts)
        exp = m.get("ei_index_expected")
        rows = pd.DataFrame({
            "measure": [self._t("basis.row.count"), self._t("basis.row.cross"), self._t("basis.row.ei"),
                        self._t("basis.row.expected")],
            "ties": [fmt_number(m.get("edges")), pct(m.get("cross_department_share")), signed(m.get("ei_index")),
                     signed(exp)],
            "messages": [fmt_number(m.get("messages"), 0), pct(m.get("cross_department_message_share")),
                         signed(m.get("ei_index_weighted")), signed(exp)],
        }, dtype="str")
        tbl = table(rows, {"measure": self._t("column.measure"), "ties": self._t("column.by_ties"),
                           "messages": self._t("column.by_messages")}, language=self.language)
        keys = ("volume_inward", "volume_outward")
        notes = [f.text(self.language) for key in keys for f in self.findings
                 if f.area == "communication" and f.key == key]
        tie_share, msg_share = m.get("cross_department_share"), m.get("cross_department_message_share")
        if m.get("bases_disagree") is False:
            notes.insert(0, self._t("basis.agree", ties=pct(tie_share), messages=pct(msg_share),
                                    gap=f"{round(100 * th['communication.basis.gap_min'], 1):g}"))
        notes.append(self._t("basis.findings"))
        return head + paragraphs(joined) + tbl + interpretation(*notes)

    def formal_informal(self) -> "HTML":
        """Formal against informal structure: reporting lines without a tie, and departments across communities.

        The share of reporting lines (manager and direct report) that carry no communication tie (and, in a
        message log, no message at all); how each department's people split over the detected communities
        (share in its main community, communities spanned) with the normalised mutual information of the two
        partitions in plain words. Departments under the minimum group size, or with fewer people with ties,
        are left out and counted; communities are never listed as groups.
        """
        from orgkit import formatting
        from orgkit.areas.communication import MAX_COMMUNITY_EDGES
        from orgkit.report.blocks import fmt_number, interpretation, paragraphs, subheading, table

        c = self.assessment.communication
        if not self._available("communication"):
            return self._empty()
        m, th = c.metrics, self.assessment.thresholds
        head = subheading(self._t("heading.formal_informal"), "formal-informal")
        lines = m.get("reporting_lines")
        texts = []
        if not lines:
            texts.append(self._t("formal.no_hierarchy"))
        else:
            without = int(m.get("reporting_lines_without_tie") or 0)
            texts.append(self._tn("formal.lines", without, n=fmt_number(without), lines=fmt_number(lines),
                                  share=fmt_number(without / lines, percent=True)))
            silent = m.get("reporting_lines_without_messages")
            if silent and silent != without:  # a threshold above one message: some lines have a few messages
                texts.append(self._tn("formal.lines_silent", int(silent), n=fmt_number(silent)))
        out = head + paragraphs(" ".join(texts) if self.language == "en" else "".join(texts))
        method = m.get("communities_method")
        if method == "skipped":
            return out + interpretation(self._t("formal.skipped", max=fmt_number(MAX_COMMUNITY_EDGES)))
        if method != "louvain":
            return out
        n_comm = int(m.get("communities") or 0)
        intro = self._tn("formal.communities", n_comm, n=fmt_number(n_comm),
                         large=fmt_number(m.get("communities_large")), k=self.min_group_size)
        nmi = m.get("community_department_nmi")
        notes = []
        if nmi is not None:
            band = ("follows" if nmi >= th["communication.nmi.follows_min"] else
                    "across" if nmi < th["communication.nmi.across_below"] else "partly")
            notes.append(self._t(f"formal.nmi.{band}", nmi=formatting.decimals(nmi, 2)))
        hidden = int(m.get("community_departments_hidden") or 0)
        note = self._tn("formal.hidden", hidden, n=hidden, k=self.min_group_size) if hidden else None
        tbl = table(c.communities, {"department": self._t("column.department"),
                                    "people_with_ties": self._t("column.people_with_ties"),
                                    "main_community_share": self._t("column.main_community"),
                                    "communities": self._t("column.communities_spanned")},
                    formats={"main_community_share": "percent"}, language=self.language, note=note)
        return out + paragraphs(intro) + tbl + interpretation(*notes)

    def brokers(self) -> "HTML":
        """The people most often between others (ids or roles, never names unless allowed)."""
        from orgkit.report.blocks import interpretation, paragraphs, subheading, table

        c = self.assessment.communication
        if not self._available("communication"):
            return self._empty()
        head = subheading(self._t("heading.brokers"), "brokers")
        if c.brokers.empty:
            return head + paragraphs(self._t("communication.no_brokers"))
        b = c.brokers.copy()
        b["person"] = self._person(b["employee_id"])
        b["department"] = self._dept(b["department"], ids=b["employee_id"])
        ids = self._network_brokers()[0]
        comp = c.components
        limit = int(self.assessment.thresholds["communication.network.max_people"])
        drawn = set(ids) if len(comp.largest) > limit else set(ids) & set(comp.largest.astype("str"))
        # the number each carries in the network figure (people outside the largest group are not drawn)
        b["mark"] = [str(i + 1) if str(e) in drawn else "" for i, e in enumerate(b["employee_id"])]
        notes = [f.text(self.language) for f in self.findings if f.key == "broker"]
        tbl = table(b, {"mark": self._t("column.network_mark"), "person": self._t("column.person"),
                        "department": self._t("column.department"),
                        "betweenness": self._t("column.betweenness"), "departments_reached": self._t("column.reached"),
                        "degree": self._t("column.degree")}, formats={"betweenness": ".3"}, language=self.language)
        return head + interpretation(self._t("interpret.brokers"), *notes) + tbl

    # ---------------------------------------------------------------- decisions
    @_parallel_block
    def path_distribution(self) -> "HTML":
        """Distribution of hops and approvals over every decision, open ones included (without decision records,
        the distance to the top per department, labelled as context: it is never scored)."""
        from orgkit.report.blocks import interpretation, subheading, table
        from orgkit.plots.decisions import plot_path_distribution

        d = self.assessment.decisions
        if not d.metrics.get("available"):
            if d.structural.empty:
                return self._empty()
            s = d.structural.copy()
            s["department"] = s["department"].astype("str")
            return subheading(self._t("heading.structural"), "structural") + table(
                s, {"department": self._t("column.department"), "people": self._t("column.headcount"),
                    "distance_to_top_mean": self._t("column.distance_top"),
                    "distance_to_head_mean": self._t("column.distance_head")},
                formats={"distance_to_top_mean": ".1", "distance_to_head_mean": ".1"},
                min_group_size=self.min_group_size, language=self.language,
                privacy_note=self._hidden_note(self._suppressed(s)))
        fig = plot_path_distribution(d.paths, language=self.language)
        notes = [f.text(self.language) for f in self.findings if f.key in ("hops", "approvals", "escalation")]
        return (subheading(self._t("heading.paths"), "paths")
                + self._figure(fig, "path_distribution", self._t("caption.paths"))
                + interpretation(self._t("interpret.paths"), *notes))

    @_parallel_block
    def latency_by_type(self) -> "HTML":
        """Days to decide per decision type (closed decisions), open decisions counted, and the per-type table.

        The figure counts the closed decisions with both dates of each type (its ``n``); the table counts
        every decision of the type (``count``, open ones included), how many are still open, and the median
        days of the closed ones, so the two agree.
        """
        from orgkit.report.blocks import interpretation, subheading, table
        from orgkit.plots.decisions import plot_latency_by_type

        d = self.assessment.decisions
        m = d.metrics
        if not m.get("available"):
            return self._empty()
        out = subheading(self._t("heading.latency"), "latency")
        if d.paths["latency_days"].notna().any():
            out = out + self._figure(plot_latency_by_type(d.paths, language=self.language), "latency_by_type",
                                     self._t("caption.latency"))
        from orgkit import formatting

        closed = formatting.integer(m.get("latency_decisions") or 0)
        if m.get("open") is None:
            open_line = self._t("interpret.open_unknown")
        elif m["open"]:
            oldest = m.get("open_oldest_days")
            open_line = self._tn("interpret.open", int(m["open"]), n=formatting.integer(m["open"]), closed=closed,
                                 oldest=formatting.integer(oldest),
                                 date=m.get("reference_date") or "–")
        else:
            open_line = self._t("interpret.open_none", closed=closed, date=m.get("reference_date") or "–")
        notes = [f.text(self.language) for f in self.findings if f.key in ("open_decisions", "latency")]
        if any(f.key == "open_decisions" for f in self.findings):
            open_line = ""  # the finding says it, with its status
        out = out + interpretation(*[x for x in (open_line, *notes) if x])
        columns = {"decision_type": self._t("column.type"), "count": self._t("column.count")}
        if m.get("open") is not None:
            columns["open"] = self._t("column.open")
        columns.update({"hops_mean": self._t("column.hops_mean"), "approvals_mean": self._t("column.approvals_mean"),
                        "latency_days_median": self._t("column.latency_median"),
                        "escalated_share": self._t("column.escalated")})
        tbl = table(d.by_type, columns,
                    formats={"hops_mean": ".1", "approvals_mean": ".1", "latency_days_median": ".1",
                             "escalated_share": "percent"}, caption=self._t("heading.by_type"), language=self.language)
        return out + tbl

    def longest_paths(self) -> "HTML":
        """The decisions with the most hops (ids or roles only)."""
        from orgkit.report.blocks import subheading, table

        d = self.assessment.decisions
        if not d.metrics.get("available") or d.longest.empty:
            return self._empty()
        t = d.longest.copy()
        t["initiator_id"] = self._person(t["initiator_id"])
        t["decider_id"] = self._person(t["decider_id"])
        # an open decision says so (and how long it has waited) instead of a blank number of days
        paths = d.paths.set_index("decision_id")
        state = t["decision_id"].map(paths["state"])
        waited = t["decision_id"].map(paths["open_days"])
        from orgkit import formatting

        t["latency_days"] = [
            self._t("table.open_days", days=formatting.integer(w)) if s_ == "open" and not pd.isna(w)
            else formatting.decimals(v, 1)
            for s_, w, v in zip(state, waited, t["latency_days"])]
        t = t.astype({"latency_days": "str"})
        return subheading(self._t("heading.longest"), "longest") + table(
            t, {"decision_id": self._t("column.decision"), "decision_type": self._t("column.type"),
                "initiator_id": self._t("column.initiator"), "decider_id": self._t("column.decider"),
                "hops": self._t("column.hops"), "approvals": self._t("column.approvals"), "latency_days": self._t("column.days")},
            language=self.language)

    # ---------------------------------------------------------------- survey
    @_parallel_block
    def survey_dimensions(self) -> "HTML":
        """Mean score per department and dimension (small groups left out, and said so), and the dimension table."""
        from orgkit.report.blocks import interpretation, subheading, table
        from orgkit.plots import survey as survey_plots

        s = self.assessment.survey
        if not s.available:
            return self._empty()
        from orgkit.areas.survey import DIMENSION_LABELS

        labels = DIMENSION_LABELS.get(self.language, {})
        hidden = self._survey_hidden()
        by_dept = s.by_department.loc[[d for d in s.by_department.index if str(d) not in hidden]]
        mask = s.by_department_mask.reindex(index=by_dept.index) if not s.by_department_mask.empty else None
        out = subheading(self._t("heading.survey_dimensions"), "survey-dimensions")
        if not by_dept.empty:
            fig = survey_plots.plot_dimension_heatmap(by_dept.rename(columns=lambda c: labels.get(c, c)),
                                                      mask=None if mask is None else mask.rename(columns=lambda c: labels.get(c, c)),
                                                      language=self.language)
            out = out + self._figure(fig, "survey_heatmap", self._t("caption.survey_heatmap"))
            note = self._survey_note(set(by_dept.index.astype(str)))
            if note:
                out = out + interpretation(note)
        dims = pd.DataFrame([
            {"dimension": labels.get(k, k), "mean": v.get("mean"), "favourable": v.get("favourable"), "n": v.get("n"),
             "alpha": v.get("alpha")}
            for k, v in (s.metrics.get("dimensions") or {}).items()
        ])
        if not dims.empty:
            out = out + table(dims, {"dimension": self._t("column.dimension"), "mean": self._t("column.mean"),
                                     "favourable": self._t("column.favourable"), "n": self._t("column.respondents"),
                                     "alpha": self._t("column.alpha")},
                              formats={"mean": ".2", "favourable": "percent", "alpha": ".2"}, language=self.language)
        return out

    @_parallel_block
    def survey_items(self) -> "HTML":
        """Answers per question as diverging bars; response rates per department."""
        from orgkit.report.blocks import subheading, table
        from orgkit.plots import survey as survey_plots

        s = self.assessment.survey
        if not s.available:
            return self._empty()
        out = subheading(self._t("heading.survey_items"), "survey-items")
        if not s.items.empty:
            fig = survey_plots.plot_item_diverging_bars(s.items, language=self.language,
                                                        thresholds=self.assessment.thresholds)
            out = out + self._figure(fig, "survey_items", self._t("caption.survey_items"))
        rr = s.response_rates.copy()
        if not rr.empty:
            from orgkit.areas.survey import TOTAL

            name = rr["department"].astype(str)
            shown = (name.isin(self.visible) & ~rr["suppressed"].fillna(False).astype(bool)) | (name == TOTAL)
            rr = rr[shown.to_numpy()]
            rr["department"] = rr["department"].astype(str).replace(TOTAL, self._t("table.total"))
            out = out + table(rr, {"department": self._t("column.department"), "headcount": self._t("column.headcount"),
                                   "respondents": self._t("column.respondents"),
                                   "response_rate": self._t("column.response_rate")},
                              formats={"response_rate": "percent"}, caption=self._t("heading.response"),
                              min_group_size=self.min_group_size, language=self.language,
                              privacy_note=self._survey_note(set(name[shown.to_numpy()])))
        return out

    def _survey_hidden(self) -> set[str]:
        """Departments no survey table shows: hidden by the survey, or smaller than the minimum group size."""
        s = self.assessment.survey
        return set(map(str, s.suppressed_groups)) | (set(s.by_department.index.astype(str)) - self.visible)

    def _survey_note(self, shown: set[str]) -> str:
        """What a survey table or figure that shows the departments ``shown`` hid, by kind: departments under
        the minimum group size, departments with too few respondents, and those hidden with them. Every
        department of the people file or the survey that is not shown is counted."""
        survey = self.client.survey
        respondents = (survey["department"].astype(str).value_counts() if survey is not None
                       and "department" in survey.columns else pd.Series(dtype="int64"))
        every = set(self.client.department_sizes().index.astype(str)) | set(respondents.index.astype(str))
        return self._hidden_note(sorted(every - set(shown)), respondents=respondents.to_dict())

    def survey_reliability(self) -> "HTML":
        """Cronbach's alpha per dimension (flagged below ``survey.alpha.min``, with the questions that lower it),
        ICC(1) and rwg."""
        from orgkit.report.blocks import interpretation, subheading, table
        from orgkit.areas.survey import DIMENSION_LABELS, TOTAL

        s = self.assessment.survey
        if not s.available or s.reliability.empty:
            return self._empty()
        labels = DIMENSION_LABELS.get(self.language, {})
        alpha = self.assessment.thresholds.text("survey.alpha.min")
        rel = s.reliability.merge(s.agreement[["dimension", "icc1", "rwg_mean", "n_departments"]], on="dimension",
                                  how="left")
        rel["dimension"] = rel["dimension"].map(lambda d: labels.get(d, d))
        rel["low_alpha"] = rel["low_alpha"].map(lambda v: "–" if pd.isna(v) else self._t("word.yes") if v else self._t("word.no"))
        rel = rel.astype({"low_alpha": "str"})
        rel["items_lowering_alpha"] = self._lowering_questions(s).reindex(s.reliability["dimension"]).fillna("–").to_numpy()
        out = subheading(self._t("heading.survey_reliability"), "survey-reliability") + table(
            rel, {"dimension": self._t("column.dimension"), "alpha": self._t("column.alpha"),
                  "low_alpha": self._t("column.low_alpha", alpha=alpha),
                  "items_lowering_alpha": self._t("column.items_lowering"),
                  "icc1": self._t("column.icc1"), "rwg_mean": self._t("column.rwg_mean"),
                  "n_departments": self._t("column.rwg_departments")},
            formats={"alpha": ".2", "icc1": ".2", "rwg_mean": ".2"}, language=self.language)
        notes = [f.text(self.language) for f in self.findings if f.key == "low_alpha"]
        out = out + interpretation(self._t("interpret.alpha", alpha=alpha), self._t(
            "interpret.rwg", rwg=self.assessment.thresholds.text("survey.rwg.min")), *notes)
        r = s.rwg_by_department
        hidden = self._survey_hidden()
        r = r[~r["suppressed"] & r["department"].astype(str).ne(TOTAL) & ~r["department"].astype(str).isin(hidden)]
        if not r.empty:
            wide = (r.pivot(index="department", columns="dimension", values="rwg")
                    .reindex(columns=[d for d in s.reliability["dimension"] if d in set(r["dimension"])])
                    .dropna(how="all"))
            wide.columns = [labels.get(c, c) for c in wide.columns]
            wide = wide.reset_index().astype({"department": "str"})
            out = out + table(wide, {"department": self._t("column.department"), **{c: c for c in wide.columns[1:]}},
                              formats={c: ".2" for c in wide.columns[1:]}, caption=self._t("heading.rwg"),
                              language=self.language, privacy_note=self._survey_note(set(wide["department"])))
        return out

    def _lowering_questions(self, s: Any) -> pd.Series:
        """Per dimension, the questions whose removal would raise its alpha, by their wording in the report's
        language (:func:`orgkit.areas.survey.item_labels`), joined as a list in a cell."""
        from orgkit.areas.survey import item_labels

        aid = s.alpha_if_deleted
        if aid is None or aid.empty:
            return pd.Series(dtype="str")
        label = pd.Series(item_labels(s.items, self.language).to_numpy(), index=s.items["item"].astype(str))
        low = aid[aid["lowers_alpha"].fillna(False).astype(bool)]
        words = low["item"].astype(str).map(label).fillna(low["item"].astype(str))
        sep = self._t("list.cell_separator")
        return words.groupby(low["dimension"].to_numpy(), sort=False).agg(sep.join)

    def survey_change(self) -> "HTML":
        """Change in mean and favourable share per dimension against the previous wave, and whether it is noise."""
        from orgkit.report.blocks import interpretation, subheading, table
        from orgkit.areas.survey import DIMENSION_LABELS, TOTAL

        s = self.assessment.survey
        if not s.available:
            return self._empty()
        head = subheading(self._t("heading.survey_change"), "survey-change")
        if s.change is None or s.change.empty:
            return head + interpretation(self._t("interpret.change_none"))
        labels = DIMENSION_LABELS.get(self.language, {})

        from orgkit.formatting import points, signed

        ch = s.change
        tot = ch[(ch["department"] == TOTAL) & ~ch["suppressed"]].copy()
        sig = tot["significant"].fillna(False).astype(bool)
        tot["beyond"] = tot["significant"].map(lambda v: "–" if pd.isna(v) else self._t("word.yes") if v else self._t("word.no"))
        tot = tot.astype({"beyond": "str"})
        moved = self._t("list.separator").join(f"{labels.get(d, d)} {signed(v)}" for d, v in
                                               zip(tot.loc[sig, "dimension"], tot.loc[sig, "mean_change"]))
        p_max = self.assessment.thresholds.text("survey.change.p_max")
        key = "interpret.change_detail" if moved else "interpret.change" if sig.any() else "interpret.change_zero"
        text = self._tn(key, len(tot), n_sig=int(sig.sum()),
                        n_dims=len(tot), moved=moved, p=p_max)
        tot["dimension"] = tot["dimension"].map(lambda d: labels.get(d, d))
        out = head + table(
            tot, {"dimension": self._t("column.dimension"), "mean_prev": self._t("column.mean_prev"),
                  "mean_now": self._t("column.mean_now"), "mean_change": self._t("column.mean_change"),
                  "favourable_now": self._t("column.fav_now"),
                  "favourable_change": self._t("column.fav_change"), "p_value": self._t("column.p_value"),
                  "beyond": self._t("column.beyond_noise")},
            formats={"mean_prev": ".2", "mean_now": ".2", "mean_change": signed, "favourable_prev": "percent",
                     "favourable_now": "percent", "favourable_change": points, "p_value": "p"},
            language=self.language) + interpretation(text)
        hidden = self._survey_hidden()
        dept = ch[(ch["department"] != TOTAL) & ~ch["suppressed"] & ~ch["department"].astype(str).isin(hidden)]
        dept = dept[dept["mean_change"].notna()]
        if not dept.empty:
            cell = [signed(v) + ("*" if (not pd.isna(g)) and bool(g) else "")
                    for v, g in zip(dept["mean_change"], dept["significant"])]
            wide = (dept.assign(cell=cell).pivot(index="department", columns="dimension", values="cell")
                    .reindex(columns=[d for d in s.by_department.columns if d in set(dept["dimension"])]))
            wide = wide.fillna("–").reset_index().astype("str")
            wide.columns = ["department", *[labels.get(c, c) for c in wide.columns[1:]]]
            out = out + table(wide, {"department": self._t("column.department"), **{c: c for c in wide.columns[1:]}},
                              caption=self._t("heading.survey_change_departments"), note=self._t("table.change_significant_note", p=p_max),
                              language=self.language, privacy_note=self._survey_note(set(wide["department"])))
        return out

    def survey_links(self) -> "HTML":
        """Survey means per department beside its E-I, density and decision hops; silos people also feel."""
        from orgkit.report.blocks import interpretation, subheading, table
        from orgkit.areas.survey import DIMENSION_LABELS
        from orgkit.interpretation import department_links

        s = self.assessment.survey
        if not s.available:
            return self._empty()
        links = department_links(self.assessment, visible=self.visible)
        shown = links[~links["suppressed"]]
        if shown.empty or shown[["density", "ei_index", "hops_mean"]].isna().all().all():
            return self._empty()  # nothing from the other areas to set beside the survey
        labels = DIMENSION_LABELS.get(self.language, {})
        dims = [d for d in ("communication", "decision_speed") if d in links.columns]
        t = links.copy()
        t["felt"] = t["felt_silo"].map(lambda v: self._t("word.yes") if (not pd.isna(v)) and bool(v) else "").astype("str")
        columns = {"department": self._t("column.department"), **{d: labels.get(d, d) for d in dims},
                   "ei_index": self._t("column.ei"), "ei_index_expected": self._t("column.ei_expected"),
                   "density": self._t("column.density"), "hops_mean": self._t("column.hops_dept"),
                   "felt": self._t("column.felt_silo")}
        notes = [f.text(self.language) for f in self.findings if f.key == "felt_silo"]
        return (subheading(self._t("heading.survey_links"), "survey-links")
                + table(t, columns, formats={**{d: ".2" for d in dims}, "ei_index": "signed", "ei_index_expected": "signed",
                                             "density": ".2", "hops_mean": ".1"},
                        min_group_size=self.min_group_size, language=self.language,
                        privacy_note=self._survey_note(set(shown["department"].astype(str))))
                + interpretation(self._t("interpret.links", mean_below=self.assessment.thresholds.text(
                    "survey.felt_silo.mean_below")), *notes))

    def triangulation(self) -> "HTML":
        """Two sources, one question: the survey beside the decision records, the network, the RACI table and
        the spans of control, and whether they agree (:mod:`orgkit.triangulation`)."""
        from orgkit.report.blocks import fmt_number, interpretation, subheading, table
        from orgkit.areas.survey import DIMENSION_LABELS
        from orgkit.triangulation import AGREEMENTS, triangulate

        s = self.assessment.survey
        if not s.available:
            return self._empty()
        th = self.assessment.thresholds
        tri = triangulate(self.assessment, self.visible)
        labels = DIMENSION_LABELS.get(self.language, {})

        def dim(code: str | None) -> str:
            return labels.get(code or "", code or "").lower()  # inside a sentence (Chinese has no case)

        def pct(v: Any) -> str:
            return fmt_number(v, percent=True)

        def reason(side: Any) -> str:
            key = side.reason_key
            return self._t(f"triangulation.reason.{key}") if key else "–"

        def band_word(band: str) -> str:
            bound = th["structure.span.healthy_min"] if band == "narrow" else th["structure.span.healthy_max"]
            return self._t(f"finding.value.span_{band}", bound=bound)

        def survey_cell(c: Any) -> str:
            side = c.survey
            if side.verdict == "not_assessed" and side.value is None:
                return reason(side)
            if c.question == "silos":
                total = int(side.n or 0)
                return self._tn("triangulation.value.low_departments", int(side.value), count=int(side.value),
                                total=total, cut=th.text("survey.felt_silo.mean_below"))
            if c.question == "spans" and c.reference is not None:
                return self._t("triangulation.value.band", share=pct(side.value), dimension=dim(c.dimension),
                               reference=pct(c.reference))
            return self._t("triangulation.value.favourable", share=pct(side.value), dimension=dim(c.dimension))

        def measured_cell(c: Any) -> str:
            side = c.measured
            if side.value is None:
                return reason(side)
            n = int(side.n or 0)
            if side.measure == "latency_days_median":
                days = self._tn("finding.value.days", 1 if side.value == 1 else 2, n=fmt_number(side.value))
                return self._t("triangulation.value.latency", days=days, decisions=f"{n:,}")
            if side.measure == "escalated_share":
                return self._t("triangulation.value.escalated", share=pct(side.value), decisions=f"{n:,}")
            if side.measure == "unclear_share":
                return self._t("triangulation.value.unclear", share=pct(side.value))
            if side.measure == "silos":
                return self._tn("triangulation.value.silos", int(side.value), count=int(side.value), total=n)
            return self._tn("triangulation.value.span", int(side.value), count=int(side.value),
                            band=band_word(str(c.unit)))

        order = {a: i for i, a in enumerate(AGREEMENTS)}  # strongest sign of a problem first
        chosen = []
        for c in tri.select("speed", "organisation"):
            key = "speed_latency" if c.measured.measure == "latency_days_median" else "speed_escalation"
            chosen.append((key, c))
        chosen += [("silos", c) for c in tri.select("silos", "organisation")]
        chosen += [("roles", c) for c in tri.select("roles", "organisation")]
        for band in ("narrow", "wide"):
            rows = [c for c in tri.select("spans") if c.unit == band]
            if rows:  # the dimension with the strongest sign of a problem speaks for the band
                best = min(rows, key=lambda c: (order[c.agreement],
                                                -((c.reference or 0) - (c.survey.value or 0))))
                chosen.append((f"spans_{band}", best))
        frame = pd.DataFrame({
            "question": [self._t(f"triangulation.question.{k}") for k, _ in chosen],
            "survey": [survey_cell(c) for _, c in chosen],
            "measured": [measured_cell(c) for _, c in chosen],
            "agreement": [self._t(f"triangulation.agreement.{c.agreement}") for _, c in chosen],
        }, dtype="str")
        notes = [f.text(self.language) for f in self.findings if f.ident.startswith("triangulation:")]
        head = subheading(self._t("heading.triangulation"), "triangulation")
        return (head + table(frame, {"question": self._t("column.question"), "survey": self._t("column.survey_side"),
                                     "measured": self._t("column.measured_side"),
                                     "agreement": self._t("column.agreement")}, language=self.language)
                + interpretation(self._t("interpret.triangulation", favourable=th.text("survey.favourable.amber")),
                                 *notes))

    # ---------------------------------------------------------------- back matter
    def recommendations_block(self) -> "HTML":
        """The recommendations, one per action, each with whom it concerns, its owner, effort, progress
        measure and the findings and numbers that triggered it; closing with when to reassess."""
        from orgkit.findings import reassess_line
        from orgkit.report.blocks import recommendations_list, section_head

        return section_head("recommendations", self._t("recommendations.title")) + recommendations_list(
            self.recommendations, language=self.language,
            closing=reassess_line(self.findings, self.date, self.language))

    def data_quality(self) -> "HTML":
        """Every warning from loading, small departments counted but never named."""
        from orgkit.data.client import DataWarning
        from orgkit.report.blocks import data_quality, section_head

        from orgkit.privacy import scrub_names
        from orgkit.data.summary import hidden_group_names

        sizes = self.client.department_sizes()
        n_small = int((sizes < self.min_group_size).sum())
        if self.top is not None and self.top.alone:
            n_small -= 1  # the top of the organisation is a role, not a hidden group
        hidden = hidden_group_names(self.client)
        warnings = []
        for w in self.client.warnings:
            if w.code == "small_department":
                message = self._tn("data_quality.small_departments", n_small, k=self.min_group_size) if n_small else ""
                if self.top is not None:
                    message = self._join([message, self._top_rule()])
                w = DataWarning(w.code, w.file, message, w.count)
            else:
                w = DataWarning(w.code, w.file, _plural_words(scrub_names(w.text(self.language), hidden)), w.count)
            warnings.append(w)
        return section_head("data-quality", self._t("data_quality.title")) + data_quality(warnings, language=self.language)

    def appendix(self) -> "HTML":
        """Method (every metric defined), run parameters, input file hashes and library versions."""
        from importlib.metadata import PackageNotFoundError, version

        from orgkit._version import __version__
        from orgkit.report.blocks import appendix, conventions, section_head
        from orgkit.method import metric_definitions, threshold_rows

        from orgkit.i18n import format_date, has

        s = self.client.settings
        m = self.assessment.structure.metrics
        stage = m.get("stage") or s.stage
        stage_word = self._stage_word(stage)
        # plain names and values only: no setting key, no local path (the folder is the client's business)
        params = {
            self._t("appendix.parameter.client"): s.name,
            self._t("appendix.parameter.language"): self._t(f"appendix.language.{s.language}"),
            self._t("appendix.parameter.stage"): self._t(
                {"headcount": "appendix.stage.auto", "structure": "cover.stage_structure"}.get(
                    m.get("stage_source") or "", "appendix.stage.set"), stage=stage_word),
            self._t("appendix.parameter.min_group_size"): int(s.min_group_size),
            self._t("appendix.parameter.comment_min_group_size"): int(s.comment_min_group_size),
            self._t("appendix.parameter.show_names"): self._t("word.yes" if s.show_names else "word.no"),
            self._t("appendix.parameter.date"): format_date(self.date, self.language),
        }
        sources = [
            {"table": self._t(f"appendix.table.{t}") if has(f"appendix.table.{t}") else t, "file": src.path.name,
             "rows": src.rows, "encoding": src.encoding or src.format, "sha256": src.sha256}
            for t, src in self.client.sources.items()
        ]
        versions = {"orgkit": __version__, "python": sys.version.split()[0]}
        for pkg in ("pandas", "numpy", "networkx", "scipy", "matplotlib", "papermill", "nbconvert", "ipykernel"):
            try:
                versions[pkg] = version(pkg)
            except PackageNotFoundError:
                versions[pkg] = "–"
        footer = self._t("appendix.footer", version=__version__, date=self.date)
        th = self.assessment.thresholds
        tables = []
        for area in ("structure", "communication", "decisions", "survey", "scores"):
            if area in ("communication", "survey") and not self._available(area):
                continue
            frame = metric_definitions(area, language=self.language, headline_only=True, thresholds=th)
            title = self._t(f"area.{area}") if area != "scores" else self._t("appendix.scores")
            tables.append((title, frame))
        return section_head("appendix", self._t("appendix.title")) + appendix(
            definitions=conventions(self.language, th), parameters=params, sources=sources,
            versions=versions, language=self.language, footer=footer, metric_tables=tables,
            thresholds=threshold_rows(th, self.language))

    def record(self) -> None:
        """Write ``metrics.json`` (the dict of ``orgkit assess``) to the output folder (nothing without one).

        Returns nothing, so the cell shows nothing; :attr:`metrics` holds the same dict.
        """
        from orgkit.assessment import write_metrics

        self.metrics = self.assessment.to_dict()
        if self.output_dir is not None:
            write_metrics(self.metrics, self.output_dir / "metrics.json")
            logger.info("wrote %s", self.output_dir / "metrics.json")

    def department(self, name: str | None = None, *, min_group_size: int | None = None) -> "HTML":
        """Everything the report knows about one department (the largest when ``name`` is empty), beside the
        organisation: :func:`orgkit.drilldown.department_view` as blocks, with its org chart and figures.

        Parameters
        ----------
        name : str, optional
            The department (default: the largest).
        min_group_size : int, optional
            Hide groups under this many people (default, and at least: the client's).

        Raises
        ------
        GroupTooSmallError
            When the department is smaller than the minimum group size: its numbers are never shown.
        ConfigError
            When the department does not exist.
        """
        from orgkit.assessment import slugify
        from orgkit.drilldown import department_blocks, department_view
        from orgkit.report.blocks import HTML, figure, section_head
        from orgkit.plots.department import plot_dimension_comparison, plot_partner_departments
        from orgkit.plots.structure import plot_org_chart

        view = department_view(self.assessment, name, min_group_size=min_group_size, language=self.language)
        name = view.department
        parts = [section_head(f"department-{slugify(Path(name).name)}", name,
                              self._tn("department.people", view.headcount, n=f"{view.headcount:,}"))]
        if self.client.has_hierarchy:
            people = self.client.people[self.client.people["department"] == name]
            fig = plot_org_chart(people, min_group_size=view.min_group_size, show_names=self.show_names,
                                 language=self.language)
            parts.append(figure(fig, "department_org_chart", caption=self._t("heading.org_chart")))
        blocks = department_blocks(view)
        parts += blocks
        if view.communication.available and not view.communication.partners.empty:
            fig = plot_partner_departments(view.communication.partners, name, language=self.language)
            caption = self._t("drilldown.heading.partners", department=name)
            parts.append(figure(fig, "department_partners", caption=caption))
        if view.survey.available:
            fig = plot_dimension_comparison(view.survey.dimensions, name, language=self.language)
            parts.append(figure(fig, "department_survey", caption=self._t("area.survey")))
        return HTML("".join(p.markup for p in parts), "department")

    def deck(self, path: str | os.PathLike[str] | None, template: str | os.PathLike[str] | None = None) -> None:
        """Write the report as an editable PowerPoint deck (:func:`orgkit.report.deck.write_deck`): title, key
        messages, one slide per area with its headline figure and findings, the recommendations.

        Parameters
        ----------
        path : path or None
            The ``.pptx`` to write (replaced only when orgkit wrote it and nobody changed it since); empty
            or ``None`` writes nothing, so the report notebook calls this whether a deck was asked for or not.
        template : path, optional
            A firm's ``.pptx`` template whose masters, layouts, fonts and colours the slides use.

        Returns nothing, so the cell shows nothing; :attr:`deck_path` is the file written.
        """
        from orgkit.report.deck import write_deck

        if not path:
            return
        self.deck_path = write_deck(self, path, template=template or None)

    def __repr__(self) -> str:
        return f"<ReportBook {self.client.name!r}: {self.client.n_people} people, language {self.language}>"


def _industry_label(code: str, language: str) -> str:
    from orgkit.industries import industry_label

    return industry_label(code, language)


def _any_function_label(code: str, language: str) -> str:
    """A framework function's label, or a known non-framework function's."""
    from orgkit.framework import FUNCTIONS
    from orgkit.i18n import t

    return _function_label(code, language) if code in FUNCTIONS else t(f"other_function.{code}", language)


def _shown_word(word: str, name: str) -> str:
    """A keyword found in a department name as the name writes it (``R&D`` for the folded ``rnd``)."""
    import re

    if word == "rnd":
        pattern = r"r\s*(?:&|and|\+|/)\s*d|rnd"
    else:
        pattern = r"[\s&/,+\-–—_|;:()（）\[\]【】·.，；：]*".join(re.escape(w) for w in word.split())
    hit = re.search(pattern, name, flags=re.IGNORECASE)
    return hit.group(0) if hit else word


def _yaml_key(name: str) -> str:
    """A department name as a client.yml key (quoted unless it is plain text YAML reads as itself)."""
    import json
    import re

    return name if re.fullmatch(r"[\w\u3400-\u9fff][\w\u3400-\u9fff &()-]*", name) and not name.endswith(" ") \
        else json.dumps(name, ensure_ascii=False)


def _plural_words(text: str) -> str:
    """A loader warning as a reader reads it: "2 row(s)" as "2 rows" (the catalogue keeps "row(s)" in both
    forms for the scripts that read ``data.warnings``); a count of one keeps its wording.

    Examples
    --------
    >>> _plural_words("2 row(s) name people; 1 id(s): E9; 1,204 self-message row(s) were dropped.")
    '2 rows name people; 1 id(s): E9; 1,204 self-message rows were dropped.'
    """
    import re

    def one(m: "re.Match[str]") -> str:
        count = int(m.group(1).replace(",", ""))
        return m.group(0) if count == 1 else f"{m.group(1)} {m.group(2)}{m.group(3)}s"

    return re.sub(r"(\d[\d,]*) ((?:[\w-]+ )?)(\w+)\(s\)", one, text)


def _function_label(code: str, language: str) -> str:
    from orgkit.framework import function_label

    try:
        return function_label(code, language)
    except (KeyError, ValueError):
        return code
