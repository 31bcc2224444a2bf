"""The ``hris`` format: any HRIS extract (Workday, SuccessFactors, BambooHR, 北森, Moka, plain Excel) as CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgkit.errors import ExportFormatError
from orgkit.importers import ImportOptions, import_client, read_export

ZH = ("工号,姓名,邮箱,手机,部门,直属上级邮箱,职务,在职状态,入职日期\n"
      "1001,张伟,zhangwei@xinghe.cn,13800000001,星河科技/总经办,,总经理,在职,2015/3/2\n"
      "1002,王芳,wangfang@xinghe.cn,13800000002,星河科技/销售部,ZhangWei@xinghe.cn,销售总监,在职,2016/4/1\n"
      "1003,李娜,lina@xinghe.cn,13800000003,星河科技/销售部/华东区,wangfang@xinghe.cn,销售经理,在职,2018/5/6\n"
      "1004,刘洋,liuyang@xinghe.cn,13800000004,星河科技/销售部/华东区,lina@xinghe.cn,销售代表,试用,2024/1/8\n"
      "1005,陈静,chenjing@xinghe.cn,13800000005,星河科技/研发部,zhangwei@xinghe.cn,研发总监,在职,2017/9/1\n"
      "1006,周杰,zhoujie@xinghe.cn,13800000006,星河科技/研发部,chenjing@xinghe.cn,工程师,离职,2019/2/1\n")


def _write(path: Path, text: str, encoding: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding, sep", [("utf-8-sig", ","), ("gb18030", ","), ("utf-16", "\t")])
def test_chinese_export_in_any_encoding(tmp_path, encoding, sep):
    hr = _write(tmp_path / "花名册.csv", ZH.replace(",", sep), encoding)
    imported = read_export("hris", [hr], ImportOptions(timezone="Asia/Shanghai"))
    p = imported.people.set_index("employee_id")
    assert list(p.index) == ["1001", "1002", "1003", "1004", "1005"]           # 周杰 离职: dropped
    assert p["department"].tolist() == ["总经办", "销售部", "销售部 / 华东区", "销售部 / 华东区", "研发部"]
    assert p["manager_id"].tolist() == ["", "1001", "1002", "1003", "1001"]     # by e-mail, any case
    assert str(p.loc["1004", "hire_date"].date()) == "2024-01-08"
    text = imported.log.text()
    assert "'工号' (employee id)" in text and "split on '/'" in text and "1 people marked as gone" in text
    assert "zhangwei@" not in text and "张伟" not in text


def test_workbook_with_level_columns_and_english_headers(tmp_path):
    frame = pd.DataFrame({
        "Worker ID": ["W1", "W2", "W3", "W4", "W5", "W6"],
        "Legal Name": ["Ann Lee", "Bo Chen", "Cy Wu", "Di Xu", "Ed Ma", "Fay Hu"],
        "Department Level 1": ["Acme"] * 6,
        "Department Level 2": ["", "Sales", "Sales", "R&D", "R&D", "R&D"],
        "Department Level 3": ["", "", "East", "", "Lab", "Lab"],
        "Manager Name": ["", "Ann Lee", "Bo Chen", "Ann Lee", "Di Xu", "Di Xu"],
        "Employment Status": ["Active", "Active", "On Leave", "Active", "Active", "Contractor"],
    })
    path = tmp_path / "workday.xlsx"
    frame.to_excel(path, index=False)
    imported = read_export("hris", [path], ImportOptions(department_level=1))
    p = imported.people.set_index("employee_id")
    assert len(p) == 6                                                          # unknown status kept
    assert p["department"].tolist() == ["Acme", "Sales", "Sales", "R&D", "R&D", "R&D"]
    assert p["manager_id"].tolist() == ["", "W1", "W2", "W1", "W4", "W4"]
    text = imported.log.text()
    assert "Department Level 1 + Department Level 2 + Department Level 3" in text
    assert "'contractor' (1)" in text


def test_id_column_from_evidence(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,User ID,Name,Department\n"
                ",u1,Ann,A\n2,u2,Bo,A\n3,u3,Cy,B\n3,u4,Di,B\n", "utf-8")
    imported = read_export("hris", [hr])
    assert imported.people["employee_id"].tolist() == ["u1", "u2", "u3", "u4"]
    assert "'Employee ID' passed over (empty in 1 rows and 1 values shared by rows of different people)" in \
        imported.log.text()


def test_id_column_refused_then_settled(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,Name,Department\n1,Ann,A\n,Bo,A\n3,Cy,B\n", "utf-8")
    with pytest.raises(ExportFormatError, match="id_column") as info:
        read_export("hris", [hr])
    assert "'Employee ID' (employee id) empty in 1 rows" in str(info.value) and "Bo" not in str(info.value)
    imported = read_export("hris", [hr], ImportOptions(extra={"id_column": "employee id"}))
    assert imported.people["employee_id"].tolist() == ["1", "3"]
    assert "dropped 1 directory rows: no id (hr.csv row 3)" in imported.log.text()


def test_one_row_per_department_is_one_person(tmp_path):
    hr = _write(tmp_path / "hr.csv", "工号,姓名,部门,主部门\n1,张伟,销售部,研发部\n1,张伟,研发部,研发部\n2,王芳,销售部,\n",
                "utf-8")
    imported = read_export("hris", [hr])
    p = imported.people.set_index("employee_id")
    assert p.loc["1", "department"] == "研发部" and p.loc["1", "other_departments"] == "销售部"


def test_ambiguous_manager_names_reported_by_row(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,Name,Team,Supervisor\n1,Ann Lee,Exec,\n2,Bo Chen,Sales,Ann Lee\n"
                "3,Bo Chen,R&D,Ann Lee\n4,Cy Wu,Sales,Bo Chen\n5,Di Xu,R&D,bo chen\n", "utf-8")
    imported = read_export("hris", [hr])
    assert imported.people["manager_id"].tolist() == ["", "1", "1", "", ""]
    text = imported.log.text()
    assert "2 people name their manager by a name shared by several people" in text
    assert "hr.csv row 5, hr.csv row 6" in text and "Bo Chen" not in text


def test_departments_derived_from_the_tree(tmp_path):
    hr = _write(tmp_path / "hr.csv", "ID,ReportsTo,Job Title\n1,,CEO\n2,1,VP Sales\n3,1,VP R&D\n4,2,Rep\n5,2,Rep\n"
                "6,3,Lead\n7,6,Engineer\n8,1,Assistant\n", "utf-8")
    p = read_export("hris", [hr]).people.set_index("employee_id")["department"]
    assert p.tolist() == ["Leadership", "VP Sales", "VP R&D", "VP Sales", "VP Sales", "VP R&D", "VP R&D",
                          "Leadership"]
    p = read_export("hris", [hr], ImportOptions(derive_departments=2)).people.set_index("employee_id")["department"]
    assert p["6"] == "Lead" and p["7"] == "Lead" and p["4"] == "VP Sales" and p["2"] == "Leadership"


def test_not_a_directory_refused(tmp_path):
    bad = _write(tmp_path / "hr.csv", "Foo,Bar\n1,2\n", "utf-8")
    with pytest.raises(ExportFormatError, match="id column"):
        read_export("hris", [bad])
    nodept = _write(tmp_path / "x.csv", "Employee ID,Name\n1,A\n", "utf-8")
    with pytest.raises(ExportFormatError, match="department or a manager"):
        read_export("hris", [nodept])


# --------------------------------------------------------------------------------------------------
# real, published data (skipped when ../shared/data is absent)
# --------------------------------------------------------------------------------------------------
def _layers(people: pd.DataFrame) -> list[int]:
    parent = dict(zip(people["employee_id"], people["manager_id"]))
    depth = {}
    for pid in people["employee_id"]:
        d, cur = 0, parent[pid]
        while cur:
            d, cur = d + 1, parent.get(cur, "")
        depth[pid] = d
    counts = pd.Series(depth).value_counts().sort_index()
    return counts.tolist()


def _private_values(path: Path, column: str) -> list[str]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding_errors="replace")
    values = [v.strip() for v in frame[column] if len(v.strip()) > 3]
    return [v for v in values if v not in ("Vacant", "VACANT", "Eliminated", "N/D", "n/a")]


def test_uk_organogram_as_published(shared_data, tmp_path):
    path = shared_data / "uk_organograms" / "health_and_safety_executive-2011-03-31-senior.csv"
    imported = read_export("hris", [path])
    people = imported.people
    assert len(people) == 47                                     # README: 47 posts
    assert people["department"].nunique() == 13                 # README: 13 units
    assert _layers(people) == [1, 9, 14, 23]                     # README: layers 1/9/14/23
    assert "'Post Unique Reference' (employee id)" in imported.log.text()
    out = tmp_path / "hse"
    import_client("hris", [path], out)
    written = "".join(p.read_text(encoding="utf-8") for p in out.iterdir() if p.is_file())
    private = _private_values(path, "Name") + _private_values(path, "Contact E-mail")
    assert private and not [v for v in private if v in written]  # names and e-mails never written, nor logged


def test_cabinet_office_duplicate_post_is_one_person(shared_data):
    path = shared_data / "uk_organograms" / "Cabinet-Office-FINAL--30-Sept-2013-senior.csv"
    people = read_export("hris", [path]).people
    assert len(people) == 277 and people["department"].nunique() == 35   # README: 277 posts, 35 units


def test_manufacturer_branches_under_the_ceo(shared_data):
    imported = read_export("hris", [shared_data / "manufacturing_email_hierarchy" / "reportsto.csv"])
    people = imported.people
    assert len(people) == 154                                   # README: 154 in the hierarchy
    assert _layers(people) == [1, 11, 64, 33, 44, 1]            # README: 6 layers
    heads = people.loc[people["manager_id"] == "86", "employee_id"]
    assert sorted(heads.astype(int)) == [7, 27, 36, 69, 70, 85, 104, 121, 148, 156, 163]
    # every director heading somebody is a unit; one heading nobody is counted with the CEO's Leadership
    with_reports = heads[heads.isin(people["manager_id"])]
    assert people["department"].nunique() == len(with_reports) + 1
    dept = people.set_index("employee_id")["department"]
    assert (dept[with_reports].to_numpy() != "Leadership").all()
    assert np.array_equal(np.sort(people["department"].value_counts().to_numpy())[::-1][:1], [83])


def test_id_preferred_by_header_meaning_not_position(tmp_path):
    hr = _write(tmp_path / "hr.csv", "ID,Employee Number,Department\n1,E7,A\n2,E8,A\n", "utf-8")
    assert read_export("hris", [hr]).people["employee_id"].tolist() == ["E7", "E8"]


def test_manager_id_holes_filled_from_names(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,Name,Department,Manager ID,Manager Name\n"
                "1,Ann,A,,\n2,Bo,A,1,\n3,Cy,A,,Bo\n", "utf-8")
    assert read_export("hris", [hr]).people["manager_id"].tolist() == ["", "1", "2"]


def test_workbook_sheet_chosen_by_content(tmp_path):
    path = tmp_path / "北森导出.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame({"说明": ["本表由系统导出", "请勿修改"]}).to_excel(w, sheet_name="说明", index=False)
        pd.DataFrame({"工号": ["1", "2", "3"], "部门": ["A", "A", "B"]}).to_excel(w, sheet_name="花名册", index=False)
    imported = read_export("hris", [path])
    assert imported.people["employee_id"].tolist() == ["1", "2", "3"]
    assert "'花名册': the first of 2 sheets" in imported.log.text()
    with pytest.raises(ExportFormatError, match="id column"):
        read_export("hris", [path], ImportOptions(extra={"sheet": "说明"}))


def test_title_rows_above_the_header(tmp_path):
    path = tmp_path / "roster.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in (["星河科技员工花名册"], ["导出时间：2024-03-01"], ["工号", "姓名", "部门", "直属上级"],
                ["1", "张伟", "总经办", ""], ["2", "王芳", "销售部", "张伟"], ["", "李娜", "销售部", "王芳"]):
        ws.append(row)
    wb.save(path)
    imported = read_export("hris", [path], ImportOptions(extra={"id_column": "工号"}))
    assert imported.people["manager_id"].tolist() == ["", "1"]
    text = imported.log.text()
    assert "header row of roster.xlsx: row 3" in text and "no id (roster.xlsx row 6)" in text


def test_person_names_removed_from_department_names(tmp_path):
    hr = _write(tmp_path / "workers.csv", "Employee ID,Legal Name,Supervisory Organization,Manager ID\n"
                "1,Ann Lee,Executive (Ann Lee),\n2,Bo Chen,Sales East (Bo Chen),1\n3,Cy Wu,Sales East (Bo Chen),2\n"
                "4,Di Xu,Research (Lab 2),1\n", "utf-8")
    imported = read_export("hris", [hr])
    assert imported.people["department"].tolist() == ["Executive", "Sales East", "Sales East", "Research (Lab 2)"]
    text = imported.log.text()
    assert "2 department names ended with a person's name" in text and "Bo Chen" not in text


def test_directory_settings_do_not_mix_with_the_formats_own(tmp_path):
    from orgkit.importers.base import ImportLog
    from orgkit.importers.directory import read_directory

    hr = _write(tmp_path / "hr.csv", "Employee ID,Name,Department\n1,Ann,A\n,Bo,A\n", "utf-8")
    with pytest.raises(ExportFormatError, match="id_column"):   # the format's own id_column is not the directory's
        read_directory([hr], ImportOptions(extra={"id_column": "Employee ID"}), ImportLog())
    d = read_directory([hr], ImportOptions(extra={"directory_id_column": "Employee ID"}), ImportLog())
    assert d.people["employee_id"].tolist() == ["1"]
