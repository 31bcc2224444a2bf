"""HTML building blocks of the report: cover, scorecard, section heads, tables, figures, lists, appendix.

Every block is an :class:`HTML` object (Jupyter displays it as ``text/html``) built from plain data;
every piece of text that comes from a client's data is escaped here, so a department called
``<script>`` is shown as text. Tables are real ``<table>`` elements; figures are SVGs (text drawn by the reader's browser) embedded as
``data:`` URIs (and written to ``figures/`` when an output folder is given), so the HTML file is
self-contained. Rows of groups smaller than the minimum group size never reach a table.
"""

from __future__ import annotations

import base64
import html
import math
import numbers
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "HTML",
    "text",
    "escape",
    "fmt_number",
    "cover",
    "section_head",
    "subheading",
    "paragraphs",
    "interpretation",
    "empty_note",
    "table",
    "figure",
    "scorecard",
    "findings_list",
    "recommendations_list",
    "data_quality",
    "appendix",
    "definition_list",
    "TEXT",
    "DEFINITIONS",
]

#: Fixed text of the report in every language; ``text(key, language)`` reads it.
TEXT: dict[str, dict[str, str]] = {
    "kicker": {"en": "Organisation assessment", "zh": "组织诊断报告"},
    "client": {"en": "Client", "zh": "客户"},
    "date": {"en": "Date", "zh": "日期"},
    "headcount": {"en": "Headcount", "zh": "总人数"},
    "departments": {"en": "Departments", "zh": "部门数"},
    "stage": {"en": "Stage", "zh": "发展阶段"},
    "stage_startup": {"en": "start-up", "zh": "初创期"},
    "stage_mid": {"en": "mid-size", "zh": "成长期（中型）"},
    "stage_large": {"en": "large", "zh": "成熟期（大型）"},
    "stage_auto_note": {"en": "derived from headcount", "zh": "按人数推断"},
    "cover_note": {
        "en": "People are shown by employee id or role{names}. Groups of fewer than {k} people are not shown "
              "in any table or figure.",
        "zh": "人员以工号或岗位标识{names}。人数少于 {k} 人的群体不会出现在任何表格或图表中。",
    },
    "names_shown": {"en": " (names shown at the client's request)", "zh": "（应客户要求显示姓名）"},
    "summary": {"en": "Executive summary", "zh": "摘要"},
    "summary_lead": {
        "en": "Scores run from 0 to 100 (higher is better): green from 70, amber from 50, red below 50.",
        "zh": "得分范围 0–100（越高越好）：70 分及以上为绿色，50–69 分为黄色，50 分以下为红色。",
    },
    "score": {"en": "score", "zh": "得分"},
    "overall": {"en": "Overall", "zh": "综合得分"},
    "no_score": {"en": "not scored", "zh": "未评分"},
    "status_red": {"en": "Red", "zh": "红"},
    "status_amber": {"en": "Amber", "zh": "黄"},
    "status_green": {"en": "Green", "zh": "绿"},
    "status_grey": {"en": "No data", "zh": "无数据"},
    "area_structure": {"en": "Structure fit", "zh": "组织结构匹配度"},
    "area_communication": {"en": "Communication", "zh": "沟通网络"},
    "area_decisions": {"en": "Decision paths", "zh": "决策路径"},
    "area_survey": {"en": "Employee survey", "zh": "员工调研"},
    "intro_structure": {
        "en": "How people are grouped and managed: the reporting tree, spans of control, layers, which business "
              "functions exist for a company of this stage, and who is responsible for what.",
        "zh": "人员如何分组与管理：汇报关系、管理幅度、层级数量、与当前发展阶段相比应设置的业务职能，以及职责分工。",
    },
    "intro_communication": {
        "en": "Who talks to whom: how much departments communicate with each other, which ones keep to "
              "themselves (silos) and who connects them (brokers).",
        "zh": "谁与谁沟通：部门之间的沟通量、哪些部门相对封闭（信息孤岛），以及谁在部门之间起桥梁作用。",
    },
    "intro_decisions": {
        "en": "How far decisions travel: reporting lines between the person who raises a decision and the person "
              "who takes it, approvals on the way, and the days it takes.",
        "zh": "决策要走多远：从发起人到决策人之间的汇报层级、途经的审批环节，以及所需的天数。",
    },
    "intro_survey": {
        "en": "What employees say: scores per dimension and department, and the items that stand out.",
        "zh": "员工怎么说：各维度、各部门的得分，以及表现突出的题目。",
    },
    "findings": {"en": "Findings", "zh": "主要发现"},
    "recommendations": {"en": "Recommendations", "zh": "改进建议"},
    "recommendations_lead": {
        "en": "Each recommendation follows from the findings and quotes the numbers behind it.",
        "zh": "每条建议均源于上述发现，并注明其依据的数据。",
    },
    "because": {"en": "Because", "zh": "依据"},
    "no_recommendations": {"en": "Nothing calls for action on these data.", "zh": "根据现有数据，暂无需要采取行动的事项。"},
    "data_quality": {"en": "Data quality", "zh": "数据质量"},
    "data_quality_lead": {
        "en": "What orgkit noticed and handled while loading the files. None of it stopped the assessment.",
        "zh": "读取文件时发现并已处理的问题，均未影响本次评估。",
    },
    "no_warnings": {"en": "No warnings: every row of every file was used.", "zh": "无警告：所有文件的每一行均已使用。"},
    "appendix": {"en": "Appendix: method and run", "zh": "附录：方法与运行信息"},
    "method": {"en": "Definitions", "zh": "指标定义"},
    "run_parameters": {"en": "Parameters of this run", "zh": "本次运行参数"},
    "inputs": {"en": "Input files", "zh": "输入文件"},
    "versions": {"en": "Software", "zh": "软件版本"},
    "file": {"en": "File", "zh": "文件"},
    "table": {"en": "Table", "zh": "数据表"},
    "rows": {"en": "Rows", "zh": "行数"},
    "encoding": {"en": "Encoding", "zh": "编码"},
    "sha256": {"en": "SHA-256", "zh": "SHA-256"},
    "parameter": {"en": "Parameter", "zh": "参数"},
    "value": {"en": "Value", "zh": "取值"},
    "package": {"en": "Package", "zh": "软件包"},
    "version": {"en": "Version", "zh": "版本"},
    "not_available": {"en": "Not available: {reason}.", "zh": "无法评估：{reason}。"},
    "suppressed_rows": {
        "en": "{n} group(s) with fewer than {k} people are not shown.",
        "zh": "另有 {n} 个人数少于 {k} 人的群体未显示。",
    },
    "generated_by": {"en": "Generated by orgkit {version} on {date}.", "zh": "由 orgkit {version} 于 {date} 生成。"},
    "figure": {"en": "Figure", "zh": "图"},
    "metric": {"en": "Metric", "zh": "指标"},
    "meaning": {"en": "Meaning", "zh": "含义"},
    "formula": {"en": "Formula", "zh": "公式"},
    "reference": {"en": "Reference", "zh": "参考文献"},
    "metrics_json_note": {"en": "Every key of metrics.json is defined in docs/metrics.md.",
                          "zh": "metrics.json 中所有字段的定义见 docs/metrics.md。"},
    "na_structure": {"en": "No structure data could be assessed", "zh": "没有可评估的组织结构数据"},
    "na_communication": {"en": "No communication data was given (communication.csv), so this area is not assessed",
                         "zh": "未提供沟通数据（communication.csv），因此未评估此项"},
    "na_decisions": {"en": "No decision records (decisions.csv) and no reporting lines were given, so this area is not assessed",
                     "zh": "未提供决策记录（decisions.csv）和汇报关系，因此未评估此项"},
    "na_decisions_proxy": {"en": "No decision records (decisions.csv) were given: the score below is a structural proxy, "
                                 "the distance from each person to the top and to their department head",
                           "zh": "未提供决策记录（decisions.csv）：以下得分为结构代理指标，即每位员工与最高层及其部门负责人之间的距离"},
    "na_survey": {"en": "No employee survey (survey.csv) was given, so this area is not assessed",
                  "zh": "未提供员工调研数据（survey.csv），因此未评估此项"},
    "na_hierarchy": {"en": "The people file has no manager column, so the org chart, spans and layers cannot be drawn",
                     "zh": "人员文件中没有上级字段，因此无法绘制组织架构图、管理幅度和层级"},
    "na_raci": {"en": "No responsibilities table (responsibilities.csv) was given, so RACI gaps and overlaps are not checked",
                "zh": "未提供职责分工表（responsibilities.csv），因此未检查职责缺位与重叠"},
    "h_org_chart": {"en": "Org chart", "zh": "组织架构图"},
    "h_spans": {"en": "Spans of control", "zh": "管理幅度"},
    "h_layers": {"en": "Layers", "zh": "管理层级"},
    "h_coverage": {"en": "Functions against the stage", "zh": "职能设置与发展阶段的匹配"},
    "h_departments": {"en": "Departments", "zh": "部门概况"},
    "h_raci": {"en": "Responsibilities (RACI)", "zh": "职责分工（RACI）"},
    "h_heatmap": {"en": "Communication between departments", "zh": "部门间沟通"},
    "h_network": {"en": "The communication network", "zh": "沟通网络"},
    "h_ei": {"en": "Openness per department (E-I index)", "zh": "各部门开放度（E-I 指数）"},
    "h_brokers": {"en": "Brokers", "zh": "桥梁人物"},
    "h_paths": {"en": "Hops and approvals", "zh": "汇报跳数与审批"},
    "h_latency": {"en": "Time to decide", "zh": "决策耗时"},
    "h_by_type": {"en": "By decision type", "zh": "按决策类型"},
    "h_longest": {"en": "The longest paths", "zh": "路径最长的决策"},
    "h_structural": {"en": "Distance to the top and to department heads", "zh": "与最高层及部门负责人的距离"},
    "h_survey_dimensions": {"en": "Scores by department and dimension", "zh": "各部门、各维度得分"},
    "h_survey_items": {"en": "Answers per question", "zh": "各题目作答分布"},
    "h_response": {"en": "Response rates", "zh": "回复率"},
    "h_survey_reliability": {"en": "Reliability and agreement", "zh": "信度与一致性"},
    "h_rwg": {"en": "Agreement within departments (rwg)", "zh": "部门内部一致性（rwg）"},
    "h_survey_change": {"en": "Change since the previous survey", "zh": "与上一次调研相比的变化"},
    "h_survey_change_departments": {"en": "Change of the mean per department", "zh": "各部门平均分的变化"},
    "h_survey_links": {"en": "What people say beside what the data shows", "zh": "员工感受与数据表现对照"},
    "int_alpha": {"en": "Cronbach's alpha says whether a dimension's questions measure one thing: at 0.7 or above its "
                        "mean can be read as one score; below it, read its questions one by one, starting with those "
                        "whose removal would raise alpha.",
                  "zh": "Cronbach's α 反映一个维度的题目是否测量同一件事：达到 0.7 及以上时，可以把该维度的平均分当作一个整体得分来解读；"
                        "低于 0.7 时应逐题解读，优先关注删除后会提高 α 的题目。"},
    "int_rwg": {"en": "A department mean describes its people when rwg ≥ 0.7 (they largely agree); below it the mean "
                      "hides a split. ICC(1) is the share of differences between people that lies between departments "
                      "(0.05-0.20 is usual): near 0, the department explains little of how people answer.",
                "zh": "rwg ≥ 0.7 时，部门平均分能代表部门成员的看法（成员意见基本一致）；低于 0.7 时，平均分掩盖了内部分歧。"
                      "ICC(1) 是个体差异中由部门间差异解释的比例（通常为 0.05–0.20）：接近 0 说明部门对作答影响很小。"},
    "int_change": {"en": "{n_sig} of {n_dims} dimensions changed by more than noise since the previous wave "
                         "(Welch's t-test, p < 0.05){detail}.",
                   "zh": "与上一次调研相比，{n_dims} 个维度中有 {n_sig} 个的变化超出随机波动（Welch t 检验，p < 0.05）{detail}。"},
    "int_change_none": {"en": "No previous survey wave was given (survey_previous.csv), so change over time is not shown.",
                        "zh": "未提供上一次调研数据（survey_previous.csv），因此不显示变化。"},
    "int_links": {"en": "A silo people also feel is a department that rates communication below 3.5 of 5 and keeps its "
                        "ties inside (a structural silo): the survey and the communication data agree.",
                  "zh": "“切身感受到的孤岛”指对跨部门沟通评分低于 3.5/5 分、且沟通关系集中在部门内部（结构性孤岛）的部门：调研结果与沟通数据相互印证。"},
    "col_low_alpha": {"en": "Below 0.7", "zh": "低于 0.7"},
    "col_items_lowering": {"en": "Questions lowering alpha", "zh": "降低 α 的题目"},
    "col_icc1": {"en": "ICC(1)", "zh": "ICC(1)"},
    "col_rwg_mean": {"en": "Mean rwg", "zh": "rwg 均值"},
    "col_rwg_departments": {"en": "Departments", "zh": "部门数"},
    "col_mean_prev": {"en": "Mean before", "zh": "上次平均分"},
    "col_mean_now": {"en": "Mean now", "zh": "本次平均分"},
    "col_mean_change": {"en": "Change", "zh": "变化"},
    "col_fav_prev": {"en": "Favourable before", "zh": "上次认同比例"},
    "col_fav_now": {"en": "Favourable now", "zh": "本次认同比例"},
    "col_fav_change": {"en": "Change (points)", "zh": "变化（百分点）"},
    "col_p_value": {"en": "p (Welch)", "zh": "p 值（Welch）"},
    "col_beyond_noise": {"en": "Beyond noise", "zh": "超出随机波动"},
    "col_hops_dept": {"en": "Mean hops of its decisions", "zh": "其决策平均跳数"},
    "col_felt_silo": {"en": "Silo people feel", "zh": "切身感受到的孤岛"},
    "change_sig_note": {"en": "* beyond noise (Welch's t-test, p < 0.05).", "zh": "* 超出随机波动（Welch t 检验，p < 0.05）。"},
    "cap_org_chart_people": {"en": "Everyone by employee id, coloured by department.", "zh": "按工号显示全部人员，颜色代表部门。"},
    "cap_org_chart_managers": {"en": "Managers only; the number in each circle is the size of that manager's team (direct reports), colours are departments.",
                               "zh": "仅显示管理者；圆圈中的数字为其直接下属人数，颜色代表部门。"},
    "cap_org_chart_departments": {"en": "One node per department under the department its most senior member reports to; the number is its headcount.",
                                  "zh": "每个节点代表一个部门，位于其最高级成员所汇报的部门之下；数字为部门人数。"},
    "cap_spans": {"en": "Managers by number of direct reports; green is the healthy range of {lo}-{hi}.",
                  "zh": "按直接下属人数统计的管理者数量；绿色为 {lo}–{hi} 人的合理区间。"},
    "cap_layers": {"en": "People per layer, the top first; amber layers lie beyond the minimum this headcount needs at the mean span.",
                   "zh": "各层级人数（自上而下）；黄色为超出该规模在平均管理幅度下所需最少层级的部分。"},
    "cap_heatmap": {"en": "Tie density between departments: the share of possible pairs of people who communicate. The diagonal is within a department.",
                    "zh": "部门之间的沟通密度：可能的人员配对中实际发生沟通的比例。对角线为部门内部。"},
    "cap_network": {"en": "People as dots coloured by department, ties as lines; brokers are circled. The layout is seeded and reproducible.",
                    "zh": "每个点代表一名员工，颜色代表部门，连线代表沟通关系；圈出的是桥梁人物。布局使用固定随机种子，可复现。"},
    "cap_ei": {"en": "Each department's E-I index (dot) against what random mixing would give a department of its size (bar).",
               "zh": "各部门的 E-I 指数（圆点）与同等规模部门在随机混合下的基准值（竖线）。"},
    "cap_paths": {"en": "Decisions by reporting lines between initiator and decider (left) and by number of approvals (right).",
                  "zh": "按发起人与决策人之间的汇报线数量（左）和审批人数（右）统计的决策数量。"},
    "cap_latency": {"en": "Days from raising to deciding, per decision type (box: middle half; line: median).",
                    "zh": "各类决策从发起到决定的天数（箱体：中间 50%；竖线：中位数）。"},
    "cap_survey_heatmap": {"en": "Mean score per department and dimension (1-5).", "zh": "各部门、各维度平均分（1–5 分）。"},
    "cap_survey_items": {"en": "Unfavourable, neutral and favourable answers per question.", "zh": "各题目的不认同、中立与认同比例。"},
    "int_org_chart": {"en": "{people} people in {departments} departments and {layers} layers; {managers} of them manage others.",
                      "zh": "共 {people} 人，分属 {departments} 个部门、{layers} 个层级，其中 {managers} 人担任管理者。"},
    "int_heatmap": {"en": "A dark diagonal with a pale rest means departments talk mostly to themselves; dark cells off the diagonal are the working relationships between departments.",
                    "zh": "对角线颜色深而其余部分浅，说明各部门主要在内部沟通；对角线以外的深色格子代表部门之间的协作关系。"},
    "int_ei": {"en": "The E-I index runs from −1 (every tie inside the department) to +1 (every tie outside). A department left of its mark keeps more ties inside than random mixing would; a silo sits far left of it and keeps fewer than one tie in five outside.",
               "zh": "E-I 指数从 −1（全部沟通在部门内部）到 +1（全部在部门外部）。位于基准左侧的部门，内部沟通多于随机混合的预期；信息孤岛远低于基准，且对外沟通不足五分之一。"},
    "int_brokers": {"en": "Brokers sit on many of the shortest paths between colleagues (betweenness). They carry information across the organisation, and it depends on them.",
                    "zh": "桥梁人物位于同事之间的大量最短路径上（中介中心性）。他们在组织内传递信息，组织也因此依赖他们。"},
    "int_paths": {"en": "A hop is one reporting line between the person who raises a decision and the person who takes it; 0 means they decide themselves.",
                  "zh": "一跳即发起人与决策人之间的一条汇报线；0 表示发起人自己做出决定。"},
    "col_department": {"en": "Department", "zh": "部门"},
    "col_headcount": {"en": "People", "zh": "人数"},
    "col_managers": {"en": "Managers", "zh": "管理者"},
    "col_span_mean": {"en": "Mean span", "zh": "平均管理幅度"},
    "col_layers": {"en": "Layers", "zh": "层级数"},
    "col_functions": {"en": "Functions", "zh": "职能"},
    "col_function": {"en": "Function", "zh": "职能"},
    "col_core": {"en": "Core at this stage", "zh": "该阶段核心职能"},
    "col_status": {"en": "Status", "zh": "状态"},
    "col_departments": {"en": "Departments", "zh": "部门"},
    "col_responsibility": {"en": "Responsibility", "zh": "职责"},
    "col_issue": {"en": "Issue", "zh": "问题"},
    "col_role": {"en": "Role", "zh": "角色"},
    "col_size": {"en": "People", "zh": "人数"},
    "col_ei": {"en": "E-I index", "zh": "E-I 指数"},
    "col_ei_expected": {"en": "Random mixing", "zh": "随机混合基准"},
    "col_external_share": {"en": "Ties leaving", "zh": "对外沟通占比"},
    "col_density": {"en": "Internal density", "zh": "内部密度"},
    "col_silo": {"en": "Silo", "zh": "孤岛"},
    "col_person": {"en": "Person", "zh": "人员"},
    "col_betweenness": {"en": "Betweenness", "zh": "中介中心性"},
    "col_reached": {"en": "Other departments reached", "zh": "连接的其他部门数"},
    "col_degree": {"en": "Ties", "zh": "沟通对象数"},
    "col_decision": {"en": "Decision", "zh": "决策编号"},
    "col_type": {"en": "Type", "zh": "类型"},
    "col_initiator": {"en": "Raised by", "zh": "发起人"},
    "col_decider": {"en": "Decided by", "zh": "决策人"},
    "col_hops": {"en": "Hops", "zh": "跳数"},
    "col_approvals": {"en": "Approvals", "zh": "审批数"},
    "col_days": {"en": "Days", "zh": "天数"},
    "col_count": {"en": "Decisions", "zh": "决策数"},
    "col_hops_mean": {"en": "Mean hops", "zh": "平均跳数"},
    "col_approvals_mean": {"en": "Mean approvals", "zh": "平均审批数"},
    "col_latency_median": {"en": "Median days", "zh": "耗时中位数（天）"},
    "col_escalated": {"en": "Escalated", "zh": "上报比例"},
    "col_distance_top": {"en": "Mean distance to top", "zh": "与最高层平均距离"},
    "col_distance_head": {"en": "Mean distance to head", "zh": "与部门负责人平均距离"},
    "col_dimension": {"en": "Dimension", "zh": "维度"},
    "col_mean": {"en": "Mean (1-5)", "zh": "平均分（1–5）"},
    "col_favourable": {"en": "Favourable", "zh": "认同比例"},
    "col_respondents": {"en": "Respondents", "zh": "回答人数"},
    "col_alpha": {"en": "Cronbach's alpha", "zh": "Cronbach's α"},
    "col_response_rate": {"en": "Response rate", "zh": "回复率"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "fn_present": {"en": "present", "zh": "已设置"},
    "fn_merged": {"en": "merged", "zh": "合并设置"},
    "fn_split": {"en": "split", "zh": "分散设置"},
    "fn_missing": {"en": "missing", "zh": "缺失"},
    "fn_absent": {"en": "not needed yet", "zh": "暂不需要"},
    "fn_covered": {"en": "covered by an alternative", "zh": "由替代职能覆盖"},
    "issue_no_accountable": {"en": "no accountable department", "zh": "无负责部门（A）"},
    "issue_multiple_accountable": {"en": "several accountable departments", "zh": "多个负责部门（A）"},
    "issue_no_responsible": {"en": "no responsible department", "zh": "无执行部门（R）"},
    "issue_overlapping_responsible": {"en": "several responsible departments", "zh": "多个执行部门（R）"},
    "small_groups": {"en": "{n} small group(s)", "zh": "{n} 个小群体"},
    "other_group": {"en": "Other (small groups)", "zh": "其他（小群体）"},
    "raci_clear": {"en": "Every responsibility has exactly one accountable and one responsible department.",
                   "zh": "每项职责都恰好有一个负责部门和一个执行部门。"},
    "no_silos_found": {"en": "No department meets the silo rule.", "zh": "没有部门符合信息孤岛的判定标准。"},
    "no_brokers": {"en": "Nobody sits between others: the network has no brokers.", "zh": "网络中没有桥梁人物。"},
    "small_department_warning": {
        "en": "{n} department(s) have fewer than {k} people; their numbers are not shown anywhere.",
        "zh": "{n} 个部门人数少于 {k} 人，其数据不在任何地方显示。",
    },
}


def text(key: str, language: str = "en", **values: Any) -> str:
    """The fixed text ``key`` in ``language`` (English when a translation is missing), formatted.

    Examples
    --------
    >>> text("summary", "zh")
    '摘要'
    """
    entry = TEXT[key]
    s = entry.get(language) or entry["en"]
    return s.format(**values) if values else s


class HTML:
    """A block of HTML that Jupyter displays as ``text/html`` (and prints as its short summary).

    Parameters
    ----------
    markup : str
        Trusted markup built by this module (data values inside it are already escaped).
    kind : str
        What the block is, for ``repr``.
    """

    __slots__ = ("markup", "kind")

    def __init__(self, markup: str, kind: str = "block"):
        self.markup = markup
        self.kind = kind

    def _repr_html_(self) -> str:
        return self.markup

    def __html__(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return f"<orgkit {self.kind}: {len(self.markup)} characters of HTML>"

    def __add__(self, other: "HTML") -> "HTML":
        return HTML(self.markup + other.markup, self.kind)


def escape(value: Any) -> str:
    """``value`` as text safe inside HTML (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def fmt_number(value: Any, digits: int = 1, *, percent: bool = False, na: str = "–") -> str:
    """A number for a reader: thousands separators, ``digits`` decimals, integers without decimals.

    Examples
    --------
    >>> fmt_number(1234.5678)
    '1,234.6'
    >>> fmt_number(12.0)
    '12'
    >>> fmt_number(0.253, percent=True)
    '25%'
    >>> fmt_number(None)
    '–'
    """
    if value is None:
        return na
    if isinstance(value, bool):
        return "✓" if value else "✗"
    try:
        if pd.isna(value):
            return na
    except (TypeError, ValueError):
        pass
    if not isinstance(value, numbers.Number):
        return str(value)
    v = float(value)
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if percent:
        return f"{v * 100:,.0f}%"
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.{digits}f}"


# --------------------------------------------------------------------------------------------------
# Text blocks
# --------------------------------------------------------------------------------------------------
def cover(
    client_name: str,
    *,
    date: str,
    headcount: int,
    departments: int,
    stage: str,
    stage_auto: bool = False,
    min_group_size: int = 5,
    show_names: bool = False,
    language: str = "en",
) -> HTML:
    """The first block of the report: client, date, headcount, departments and stage.

    Parameters
    ----------
    client_name : str
        The client's display name (escaped).
    date : str
        The date of the run, ISO format.
    headcount, departments : int
    stage : str
        ``startup``, ``mid`` or ``large``.
    stage_auto : bool
        Whether the stage was derived from headcount (said on the cover).
    min_group_size : int
    show_names : bool
    language : {"en", "zh"}
    """
    stage_text = text(f"stage_{stage}", language) if f"stage_{stage}" in TEXT else str(stage)
    if stage_auto:
        stage_text += f" ({text('stage_auto_note', language)})" if language == "en" else f"（{text('stage_auto_note', language)}）"
    meta = [
        ("date", escape(date)),
        ("headcount", fmt_number(headcount)),
        ("departments", fmt_number(departments)),
        ("stage", escape(stage_text)),
    ]
    dl = "".join(f"<div><dt>{text(k, language)}</dt><dd>{v}</dd></div>" for k, v in meta)
    note = text("cover_note", language, k=min_group_size, names=text("names_shown", language) if show_names else "")
    return HTML(
        f'<header class="ok-cover" id="cover"><div class="ok-kicker">{text("kicker", language)}</div>'
        f"<h1>{escape(client_name)}</h1><dl class=\"ok-meta\">{dl}</dl>"
        f'<p class="ok-note">{escape(note)}</p></header>',
        "cover",
    )


def section_head(
    area: str,
    title: str,
    lead: str = "",
    *,
    status: str | None = None,
    status_label: str | None = None,
    keep_with_previous: bool = False,
) -> HTML:
    """A section heading (``<h2 id=area>``) with an optional status pill and a one-paragraph lead."""
    pill = f' <span class="ok-status ok-{escape(status)}">{escape(status_label or status)}</span>' if status else ""
    cls = "ok-section-head ok-keep" if keep_with_previous else "ok-section-head"
    lead_html = f'<p class="ok-lead">{escape(lead)}</p>' if lead else ""
    return HTML(f'<section class="{cls}" id="{escape(area)}"><h2>{escape(title)}{pill}</h2>{lead_html}</section>', "section")


def subheading(title: str, anchor: str | None = None) -> HTML:
    """A third-level heading inside a section."""
    ident = f' id="{escape(anchor)}"' if anchor else ""
    return HTML(f'<h3 class="ok-sub"{ident}>{escape(title)}</h3>', "subheading")


def paragraphs(*texts: str, cls: str = "ok-block") -> HTML:
    """Plain paragraphs (each escaped)."""
    body = "".join(f"<p>{escape(t)}</p>" for t in texts if t)
    return HTML(f'<div class="{cls}">{body}</div>', "paragraphs")


def interpretation(*texts: str) -> HTML:
    """What a figure or table means, set off beside it."""
    return paragraphs(*texts, cls="ok-interpret")


def empty_note(message: str) -> HTML:
    """The one line a section shows when it has no data."""
    return HTML(f'<p class="ok-empty">{escape(message)}</p>', "empty")


# --------------------------------------------------------------------------------------------------
# Tables and figures
# --------------------------------------------------------------------------------------------------
Formatter = Callable[[Any], str]


def _formatter(spec: str | Formatter | None) -> Formatter:
    if callable(spec):
        return spec
    if spec == "percent":
        return lambda v: fmt_number(v, percent=True)
    if spec is not None and spec.startswith("."):
        digits = int(spec[1:].rstrip("f") or 1)
        return lambda v: fmt_number(v, digits)
    return lambda v: fmt_number(v) if isinstance(v, numbers.Number) else ("–" if v is None or (not isinstance(v, str) and _isna(v)) else str(v))


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | Sequence[str] | None = None,
    *,
    formats: Mapping[str, str | Formatter] | None = None,
    caption: str | None = None,
    min_group_size: int | None = None,
    language: str = "en",
    max_rows: int | None = None,
    note: str | None = None,
) -> HTML:
    """A DataFrame as a real, escaped HTML ``<table>`` inside a horizontally scrolling wrapper.

    Parameters
    ----------
    frame : DataFrame
        The rows to show. Rows flagged ``suppressed`` (see :func:`orgkit.privacy.suppress_small_groups`)
        are dropped entirely (their labels too), and counted in a note under the table.
    columns : mapping or sequence, optional
        The columns to show, in order; a mapping gives each its header. Default: every column except
        ``suppressed``.
    formats : mapping, optional
        Per column: ``"percent"``, ``".2"`` (decimals) or a callable returning text.
    caption : str, optional
    min_group_size : int, optional
        Used in the note about dropped rows.
    language : {"en", "zh"}
    max_rows : int, optional
        Show at most this many rows.
    note : str, optional
        A line under the table.

    Returns
    -------
    HTML
        Numeric columns are right-aligned; missing values show as ``–``.
    """
    df = frame
    hidden = 0
    if "suppressed" in df.columns:
        mask = df["suppressed"].fillna(False).astype(bool).to_numpy()
        hidden = int(mask.sum())
        df = df.loc[~mask]
    if columns is None:
        columns = [c for c in df.columns if c != "suppressed"]
    headers = dict(columns) if isinstance(columns, Mapping) else {c: str(c) for c in columns}
    cols = [c for c in headers if c in df.columns]
    if max_rows is not None:
        df = df.head(max_rows)
    formats = dict(formats or {})
    numeric = {c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in cols}
    fmts = {c: _formatter(formats.get(c)) for c in cols}
    num_cls = ' class="ok-num"'
    head = "".join(f'<th scope="col"{num_cls if numeric[c] else ""}>{escape(headers[c])}</th>' for c in cols)
    body_rows = []
    for values in df[cols].itertuples(index=False, name=None):
        cells = []
        for c, v in zip(cols, values):
            shown = fmts[c](v)
            classes = []
            if numeric[c]:
                classes.append("ok-num")
            if shown == "–":
                classes.append("ok-na")
            cls = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{cls}>{escape(shown)}</td>")
        body_rows.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    notes = []
    if hidden and min_group_size is not None:
        notes.append(text("suppressed_rows", language, n=hidden, k=min_group_size))
    if note:
        notes.append(note)
    note_html = "".join(f'<p class="ok-table-note">{escape(n)}</p>' for n in notes)
    return HTML(
        f'<div class="ok-table-wrap"><table class="ok-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body_rows)}</tbody></table></div>{note_html}",
        "table",
    )


def figure(
    fig: Any,
    name: str,
    *,
    caption: str = "",
    alt: str = "",
    output_dir: str | os.PathLike[str] | None = None,
    dpi: int | None = None,
    width: int | None = None,
) -> HTML:
    """A matplotlib figure as an embedded SVG image in ``<figure>``, also written to ``output_dir/figures/``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure, str or bytes
        The figure, an SVG document already drawn (str), or PNG bytes already drawn.
    name : str
        File stem in ``figures/`` (``[a-z0-9_-]`` only).
    caption, alt : str
        Caption under the figure and the image's alternative text (both escaped).
    output_dir : path, optional
        The report folder; ``None`` writes no file.
    dpi : int, optional
        Pixels per inch of a figure's parts drawn as pixels (default
        :data:`orgkit.plots._style.FIGURE_DPI`).
    width : int, optional
        Display width in CSS pixels (default: the width of the page).

    Notes
    -----
    The SVG keeps its text as text (:func:`orgkit.plots._style.figure_svg`): the reader's browser draws
    labels with its own fonts, so Chinese labels show on any machine that can read the report, whatever
    fonts the machine that made it had. ``figures/<name>.svg`` is the same drawing.
    """
    from orgkit.plots._style import FIGURE_DPI, figure_svg

    if not name or any(ch not in "abcdefghijklmnopqrstuvwxyz0123456789_-" for ch in name):
        raise ValueError(f"figure name must use a-z, 0-9, _ and - only. Got {name!r} instead.")
    if isinstance(fig, (bytes, bytearray)):
        data, mime, ext = bytes(fig), "image/png", "png"
    else:
        svg = fig if isinstance(fig, str) else figure_svg(fig, salt=name, dpi=dpi or FIGURE_DPI)
        data, mime, ext = svg.encode("utf-8"), "image/svg+xml", "svg"
    if output_dir:
        folder = Path(output_dir) / "figures"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.{ext}").write_bytes(data)
    encoded = base64.b64encode(data).decode("ascii")
    style = f' width="{width}"' if width else ""
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return HTML(
        f'<figure class="ok-figure" id="fig-{name}"><img src="data:{mime};base64,{encoded}" '
        f'alt="{escape(alt or caption or name)}"{style}>{cap}</figure>',
        "figure",
    )


# --------------------------------------------------------------------------------------------------
# Summary, findings, recommendations
# --------------------------------------------------------------------------------------------------
def scorecard(
    cards: Iterable[Mapping[str, Any]],
    *,
    language: str = "en",
    title: str | None = None,
    overall: float | None = None,
) -> HTML:
    """The executive summary: one card per area with score, status and its top findings.

    Parameters
    ----------
    cards : iterable of mapping
        Each with ``area``, ``title``, ``score`` (0-100 or ``None``), ``status`` (``red``, ``amber``,
        ``green`` or ``grey``) and ``findings`` (sentences, the most important first).
    language : {"en", "zh"}
    title : str, optional
        Heading (default: "Executive summary").
    overall : float, optional
        The mean of the area scores, shown in the lead.
    """
    out = []
    for c in cards:
        status = c.get("status") or "grey"
        score = c.get("score")
        score_html = (
            f'{fmt_number(round(score))}<small> / 100</small>' if score is not None and not _isna(score)
            else f'<small>{text("no_score", language)}</small>'
        )
        items = "".join(f"<li>{escape(f)}</li>" for f in c.get("findings", ()))
        out.append(
            f'<article class="ok-card ok-{escape(status)}"><h3>{escape(c["title"])}</h3>'
            f'<div class="ok-score">{score_html}</div>'
            f'<span class="ok-status ok-{escape(status)}">{text("status_" + status, language)}</span>'
            f"<ul>{items}</ul></article>"
        )
    heading = escape(title or text("summary", language))
    overall_html = (
        f'<strong>{text("overall", language)}: {fmt_number(round(overall))} / 100.</strong> '
        if overall is not None and not _isna(overall) else ""
    )
    return HTML(
        f'<section class="ok-summary" id="summary"><h2>{heading}</h2>'
        f'<p class="ok-lead">{overall_html}{text("summary_lead", language)}</p>'
        f'<div class="ok-scorecard">{"".join(out)}</div></section>',
        "scorecard",
    )


def findings_list(findings: Iterable[Any], *, language: str = "en", title: str | None = None) -> HTML:
    """Findings as a list, each coloured by its status (objects with ``status`` and ``text(language)``)."""
    items = "".join(
        f'<li class="ok-{escape(f.status)}"><span class="ok-status ok-{escape(f.status)}">'
        f'{text("status_" + f.status, language)}</span> {escape(f.text(language))}</li>'
        for f in findings
    )
    if not items:
        return HTML("", "findings")
    head = f'<h3 class="ok-sub">{escape(title)}</h3>' if title else ""
    return HTML(f'{head}<ul class="ok-findings">{items}</ul>', "findings")


def recommendations_list(recs: Sequence[Any], *, language: str = "en") -> HTML:
    """Recommendations: each its action, why (the triggering numbers) and its priority colour.

    Parameters
    ----------
    recs : sequence
        Objects with ``status``, ``title(language)``, ``text(language)`` and ``because(language)``.
    """
    lead = f'<p class="ok-lead">{text("recommendations_lead", language)}</p>'
    if not recs:
        return HTML(lead + empty_note(text("no_recommendations", language)).markup, "recommendations")
    items = "".join(
        f'<li class="ok-{escape(r.status)}"><h4>{i}. {escape(r.title(language))}</h4>'
        f"<p>{escape(r.text(language))}</p>"
        f'<p class="ok-because">{text("because", language)}: {escape(r.because(language))}</p></li>'
        for i, r in enumerate(recs, 1)
    )
    return HTML(f'{lead}<ol class="ok-recs">{items}</ol>', "recommendations")


# --------------------------------------------------------------------------------------------------
# Data quality and appendix
# --------------------------------------------------------------------------------------------------
def data_quality(warnings: Iterable[Any], *, language: str = "en") -> HTML:
    """Every loading warning (``client.warnings``), with its file, as a list."""
    items = "".join(
        f"<li><code>{escape(getattr(w, 'file', ''))}</code> {escape(getattr(w, 'message', str(w)))}</li>"
        for w in warnings
    )
    lead = f'<p class="ok-lead">{text("data_quality_lead", language)}</p>'
    if not items:
        return HTML(lead + f'<p>{text("no_warnings", language)}</p>', "data-quality")
    return HTML(f'{lead}<ul class="ok-warnings">{items}</ul>', "data-quality")


def definition_list(items: Iterable[tuple[str, str]]) -> HTML:
    """Terms and their definitions (``<dl>``), both escaped."""
    body = "".join(f"<dt>{escape(t)}</dt><dd>{escape(d)}</dd>" for t, d in items)
    return HTML(f'<dl class="ok-defs">{body}</dl>', "definitions")


def appendix(
    *,
    definitions: Iterable[tuple[str, str]],
    parameters: Mapping[str, Any],
    sources: Iterable[Mapping[str, Any]],
    versions: Mapping[str, str],
    language: str = "en",
    footer: str = "",
    metric_tables: Iterable[tuple[str, pd.DataFrame]] = (),
) -> HTML:
    """Method (conventions and the metric definitions), run parameters, input file hashes, library versions.

    Parameters
    ----------
    definitions : iterable of (term, definition)
        The report's conventions.
    metric_tables : iterable of (title, DataFrame)
        Per area, the metric definitions (``key``, ``meaning``, ``formula``, ``reference``), as
        :func:`orgkit.method.metric_definitions` returns them.
    """
    params = pd.DataFrame({"p": list(parameters), "v": [str(v) for v in parameters.values()]})
    src = pd.DataFrame(list(sources), columns=["table", "file", "rows", "encoding", "sha256"])
    vers = pd.DataFrame({"p": list(versions), "v": list(versions.values())})
    parts = [
        subheading(text("method", language)).markup,
        definition_list(definitions).markup,
        *[table(frame, {"key": text("metric", language), "meaning": text("meaning", language),
                        "formula": text("formula", language), "reference": text("reference", language)},
                caption=title, language=language).markup for title, frame in metric_tables],
        subheading(text("run_parameters", language)).markup,
        table(params, {"p": text("parameter", language), "v": text("value", language)}).markup,
        subheading(text("inputs", language)).markup,
        table(src, {"table": text("table", language), "file": text("file", language), "rows": text("rows", language),
                    "encoding": text("encoding", language), "sha256": text("sha256", language)},
              formats={"sha256": lambda v: str(v or "–")}).markup,
        subheading(text("versions", language)).markup,
        table(vers, {"p": text("package", language), "v": text("version", language)}).markup,
    ]
    if footer:
        parts.append(f'<p class="ok-footer">{escape(footer)}</p>')
    return HTML(f'<div class="ok-appendix">{"".join(parts)}</div>', "appendix")


#: Conventions of the report that are not keys of ``metrics.json`` (those are defined once, in
#: :mod:`orgkit.method`, and the appendix shows them from there).
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("Score and status", "Each area scores 0-100 (higher is better) as a weighted mean of its components; green from 70, "
         "amber from 50, red below 50. A component without data is left out and the weights of the others renormalised."),
        ("Finding status", "Each finding compares one number with two thresholds (orgkit.findings.THRESHOLDS): beyond the "
         "first it is amber, beyond the second red."),
        ("Tie", "Two people who exchanged at least one message or meeting, in either direction."),
        ("Broker", "A person on many shortest paths between colleagues (betweenness centrality: Freeman 1977, "
         "Brandes 2001; sampled above 2,000 people)."),
        ("Escalated decision", "Taken by someone above the initiator's department head, or elsewhere in the tree."),
        ("Minimum group size", "No number of a group with fewer people (or respondents) than this is shown, and further "
         "groups are hidden where a total would reveal a hidden one; people appear by employee id and role, not by name."),
    ],
    "zh": [
        ("得分与状态", "每个领域按其各组成指标的加权平均得出 0–100 分（越高越好）；70 分及以上为绿色，50–69 分为黄色，50 分以下为红色。"
         "缺少数据的指标不计入，其余指标的权重重新归一。"),
        ("发现的状态", "每条发现将一个数值与两个阈值比较（orgkit.findings.THRESHOLDS）：超过第一个为黄色，超过第二个为红色。"),
        ("沟通关系", "两人之间至少有一次消息或会议往来（不分方向）。"),
        ("桥梁人物", "位于同事之间大量最短路径上的人（中介中心性：Freeman 1977，Brandes 2001；超过 2,000 人时抽样计算）。"),
        ("上报的决策", "由发起人所在部门负责人以上或组织中其他位置的人做出的决策。"),
        ("最小分组人数", "人数（或回答人数）少于该值的群体不显示任何数据；若合计数可推算出被隐藏的群体，则同时隐藏其他群体；"
         "人员以工号和岗位而非姓名显示。"),
    ],
}
