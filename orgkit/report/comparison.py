"""The kernel side of the comparison report: :class:`ComparisonBook`, what ``comparison.ipynb`` calls, one method
per cell.

The notebook opens a book with :func:`open_comparison` (a plan applied to a client, two snapshots of one
client, or, with no input, the bundled sample beside a synthetic later snapshot of it); each method returns
one HTML block (:mod:`orgkit.report.blocks`) rendered with the main report's templates, in the report's
language, with the same privacy rules: no department under the minimum group size named, no count of fewer
people shown for a department, people by id (names only with ``show_names``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from orgkit import formatting
from orgkit.i18n import t, tn

if TYPE_CHECKING:  # pragma: no cover
    from orgkit.report.blocks import HTML
    from orgkit.scenario.compare import Comparison

__all__ = ["ComparisonBook", "open_comparison", "state_label", "COMPARISON_JSON"]

logger = logging.getLogger(__name__)

#: The comparison's machine-readable result in its report folder.
COMPARISON_JSON = "comparison.json"
#: The headline rows the summary shows (every row is in its area's section).
_SUMMARY_ROWS = ("structure.people", "structure.departments", "structure.layers", "structure.span_mean",
                 "structure.healthy_span_share", "structure.score", "communication.ei_index",
                 "communication.silos", "communication.score", "decisions.hops_median", "decisions.escalated_share",
                 "decisions.score", "survey.score", "scores.overall")
#: How many people the table of people who moved lists (comparison.json lists them all).
MAX_PEOPLE_ROWS = 50


def state_label(client: Any) -> str:
    """How a state is named in the report: its folder's name, or the client's name for one built in memory."""
    name = Path(str(client.path)).name
    return name if name not in ("", ".") else client.settings.name


class _Finding:
    """A finding change as :func:`orgkit.report.blocks.findings_list` shows it."""

    def __init__(self, change: Any):
        self.change = change
        self.status = change.status

    def text(self, language: str) -> str:
        return self.change.text(language)


class ComparisonBook:
    """One comparison's report, as blocks the notebook displays one per cell.

    Parameters
    ----------
    comparison : Comparison
        From :func:`orgkit.scenario.compare.compare_states` or
        :func:`orgkit.scenario.snapshots.compare_snapshots`.
    output_dir : path, optional
        The report folder: figures go to ``figures/``, :meth:`record` writes ``comparison.json`` (``None``:
        nothing is written).
    labels : (str, str), optional
        How the two states are named (default: their folder names; a scenario's are "today" and "after the
        plan").
    show_names : bool, optional
        Show people's names beside their ids (default: the client's ``show_names``).
    """

    #: The headline metrics of the summary table (and of the deck's headline slide), in order.
    SUMMARY_ROWS = _SUMMARY_ROWS

    def __init__(self, comparison: "Comparison", output_dir: str | os.PathLike[str] | None = None, *,
                 labels: tuple[str, str] | None = None, show_names: bool | None = None):
        from orgkit.plots import register_cjk_fonts

        self.comparison = comparison
        self.output_dir = Path(output_dir) if output_dir else None
        self.language = comparison.language
        self.min_group_size = comparison.min_group_size
        self.show_names = bool(comparison.after.client.settings.show_names if show_names is None else show_names)
        self.date = dt.date.today().isoformat()
        if labels is None:
            if comparison.kind == "scenario":
                labels = (self._t("compare.state.today"), self._t("compare.state.after_plan"))
            else:
                labels = (state_label(comparison.before.client), state_label(comparison.after.client))
        self.labels = labels
        register_cjk_fonts()

    # ---------------------------------------------------------------- helpers
    def _t(self, key: str, **values: Any) -> str:
        return t(key, self.language, **values)

    def _tn(self, key: str, count: int, /, **values: Any) -> str:
        return tn(key, count, self.language, **values)

    def _join(self, sentences: list[str]) -> str:
        from orgkit.i18n import join_sentences

        return join_sentences([x for x in sentences if x], self.language)

    def _figure(self, fig: Any, name: str, caption: str) -> "HTML":
        from orgkit.report.blocks import figure

        return figure(fig, name, caption=caption, alt=caption, output_dir=self.output_dir)

    def _empty(self) -> "HTML":
        from orgkit.report.blocks import HTML

        return HTML("", "empty")

    def _columns(self) -> dict[str, str]:
        return {"area": self._t("compare.column.area"), "metric": self._t("compare.column.metric"),
                "before": self.labels[0], "after": self.labels[1], "change": self._t("compare.column.change"),
                "reading": self._t("compare.column.reading")}

    def _metric_table(self, areas: list[str] | None = None, rows: tuple[str, ...] | None = None,
                      caption: str | None = None) -> "HTML":
        from orgkit.report.blocks import table

        c = self.comparison
        frame = c.headline_table(self.language, areas)
        if rows is not None:
            idents = c.metrics["ident"] if areas is None else c.metrics.loc[c.metrics["area"].isin(areas), "ident"]
            keep = idents.isin(rows).to_numpy()
            frame = frame[keep]
        columns = self._columns()
        if areas is not None and len(areas) == 1:
            columns.pop("area")
        return table(frame, columns, caption=caption, language=self.language)

    def _hidden(self, names: set[str], side: str) -> str:
        """The note saying how many departments of ``side`` a table leaves out (small ones)."""
        from orgkit.privacy import hidden_note

        sizes = (self.comparison.before if side == "before" else self.comparison.after).client.department_sizes()
        return hidden_note(sorted(names), sizes, self.min_group_size, self.language)

    # ---------------------------------------------------------------- front matter
    def cover(self) -> "HTML":
        """What was compared: the client, the plan or the two snapshots, the date and the two states in numbers."""
        from orgkit.i18n import format_date
        from orgkit.industries import stage_label
        from orgkit.report.blocks import render_block

        c = self.comparison
        b, a = c.before, c.after

        def pair(x: Any, y: Any) -> str:
            return self._t("compare.cover.pair", before=x, after=y)

        def stage(x: Any) -> str:
            s = x.structure.metrics.get("stage") or x.client.settings.stage
            return stage_label(s, x.structure.metrics.get("industry") or "general", self.language)

        if c.kind == "scenario":
            kicker = self._t("compare.kicker.scenario")
            subtitle = self._t("compare.cover.scenario", plan=c.plan_name or "–")
        else:
            kicker = self._t("compare.kicker.reassessment")
            subtitle = self._t("compare.cover.reassessment", old=self.labels[0], new=self.labels[1])
        meta = [
            (self._t("cover.date"), format_date(self.date, self.language)),
            (self._t("compare.cover.states"), pair(self.labels[0], self.labels[1])),
            (self._t("cover.headcount"), pair(formatting.integer(b.client.n_people), formatting.integer(a.client.n_people))),
            (self._t("cover.departments"), pair(formatting.integer(b.client.people["department"].nunique()),
                                                 formatting.integer(a.client.people["department"].nunique()))),
            (self._t("cover.stage"), pair(stage(b), stage(a))),
        ]
        note = self._t("cover.note", k=self.min_group_size,
                       names=self._t("cover.names_shown") if self.show_names else "")
        return render_block("comparison_cover", "cover", kicker=kicker, client_name=a.client.settings.name,
                            subtitle=subtitle, meta=meta, note=note)

    def summary(self) -> "HTML":
        """The main numbers in a few sentences, then the headline metrics before, after and changed."""
        from orgkit.report.blocks import paragraphs, section_head

        c = self.comparison
        head = section_head("summary", self._t("compare.summary.title"), self._t(f"compare.summary.lead.{c.kind}"))
        areas = [self._t(f"compare.area.{a}") for a in c.compared_areas]
        from orgkit.i18n import format_list

        compared = self._t("compare.summary.areas", areas=format_list(areas, self.language)) if areas else \
            self._t("compare.summary.no_areas")
        return head + paragraphs(*c.summary(self.language), compared) + self._metric_table(rows=_SUMMARY_ROWS)

    def findings(self) -> "HTML":
        """The findings that appear, disappear or change status (each with its sentence)."""
        from orgkit.report.blocks import empty_note, findings_list, section_head

        c = self.comparison
        out = section_head("findings", self._t("compare.findings.title"), self._t("compare.findings.lead"))
        groups = [("appeared", "compare.findings.appeared"), ("disappeared", "compare.findings.disappeared"),
                  ("status", "compare.findings.status")]
        shown = False
        for change, key in groups:
            mine = [_Finding(f) for f in c.findings if f.change == change]
            if mine:
                shown = True
                out = out + findings_list(mine, language=self.language, title=self._t(key))
        if not shown:
            out = out + empty_note(self._t("compare.findings.none"))
        unchanged = sum(1 for f in c.findings if f.change == "unchanged")
        notes = [self._tn("compare.findings.unchanged", unchanged, n=unchanged) if unchanged else ""]
        if c.kind == "scenario":
            from orgkit.scenario.compare import SURVEY_BASED_FINDINGS

            survey = sum(1 for f in c.findings_before if f.area == "survey" or f.key in SURVEY_BASED_FINDINGS
                         or (f.ident or "").startswith("triangulation:"))
            if survey:
                notes.append(self._tn("compare.findings.survey_not_predicted", survey, n=survey))
        from orgkit.report.blocks import interpretation

        return out + interpretation(*[n for n in notes if n]) if any(notes) else out

    # ---------------------------------------------------------------- who is affected
    def affected(self) -> "HTML":
        """Who is affected: counts by department (small groups hidden), then the people who moved, by id."""
        from orgkit.report.blocks import interpretation, section_head, subheading, table

        c = self.comparison
        counts = c.counts
        out = section_head("affected", self._t("compare.affected.title"), self._t(f"compare.affected.lead.{c.kind}"))
        out = out + interpretation(self._t(
            "compare.affected.counts", moved=formatting.integer(counts["moved"]),
            department=formatting.integer(counts["department_changed"]),
            manager=formatting.integer(counts["manager_changed"]), joined=formatting.integer(counts["joined"]),
            left=formatting.integer(counts["left"])))
        frame = c.affected()
        other = self._t("group.other")
        from orgkit.privacy import OTHER_GROUP

        frame = frame.assign(department=frame["department"].replace({OTHER_GROUP: other}))
        columns = {"department": self._t("column.department"),
                   "headcount_before": self._t("compare.column.headcount_side", side=self.labels[0]),
                   "headcount_after": self._t("compare.column.headcount_side", side=self.labels[1]),
                   "affected": self._t("compare.column.affected"), "joined": self._t("compare.column.joined"),
                   "left": self._t("compare.column.left"), "moved_in": self._t("compare.column.moved_in"),
                   "moved_out": self._t("compare.column.moved_out"),
                   "manager_changed": self._t("compare.column.manager_changed")}
        if not counts["joined"] and not counts["left"]:
            columns.pop("joined")
            columns.pop("left")
        shown = frame.drop(columns="suppressed")
        note = self._t("compare.affected.privacy", k=self.min_group_size)
        out = out + subheading(self._t("compare.affected.by_department"), "affected-departments") + table(
            shown, columns, language=self.language, note=note)
        moved = c.moved_people(show_names=self.show_names, language=self.language)
        if moved.empty:
            return out
        columns = {"person": self._t("column.person"),
                   "department_before": self._t("compare.column.department_side", side=self.labels[0]),
                   "department_after": self._t("compare.column.department_side", side=self.labels[1]),
                   "manager_before": self._t("compare.column.manager_side", side=self.labels[0]),
                   "manager_after": self._t("compare.column.manager_side", side=self.labels[1])}
        if "step" in moved.columns:
            columns = {"step": self._t("compare.column.step"), **columns}
        more = len(moved) - MAX_PEOPLE_ROWS
        note = self._tn("compare.affected.more", more, n=formatting.integer(more)) if more > 0 else ""
        return out + subheading(self._t("compare.affected.people"), "affected-people") + table(
            moved, columns, language=self.language, max_rows=MAX_PEOPLE_ROWS, note=note)

    # ---------------------------------------------------------------- the plan / the snapshots
    def plan(self) -> "HTML":
        """A scenario's plan: its log, step by step, and the decisions it re-routed (nothing for a reassessment)."""
        from orgkit.report.blocks import empty_note, render_block, section_head, subheading, table

        c = self.comparison
        if c.kind != "scenario":
            return self._empty()
        out = section_head("plan", self._t("compare.plan.title", plan=c.plan_name or "–"), self._t("compare.plan.lead"))
        from orgkit.privacy import OTHER_GROUP

        log = [line.replace(OTHER_GROUP, self._t("group.other")) for line in c.plan_log()]
        out = out + (render_block("log", "log", items=log) if log else empty_note(self._t("compare.plan.no_log")))
        changes = getattr(c.plan, "changes", None)
        if isinstance(changes, pd.DataFrame) and not changes.empty and "step" in changes.columns:
            by_step = changes.groupby("step", sort=True)["employee_id"].nunique().rename("people").reset_index()
            out = out + subheading(self._t("compare.plan.steps"), "plan-steps") + table(
                by_step, {"step": self._t("compare.column.step"), "people": self._t("compare.column.people_changed")},
                language=self.language)
        rerouted = getattr(c.plan, "decisions_rerouted", None)
        if isinstance(rerouted, pd.DataFrame) and not rerouted.empty:
            from orgkit.i18n import has

            rules = rerouted.groupby("rule", sort=True).size().rename("decisions").reset_index() \
                if "rule" in rerouted.columns else pd.DataFrame({"rule": ["–"], "decisions": [len(rerouted)]})
            rules["rule"] = [self._t(f"compare.rule.{r}") if has(f"compare.rule.{r}") else str(r)
                             for r in rules["rule"]]
            out = out + subheading(self._t("compare.plan.rerouted"), "plan-rerouted") + table(
                rules, {"rule": self._t("compare.column.rule"), "decisions": self._t("compare.column.decisions")},
                language=self.language)
        return out

    def snapshots(self) -> "HTML":
        """A reassessment's matching: people joined, left and moved, ids that could not be matched, and the
        departments kept, renamed, merged, split, created or removed (nothing for a scenario)."""
        from orgkit.report.blocks import empty_note, interpretation, section_head, subheading, table

        c = self.comparison
        m = c.snapshots
        if c.kind != "reassessment" or m is None:
            return self._empty()
        ids = m.ids
        out = section_head("snapshots", self._t("compare.snapshots.title"), self._t("compare.snapshots.lead"))
        lines = [self._t("compare.snapshots.ids", matched=formatting.integer(ids["matched"]),
                         old=formatting.integer(ids["old"]), new=formatting.integer(ids["new"]),
                         left=formatting.integer(ids["unmatched_old"]), joined=formatting.integer(ids["unmatched_new"]))]
        if ids["format_matches"]:
            lines.append(self._tn("compare.snapshots.format", ids["format_matches"],
                                  n=formatting.integer(ids["format_matches"])))
        if ids["old"] and ids["matched"] < 0.5 * min(ids["old"], ids["new"]):
            lines.append(self._t("compare.snapshots.few_matched",
                                 share=formatting.percent(ids["matched"] / max(min(ids["old"], ids["new"]), 1))))
        out = out + interpretation(*lines)
        shown, hidden = m.shown(self.min_group_size)
        out = out + subheading(self._t("compare.snapshots.departments"), "snapshot-departments")
        if shown.empty and not hidden:
            return out + empty_note(self._t("compare.snapshots.no_change"))
        frame = shown.assign(change=shown["change"].map(lambda x: self._t(f"compare.department.{x}")),
                             old=shown["old"].fillna(formatting.NA), new=shown["new"].fillna(formatting.NA))
        note = self._tn("compare.snapshots.hidden", hidden, n=hidden, k=self.min_group_size) if hidden else ""
        rule = self._t("compare.snapshots.rule", renamed=formatting.percent(m.thresholds.get(
            "compare.department.renamed_min")), part=formatting.percent(m.thresholds.get("compare.department.part_min")))
        return out + table(
            frame, {"change": self._t("compare.column.department_change"),
                    "old": self._t("compare.column.department_side", side=self.labels[0]),
                    "new": self._t("compare.column.department_side", side=self.labels[1]),
                    "shared": self._t("compare.column.shared"), "jaccard": self._t("compare.column.jaccard")},
            formats={"jaccard": "percent"}, language=self.language, note=note, privacy_note="") + interpretation(rule)

    # ---------------------------------------------------------------- areas
    def section(self, area: str) -> "HTML":
        """An area: its headline metrics before, after and changed, then what moved inside it."""
        from orgkit.report.blocks import HTML, empty_note, section_head

        c = self.comparison
        state = c.area_state(area)
        lead = self._t(f"compare.state_lead.{state}", before=self.labels[0], after=self.labels[1])
        head = section_head(area, self._t(f"compare.area.{area}"), lead)
        if state == "not_assessed":
            return HTML(head.markup + empty_note(self._t("compare.state.not_assessed_both")).markup, "section")
        out = head + self._metric_table([area])
        detail = getattr(self, f"_{area}_detail")()
        return out + detail

    def _structure_detail(self) -> "HTML":
        from orgkit.report.blocks import subheading, table

        c = self.comparison
        if not c.before.client.has_hierarchy and not c.after.client.has_hierarchy:
            return self._empty()
        vb, va = c.visible("before"), c.visible("after")

        def side(x: Any, visible: set[str], rename: dict[str, str]) -> pd.DataFrame:
            d = x.structure.departments
            if d is None or d.empty:
                return pd.DataFrame(columns=["department", "headcount", "managers", "span_mean"])
            hidden = d["suppressed"].fillna(False).astype(bool) if "suppressed" in d.columns else False
            d = d[~hidden & d["department"].astype("str").isin(visible)]
            d = d[["department", "headcount", "managers", "span_mean"]].astype({"department": "str"})
            return d.assign(department=d["department"].replace(rename)) if rename else d

        b, a = side(c.before, vb, c.department_map), side(c.after, va, {})
        m = b.merge(a, on="department", how="outer", suffixes=("_before", "_after"))
        m = m.sort_values(["headcount_after", "headcount_before"], ascending=False, na_position="last")
        hidden = ({c.department_map.get(x, x) for x in vb} | va) - set(m["department"])
        columns = {"department": self._t("column.department")}
        for col in ("headcount", "managers", "span_mean"):
            for s, label in (("before", self.labels[0]), ("after", self.labels[1])):
                columns[f"{col}_{s}"] = self._t(f"compare.column.{col}_side", side=label)
        small = (set(c.before.client.department_sizes().index.astype(str)) - vb) | (
            set(c.after.client.department_sizes().index.astype(str)) - va)
        note = self._t("compare.privacy.small_departments", k=self.min_group_size) if small or hidden else ""
        out = subheading(self._t("compare.structure.departments"), "structure-departments") + table(
            m, columns, formats={"span_mean_before": ".1", "span_mean_after": ".1"}, language=self.language,
            note=note)
        lb, la = c.before.structure.layers, c.after.structure.layers
        if lb is not None and la is not None and not (lb.empty and la.empty):
            layers = lb.merge(la, on="depth", how="outer", suffixes=("_before", "_after")).sort_values("depth")
            layers["layer"] = layers["depth"] + 1
            out = out + subheading(self._t("compare.structure.layers"), "structure-layers") + table(
                layers.astype({"people_before": "Int64", "people_after": "Int64"}),
                {"layer": self._t("compare.column.layer"),
                 "people_before": self._t("compare.column.headcount_side", side=self.labels[0]),
                 "people_after": self._t("compare.column.headcount_side", side=self.labels[1])},
                language=self.language)
        return out

    def _communication_detail(self) -> "HTML":
        from orgkit.plots.communication import plot_department_mixing
        from orgkit.report.blocks import interpretation, subheading, table

        c = self.comparison
        parts = []
        if c.ties is not None:
            tc = c.ties.counts
            rows = pd.DataFrame({"what": [self._t(f"compare.ties.{k}") for k in (
                "common", "internal_to_cross", "cross_to_internal", "internal_kept", "cross_kept", "before_only",
                "after_only")], "ties": [tc[k] for k in ("common", "internal_to_cross", "cross_to_internal",
                                                           "internal_kept", "cross_kept", "before_only", "after_only")]})
            parts.append(subheading(self._t("compare.ties.title"), "ties"))
            parts.append(table(rows, {"what": self._t("compare.column.ties_what"), "ties": self._t("compare.column.ties")},
                               language=self.language))
            by = c.tie_table()
            if not by.empty:
                parts.append(table(by, {"department": self._t("column.department"),
                                        "internal_before": self._t("compare.column.internal_side", side=self.labels[0]),
                                        "became_cross": self._t("compare.column.became_cross"),
                                        "internal_after": self._t("compare.column.internal_side", side=self.labels[1]),
                                        "became_internal": self._t("compare.column.became_internal")},
                                   caption=self._t("compare.ties.by_department"), language=self.language,
                                   note=self._t("compare.privacy.small_departments", k=self.min_group_size)))
            parts.append(interpretation(self._t(f"compare.ties.reading.{c.kind}")))
        for side, x, label in (("before", c.before, self.labels[0]), ("after", c.after, self.labels[1])):
            cm = x.communication
            if not cm.available or cm.mixing.empty or not cm.metrics.get("edges"):
                continue
            fig = plot_department_mixing(cm.mixing, silos=cm.metrics.get("silos") or [], language=self.language)
            parts.append(self._figure(fig, f"mixing_{side}", self._t("compare.caption.mixing", side=label)))
        if any(getattr(x.communication, "available", False) for x in (c.before, c.after)):
            parts.append(interpretation(self._t("interpret.mixing")))
        ei = self._ei_table()
        if ei is not None:
            parts.append(ei)
        from orgkit.report.blocks import HTML

        return HTML("".join(p.markup for p in parts), "block")

    def _ei_table(self) -> "HTML | None":
        from orgkit.report.blocks import table

        c = self.comparison

        def side(x: Any, visible: set[str], rename: dict[str, str]) -> pd.DataFrame:
            d = x.communication.departments
            if not x.communication.available or d is None or d.empty:
                return pd.DataFrame(columns=["department", "ei_index", "external_share"])
            d = d[~d["suppressed"].fillna(False).astype(bool) & d["department"].astype("str").isin(visible)]
            d = d[["department", "ei_index", "external_share"]].astype({"department": "str"})
            return d.assign(department=d["department"].replace(rename)) if rename else d

        b = side(c.before, c.visible("before"), c.department_map)
        a = side(c.after, c.visible("after"), {})
        if b.empty and a.empty:
            return None
        m = b.merge(a, on="department", how="outer", suffixes=("_before", "_after"))
        m["ei_change"] = m["ei_index_after"] - m["ei_index_before"]
        m = m.sort_values("ei_change", na_position="last")
        return table(m, {"department": self._t("column.department"),
                         "ei_index_before": self._t("compare.column.ei_side", side=self.labels[0]),
                         "ei_index_after": self._t("compare.column.ei_side", side=self.labels[1]),
                         "ei_change": self._t("compare.column.change"),
                         "external_share_after": self._t("compare.column.external_side", side=self.labels[1])},
                     formats={"ei_index_before": formatting.signed, "ei_index_after": formatting.signed,
                              "ei_change": formatting.signed, "external_share_after": "percent"},
                     caption=self._t("compare.ei.by_department"), language=self.language,
                     note=self._t("compare.privacy.small_departments", k=self.min_group_size))

    def _decisions_detail(self) -> "HTML":
        from orgkit.report.blocks import interpretation, subheading, table

        c = self.comparison
        d = c.decisions
        if d is None:
            return self._empty()
        s = d.summary
        lines = [self._t("compare.decisions.matched", common=formatting.integer(s["common"]),
                         rerouted=formatting.integer(s["rerouted"]), changed=formatting.integer(s["path_changed"]))]
        if s["path_changed"]:
            lines.append(self._t("compare.decisions.hops", before=formatting.decimals(s["hops_median_before"], 1),
                                 after=formatting.decimals(s["hops_median_after"], 1)))
        columns = {"decision_type": self._t("column.type"), "decisions": self._t("compare.column.decisions"),
                   "rerouted": self._t("compare.column.rerouted"), "path_changed": self._t("compare.column.path_changed"),
                   "hops_mean_before": self._t("compare.column.hops_side", side=self.labels[0]),
                   "hops_mean_after": self._t("compare.column.hops_side", side=self.labels[1]),
                   "escalated_share_before": self._t("compare.column.escalated_side", side=self.labels[0]),
                   "escalated_share_after": self._t("compare.column.escalated_side", side=self.labels[1])}
        return (subheading(self._t("compare.decisions.title"), "decision-changes") + interpretation(*lines)
                + table(d.by_type, columns, formats={"hops_mean_before": ".1", "hops_mean_after": ".1",
                                                     "escalated_share_before": "percent",
                                                     "escalated_share_after": "percent"},
                        language=self.language))

    def _survey_detail(self) -> "HTML":
        from orgkit.report.blocks import interpretation

        c = self.comparison
        if c.kind == "scenario":
            return interpretation(self._t("compare.unpredictable.survey"))
        return self._empty()

    # ---------------------------------------------------------------- limits and method
    def unpredictable(self) -> "HTML":
        """What the comparison cannot know, said plainly (never guessed)."""
        from orgkit.report.blocks import render_block, section_head

        c = self.comparison
        items = [self._t(f"compare.limits.{c.kind}"), *c.unpredictable_texts(self.language)]
        return section_head("limits", self._t("compare.limits.title")) + render_block("log", "limits", items=items)

    def appendix(self) -> "HTML":
        """How the comparison was made: parameters, the thresholds that decide matches, input files, software."""
        from importlib.metadata import PackageNotFoundError, version

        from orgkit._version import __version__
        from orgkit.i18n import format_date
        from orgkit.method import threshold_name
        from orgkit.report.blocks import appendix, section_head

        c = self.comparison
        params = {
            self._t("compare.appendix.kind"): self._t(f"compare.kicker.{c.kind}"),
            self._t("compare.cover.states"): self._t("compare.cover.pair", before=self.labels[0], after=self.labels[1]),
            self._t("appendix.parameter.language"): self._t(f"appendix.language.{self.language}"),
            self._t("appendix.parameter.min_group_size"): int(self.min_group_size),
            self._t("appendix.parameter.show_names"): self._t("word.yes" if self.show_names else "word.no"),
            self._t("appendix.parameter.date"): format_date(self.date, self.language),
        }
        if c.kind == "scenario":
            params[self._t("compare.appendix.plan")] = c.plan_name or "–"
        for key in ("compare.department.renamed_min", "compare.department.part_min"):
            if c.kind == "reassessment":
                params[threshold_name(key, self.language)] = formatting.percent(c.after.thresholds[key])
        from orgkit.i18n import has

        sources = []
        for label, x in zip(self.labels, (c.before, c.after)):
            for name, src in x.client.sources.items():
                shown = self._t(f"appendix.table.{name}") if has(f"appendix.table.{name}") else name
                sources.append({"table": self._t("compare.cover.pair_side", side=label, what=shown),
                                "file": src.path.name, "rows": src.rows, "encoding": src.encoding or src.format,
                                "sha256": src.sha256})
        versions = {"orgkit": __version__, "python": sys.version.split()[0]}
        for pkg in ("pandas", "numpy", "networkx", "matplotlib", "papermill", "nbconvert"):
            try:
                versions[pkg] = version(pkg)
            except PackageNotFoundError:
                versions[pkg] = "–"
        definitions = [(self._t(f"compare.definition.{d}.term"), self._t(f"compare.definition.{d}.text"))
                       for d in ("change", "reading", "overall", "not_assessed", "not_predicted", "matching")]
        return section_head("appendix", self._t("appendix.title")) + appendix(
            definitions=definitions, parameters=params, sources=sources, versions=versions, language=self.language,
            footer=self._t("compare.appendix.footer", version=__version__, date=self.date, file=COMPARISON_JSON))

    def record(self) -> None:
        """Write ``comparison.json`` to the output folder (nothing without one); :attr:`data` holds the same dict."""
        from orgkit.files.atomic import write_json

        self.data = self.comparison.to_dict()
        self.data["labels"] = {"before": self.labels[0], "after": self.labels[1]}
        if self.output_dir is not None:
            write_json(self.output_dir / COMPARISON_JSON, self.data)
            logger.info("wrote %s", self.output_dir / COMPARISON_JSON)

    def deck(self, path: str | os.PathLike[str] | None, template: str | os.PathLike[str] | None = None) -> None:
        """Write the comparison as an editable PowerPoint deck
        (:func:`orgkit.report.comparison_deck.write_comparison_deck`): what was compared, the headline metrics
        before and after, the findings that appear or disappear, who is affected, what cannot be predicted and,
        for a scenario, the plan's log.

        Parameters
        ----------
        path : path or None
            The ``.pptx`` to write (replaced only when orgkit wrote it and nobody changed it since); empty or
            ``None`` writes nothing, so the notebook calls this whether a deck was asked for or not.
        template : path, optional
            A firm's ``.pptx`` template whose masters, layouts, fonts and colours the slides use.

        Returns nothing, so the cell shows nothing; :attr:`deck_path` is the file written.
        """
        from orgkit.report.comparison_deck import write_comparison_deck

        if not path:
            return
        self.deck_path = write_comparison_deck(self, path, template=template or None)

    def __repr__(self) -> str:
        c = self.comparison
        return (f"<ComparisonBook {c.kind} {c.after.client.settings.name!r}: {c.before.client.n_people} -> "
                f"{c.after.client.n_people} people, language {self.language}>")


def open_comparison(
    client_dir: str = "",
    plan: str = "",
    old_dir: str = "",
    new_dir: str = "",
    output_dir: str = "",
    *,
    language: str = "",
    min_group_size: int = 0,
    show_names: bool = False,
    parallel: bool = False,
) -> ComparisonBook:
    """Load, apply or match, assess both states and compare, for the comparison notebook.

    Parameters
    ----------
    client_dir, plan : str
        A scenario: the client folder and the plan file (:func:`orgkit.scenario.plan.load_plan`).
    old_dir, new_dir : str
        A reassessment: the earlier and the later snapshot's folders.
    output_dir : str
        Where ``comparison.json`` and ``figures/`` go; ``""`` writes nothing.
    language : str
        ``""`` keeps ``client.yml``'s.
    min_group_size : int
        ``0`` keeps ``client.yml``'s.
    show_names : bool
        Show people's names beside their ids.
    parallel : bool
        ``parallel`` of :func:`orgkit.scenario.compare.compare_states`.

    Returns
    -------
    ComparisonBook

    Notes
    -----
    With neither a plan nor two snapshots, the bundled sample client is compared with a synthetic later
    snapshot of it (:func:`orgkit.scenario.snapshots.later_snapshot`), so "Run All" works as committed.
    """
    from orgkit.data.loading import load_client
    from orgkit.errors import ConfigError
    from orgkit.scenario.compare import compare_states
    from orgkit.scenario.snapshots import compare_snapshots, later_snapshot

    overrides = {"language": language or None, "min_group_size": min_group_size or None,
                 "show_names": True if show_names else None}
    if plan:
        if not client_dir or old_dir or new_dir:
            raise ConfigError("a plan is applied to one client: give client_dir and plan, not old_dir or new_dir.")
        from orgkit.scenario.apply import apply_plan
        from orgkit.scenario.plan import load_plan

        client = load_client(client_dir, **overrides)
        the_plan = load_plan(plan)
        result = apply_plan(client, the_plan)
        name = str(getattr(the_plan, "name", "") or Path(plan).stem)
        comparison = compare_states(client, result.client, kind="scenario", plan=result, plan_name=name,
                                    parallel=parallel)
        return ComparisonBook(comparison, output_dir or None, show_names=show_names or None)
    if bool(old_dir) != bool(new_dir) or client_dir:
        raise ConfigError("compare two snapshots with old_dir and new_dir, or apply a plan with client_dir and plan.")
    if old_dir:
        old, new = load_client(old_dir, **overrides), load_client(new_dir, **overrides)
        comparison = compare_snapshots(old, new, parallel=parallel)
        return ComparisonBook(comparison, output_dir or None, show_names=show_names or None)
    from orgkit.data.sample import sample_client_path

    old = load_client(sample_client_path(), **overrides)
    new = later_snapshot(old, seed=1, renames=_sample_renames(old))
    comparison = compare_snapshots(old, new, parallel=parallel)
    labels = (t("compare.sample.old", comparison.language), t("compare.sample.new", comparison.language))
    return ComparisonBook(comparison, output_dir or None, labels=labels, show_names=show_names or None)


def _sample_renames(client: Any) -> dict[str, str]:
    """The demonstration's rename: the second-largest department gets a new name (in the client's language)."""
    sizes = client.department_sizes()
    if len(sizes) < 2:
        return {}
    name = str(sizes.index[1])
    return {name: t("compare.sample.renamed", client.settings.language, name=name)}
