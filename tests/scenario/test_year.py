"""The year as one test (issue 21, item 11): a county office and a province live through the
whole loop, with LibreOffice (the stand-in for WPS) opening, typing into and saving every file a
person would touch between the commands.

The county builds its workbook and splits it; three units (工信局, 发改委, 住建局) fill their
填报表 in LibreOffice and return them in February, April and June; each month's files are merged
into the master, which the county office then opens, edits and saves in LibreOffice. It lists its
evidence in 佐证台账 with the files beside it, writes the report and the export, and submits. The
province collects (feedback, history); the county fixes what the feedback names (0 residential
communities: item 3) in LibreOffice and resubmits; the province collects both files and counts
the revision (the later 填报日期: item 2); the county carries the workbook to the next year.

Every score is checked against the engine run on the figures typed here (`Year.raw`), never
against a command's own output, and every command must accept what a user did right. The steps
are test functions run in order on one shared `Year`; a step whose predecessor failed is skipped
naming it, and a failing command fails its step with the command line and what it printed."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from helpers import EXAMPLE, run
from jieshui.engine import UTILITY_FIELDS, assess, default_standard, read_county_file
from jieshui.engine.conclusion import self_conclusion

pytestmark = pytest.mark.office  # one scenario: its steps build on what LibreOffice saved

STD = default_standard()
# 评价年度 2024, reviewed through 2025 (the plan's year, the 填报日期's year), as the example.
COUNTY, YEAR, WORK_YEAR = "示例旗", 2024, 2025
PROVIDED = "已提供"
REFUSED = ("数据错误", "赋分与数据不符", "公式被修改", "评价标准被修改", "版本不符")  # check's findings
# What each unit types into its own 填报表, by month (key → value; 是/否 as the cells take them).
GONGXIN = {"industry_metered_volume": 2480.0, "industry_volume": 2480.0, "enterprises_certified": 4,
           "enterprises_high_use_total": 7}
FAGAI = {"tiered_price_issued": "是", "tiered_price_implemented": "是", "progressive_price_issued": "是",
         "progressive_price_implemented": "否"}
# 0 communities in all: the figure the province's feedback questions (0/0 scores full marks).
ZHUJIAN = {"large_users_planned": 54, "large_users_total": 54, "service_metered_volume": 1615.0,
           "service_volume": 1630.0, "communities_certified": 0, "communities_total": 0,
           "public_fixtures_saving": 2840, "public_fixtures_total": 2840, "housing_fixtures_saving": 1260,
           "housing_fixtures_total": 1260, "reclaimed_water_used": 620.0, "sewage_treated": 3350.0}
UNIT_KEYS = set(GONGXIN) | set(FAGAI) | set(ZHUJIAN)
UNITS = ("工信局", "发改委", "住建局")
UTILITIES = [["城区供水公司", 1000.0, 850.0, 500.0, 80.0, 0.4, 1.8],
             ["工业园区供水公司", 400.0, 340.0, 40.0, 30.0, 0.58, 1.8],
             ["中心镇供水站", 100.0, 83.0, 70.0, 12.0, 0.3, 1.8]]
# 佐证台账 rows the county office types: content, name, 文号, date, pages, file in 佐证材料.
LEDGER = [(1, "取水许可审批台账", "示水字〔2025〕12号", "2025-03-15", 12, "内容01_取水许可审批台账.pdf"),
          (23, "节水宣传活动图片集", "", "2025-05-12", 8, "内容23_宣传活动.pdf"),
          (1, "用水定额执行情况说明", "", "2025-04-02", 3, "内容01_定额执行说明.pdf"),
          (16, "节水型居民小区名单", "示住建〔2025〕8号", "2025-06-10", 5, "内容16/节水型小区名单.pdf")]
FIRST_DATE, REVISED_DATE = "2025-07-20", "2025-08-02"


def pdf(pages: int) -> bytes:
    """A real PDF of `pages` blank A4 pages (a reader finds the page count in its page tree)."""
    kids = " ".join(f"{3 + n} 0 R" for n in range(pages))
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>"]
    objects += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@dataclass
class Year:
    """What the year has produced so far, and the figures typed (the engine's input)."""

    root: Path
    raw: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    reported: set[tuple[str, int]] = field(default_factory=set)   # (unit, month) 月报 merged

    @property
    def master(self) -> Path:
        return self.files["master"]

    def needs(self, *steps: str) -> None:
        missing = [s for s in steps if s not in self.done]
        if missing:
            pytest.skip(f"waits for step {'、'.join(missing)}, which failed or was skipped")

    def type_figures(self, figures: dict[str, Any]) -> None:
        self.raw["inputs"].update({k: (v == "是") if v in ("是", "否") else v for k, v in figures.items()})

    def expected(self):
        return assess(self.raw, STD)


def jieshui(step: str, *args: Any, codes: tuple[int, ...] = (0,)) -> str:
    """Run the real command; a refusal fails the step with the command line and what it printed."""
    done = run(*args)
    if done.returncode not in codes:
        said = (done.stdout + done.stderr).strip()
        if len(said) > 1600:
            said = f"{said[:1000]}\n…（省略{len(said) - 1400}字）…\n{said[-400:]}"
        pytest.fail(f"step {step}: `jieshui {' '.join(map(str, args))}` exited {done.returncode} "
                    f"(expected {codes}):\n{said}", pytrace=False)
    return done.stdout


def owed(step: str, checks: dict[str, bool]) -> None:
    """A step's checks of what the issue's items ask, all reported together: each is
    independent of the others, and the year goes on whichever fails."""
    missing = [what for what, held in checks.items() if not held]
    assert not missing, f"step {step}: " + "; ".join(missing)


def same(found: Any, expected: float | None) -> bool:
    if expected is None:
        return not isinstance(found, (int, float))
    return isinstance(found, (int, float)) and abs(found - expected) <= 1e-9 * max(1.0, abs(expected))


REVIEWED = {"自评总分达到合格线": "资料复核合格，进入现场复核", "自评总分未达到合格线": "资料复核不合格，不进行现场复核",
            "不满足必备条件": "不具备达标条件", "数据不完整": "数据不完整"}


def assert_engine(step: str, where: str, total: Any, verdict: Any, year: Year) -> None:
    result = year.expected()
    # The province's outputs say the review's words for the county's own conclusion.
    expected = REVIEWED[result.verdict] if "collect" in where else result.verdict
    assert same(total, result.total) and verdict == expected, (
        f"step {step}: {where} shows {total} {verdict}; the engine on the typed figures gives "
        f"{result.total} {result.verdict}")


def assert_scored(step: str, year: Year, path: Path) -> None:
    """`jieshui score` and the cached values LibreOffice shows both equal the engine."""
    result = year.expected()  # exit 1 while figures are missing: the year is not over yet
    shown = json.loads(jieshui(step, "score", "--json", path, codes=(1,) if result.errors else (0,)))
    assert_engine(step, f"jieshui score {path.name}", shown["total"], shown["verdict"], year)
    wrong = [(c["id"], c["points"], e.points) for c, e in zip(shown["contents"], result.contents)
             if not same(c["points"], e.points)]
    assert not wrong, f"step {step}: contents scored differently from the engine (id, shown, engine): {wrong}"


def assert_accepted(step: str, year: Year, path: Path) -> None:
    """`jieshui check` finds nothing a user did right to refuse (no tampering, no mismatch, no
    data error beyond the engine's own: missing figures while the year is under way)."""
    problems = json.loads(jieshui(step, "check", "--json", path, codes=(0, 1)))
    refused = [f"{p['cell']} {p['kind']}：{p['message'][:120]}" for p in problems
               if p["kind"] in REFUSED and p["kind"] != "数据错误"]
    assert not refused, f"step {step}: check refuses what the user did right in {path.name}:\n" + "\n".join(refused)
    errors = [p for p in problems if p["kind"] == "数据错误"]
    assert len(errors) == len(year.expected().errors), (
        f"step {step}: check finds {len(errors)} data errors, the engine {len(year.expected().errors)}: "
        + "；".join(p["message"][:60] for p in errors[:5]))


def office_shows(step: str, office, year: Year, path: Path) -> None:
    """The totals LibreOffice shows in the open workbook equal the engine's."""
    total, verdict = office.get(path, [{"name": "out_total"}, {"name": "out_verdict"}])
    assert_engine(step, f"LibreOffice ({path.name})", total, verdict, year)


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Year:
    raw = read_county_file(EXAMPLE)
    raw["county"]["year"] = YEAR
    raw["inputs"] = {k: v for k, v in raw["inputs"].items() if k not in UNIT_KEYS}
    raw["utilities"] = []
    return Year(tmp_path_factory.mktemp("year"), raw)


# -- the county's year ------------------------------------------------------------------------

def test_01_template(year):
    county = year.root / "county.toml"
    lines = [f'[county]\nname = "{COUNTY}"\nprovince = "内蒙古自治区"\ncity = "示例市"\nyear = {YEAR}\n\n[inputs]']
    lines += [f"{k} = {json.dumps(v)}" for k, v in year.raw["inputs"].items()]
    county.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (year.root / "县节水办").mkdir()
    master = year.root / "县节水办" / f"{COUNTY}{YEAR}年度复核工作簿.xlsm"
    jieshui("template", "template", "--county", county, "-o", master)
    year.files["master"] = master
    assert_scored("template", year, master)
    year.done.add("template")


def test_02_split(year):
    year.needs("template")
    folder = year.root / "填报表"
    jieshui("split", "split", year.master, "-o", folder)
    files = sorted(folder.glob("*.xlsx"))
    assert len(files) == len(STD.units), f"step split: {len(files)} files for {len(STD.units)} units"
    for unit in UNITS:
        year.files[unit] = next(p for p in files if f"_{unit}_" in p.name)
    year.done.add("split")


def fill_unit(office, year: Year, unit: str, figures: dict[str, Any], day: str, marks: bool = False,
              utilities: bool = False) -> Path:
    """A unit opens its 填报表 in LibreOffice, types its figures (found by their labels), this
    month's 月报 and, when asked, its evidence marks and utilities; saves; closes."""
    path = year.files[unit]
    sheets = office.open(path)
    form = office.grid(path, "填报")
    rows = {str(r[1]): n + 1 for n, r in enumerate(form) if len(r) > 1 and r[1]}  # by 数据项 label
    labels = default_standard().inputs
    cells = [{"sheet": "填报", "cell": f"D{rows[labels[k].label]}", "value": v} for k, v in figures.items()]
    report = {str(r[0]): n + 1 for n, r in enumerate(office.grid(path, "月报")) if r and r[0]}
    month = int(day[5:7])
    texts = {"进展情况": f"{month}月：按计划推进{unit}牵头的各项工作。", "存在问题": "无",
             "下步打算": "继续推进，按月报送。", "报送日期": {"date": day}}
    cells += [{"sheet": "月报", "cell": f"B{report[k]}", "value": v} for k, v in texts.items()]
    if marks:
        items = office.grid(path, "佐证材料")
        cells += [{"sheet": "佐证材料", "cell": f"D{n + 1}", "value": PROVIDED}
                  for n, r in enumerate(items) if n >= 2 and r and r[0]]
    if utilities:
        assert "供水单位" in sheets, f"{unit}'s 填报表 has no 供水单位 sheet: {sheets}"
        cells += [{"sheet": "供水单位", "cell": f"{'BCDEFGH'[c]}{3 + n}", "value": v}
                  for n, values in enumerate(UTILITIES) for c, v in enumerate(values)]
    office.set(path, cells)
    office.save(path)
    office.close(path)
    year.type_figures(figures)
    year.reported.add((unit, month))
    return path


def merge(step: str, office, year: Year, returned: list[Path]) -> None:
    """The county office merges the returned files into the master (in place, as a user would)."""
    jieshui(step, "merge", year.master, *returned, "--in-place")
    assert_scored(step, year, year.master)
    office.open(year.master)
    office_shows(step, office, year, year.master)
    months = [(u, m) for u in UNITS for m in range(1, 13)]
    grid = [{"name": "in_reports", "row": STD.units.index(u), "col": m - 1} for u, m in months]
    shown = {um for um, mark in zip(months, office.get(year.master, grid)) if mark == "已报"}
    assert shown == year.reported, \
        f"step {step}: 工作进度 shows 已报 for {sorted(shown)}, the units reported {sorted(year.reported)}"


def edit_master(step: str, office, year: Year, cells: list[dict[str, Any]], figures: dict[str, Any],
                copy: Path | None = None) -> None:
    """The county office types into the open master in LibreOffice and saves it in its format
    (and, when asked, a copy in the copy's format)."""
    office.set(year.master, cells + [{"name": f"in_{k}", "value": v} for k, v in figures.items()])
    year.type_figures(figures)
    office_shows(step, office, year, year.master)  # the native formulas, recalculated as typed
    office.save(year.master)
    if copy:
        office.save(year.master, to=copy)
    office.close(year.master)
    for saved in (year.master, copy) if copy else (year.master,):
        assert_accepted(step, year, saved)


def test_03_february(office, year):
    year.needs("split")
    returned = [fill_unit(office, year, "工信局", GONGXIN, "2025-02-20", marks=True),
                fill_unit(office, year, "发改委", FAGAI, "2025-02-24", marks=True)]
    merge("february merge", office, year, returned)
    edit_master("february edit", office, year,
                [{"name": "in_contact", "value": "王立新"}, {"name": "in_phone", "value": "0477-8123456"}],
                {"permits_quota_checked": 39})
    year.done.add("february")


def test_04_april(office, year):
    year.needs("february")
    year.raw["utilities"] = [dict(zip(UTILITY_FIELDS, row)) for row in UTILITIES]
    returned = [fill_unit(office, year, "住建局", ZHUJIAN, "2025-04-18", marks=True, utilities=True),
                fill_unit(office, year, "工信局", {"enterprises_certified": 5}, "2025-04-22")]
    merge("april merge (a master LibreOffice saved)", office, year, returned)
    # The county office marks the evidence of what the other units lead (水利局 and the rest);
    # the three units marked their own in their 填报表.
    evidence = [{"name": "in_evidence", "row": n, "value": PROVIDED}
                for n, c in enumerate(STD.contents) if c.lead not in UNITS]
    evidence += [{"name": "in_prereq_evidence", "row": n, "value": PROVIDED}
                 for n, p in enumerate(STD.prerequisites) if p.lead not in UNITS]
    edit_master("april edit", office, year, evidence, {})
    year.done.add("april")


def test_05_june(office, year):
    year.needs("april")
    returned = [fill_unit(office, year, "工信局", {}, "2025-06-19"),
                fill_unit(office, year, "发改委", {}, "2025-06-20"),
                fill_unit(office, year, "住建局", {"reclaimed_water_used": 640.0}, "2025-06-23")]
    merge("june merge", office, year, returned)
    ledger = [{"name": "in_ledger", "row": n, "col": c, "value": {"date": v} if c == 3 and v else v}
              for n, row in enumerate(LEDGER) for c, v in enumerate(row) if v != ""]
    edit_master("june edit", office, year, ledger + [{"name": "in_report_date", "value": {"date": FIRST_DATE}}], {})
    year.done.add("june")


def test_06_evidence(year):
    year.needs("june")
    folder = year.master.parent / "佐证材料"
    for _, _, _, _, pages, name in LEDGER:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(pdf(pages))
    out = year.root / "佐证目录"
    jieshui("evidence", "evidence", year.master, "-o", out)  # everything listed, present, marked
    index = next(out.glob("*佐证材料目录*.xlsx"))
    rows = [r for r in openpyxl.load_workbook(index).active.iter_rows(min_row=3, values_only=True) if r[0]]
    shown = [(r[3], re.sub(r"\s*[–—~-]\s*", "-", str(r[7]))) for r in rows]
    expected, page = [], 1  # contents in the standard's order, documents in the ledger's order
    for content in STD.contents:
        for cid, name, _, _, pages, _ in LEDGER:
            if cid == content.id:
                expected.append((name, f"{page}-{page + pages - 1}"))
                page += pages
    assert shown == expected, f"step evidence: the index's (document, pages) {shown}, expected {expected}"


def all_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, data_only=True)
    return "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def numbers(path: Path) -> list[float]:
    book = openpyxl.load_workbook(path, data_only=True)
    return [v for ws in book for row in ws.iter_rows(values_only=True) for v in row
            if isinstance(v, (int, float)) and not isinstance(v, bool)]


DATE_SPELLINGS = ("{y}年{m}月{d}日", "{y}年{m:02d}月{d:02d}日", "{y}-{m:02d}-{d:02d}")


def spelled(day: str) -> list[str]:
    y, m, d = map(int, day.split("-"))
    return [s.format(y=y, m=m, d=d) for s in DATE_SPELLINGS]


CAVEAT = "本软件默认"  # software provenance, never in a document an official signs (item 7)


def test_07_report(year):
    year.needs("june")
    out = year.root / "自评报告"
    jieshui("report", "report", year.master, "-o", out)
    import docx

    document = docx.Document(next(out.glob("*.docx")))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])
    result = year.expected()
    said = self_conclusion(result)  # the county's own sentence, not the bare verdict word
    assert f"{result.total:g}" in text and said in text, \
        f"step report: the report lacks the engine's total {result.total:g} or conclusion {said}"
    owed("report", {"the software's caveat is in the report (waits for item 7)": CAVEAT not in text,
                    f"not dated with the workbook's 填报日期{FIRST_DATE} (waits for item 10)":
                        any(s in text for s in spelled(FIRST_DATE))})


def test_08_export(year):
    year.needs("june")
    out = year.root / "报送"
    jieshui("export", "export", year.master, "-o", out)
    sheet = next(out.glob("*.xlsx"))
    result = year.expected()
    said = self_conclusion(result)
    assert any(same(v, result.total) for v in numbers(sheet)) and said in all_text(sheet), \
        f"step export: {sheet.name} lacks the engine's total {result.total:g} or conclusion {said}"
    assert list(out.glob("*.pdf")), "step export: no PDF beside the export"
    owed("export", {"the software's caveat is in 报送表/附件2 (waits for item 7)": CAVEAT not in all_text(sheet)})


# -- the province's review and the county's resubmission ---------------------------------------

def collect(step: str, year: Year, tag: str) -> dict[str, Any]:
    prov = year.root / "省级复核"
    return json.loads(jieshui(step, "collect", prov / "来件", "--json", "--feedback", prov / f"复核意见{tag}",
                              "--db", prov / "history.sqlite", "-o", prov / f"汇总{tag}.xlsx"))


def counted(step: str, found: dict[str, Any]) -> dict[str, Any]:
    mine = [c for c in found["counties"] if c["name"] == COUNTY]
    assert len(mine) == 1, f"step {step}: {len(mine)} counted results for {COUNTY}: {[c['file'] for c in mine]}"
    return mine[0]


def history_total(step: str, year: Year) -> str:
    """The last row of the county's history as `jieshui history` prints it."""
    out = jieshui(step, "history", year.root / "省级复核" / "history.sqlite", COUNTY)
    rows = [line for line in out.splitlines() if COUNTY in line and str(YEAR) in line]
    assert rows, f"step {step}: history lists no {YEAR} review of {COUNTY}:\n{out}"
    return rows[-1]


def test_09_province_collects(year):
    year.needs("june")
    inbox = year.root / "省级复核" / "来件"
    inbox.mkdir(parents=True)
    year.files["first"] = inbox / f"{COUNTY}_复核工作簿_0720.xlsm"
    shutil.copy2(year.master, year.files["first"])
    found = collect("province collects", year, "1")
    mine, result = counted("province collects", found), year.expected()
    assert_engine("province collects", "collect's JSON", mine["total"], mine["verdict"], year)
    assert all(same(mine[k], v) for k, v in (("claimed_total", result.total), ("base", result.base),
                                             ("bonus", result.bonus))), f"step province collects: {mine}"
    assert (mine["year"], mine["report_date"]) == (YEAR, FIRST_DATE), f"step province collects: {mine}"
    refused = [f for f in mine["flags"] if f["kind"] in REFUSED]
    assert not refused, f"step province collects: a LibreOffice-saved workbook refused: {refused}"
    feedback = list((year.root / "省级复核" / "复核意见1").glob(f"{COUNTY}_复核意见_*.xlsx"))
    assert len(feedback) == 1, "step province collects: no 复核意见 for the county"
    assert f"{result.total:g}" in history_total("province collects", year)
    year.files["feedback"] = feedback[0]
    year.done.add("collect")
    # 0 residential communities scored 16 by its 0/0 rule: the province must be told (item 3).
    assert next(c for c in result.contents if c.id == 16).not_applicable
    told = [f for f in mine["flags"] if "16" in str(f.get("item", "")) + f["message"] and "分母" in f["message"]]
    owed("province collects", {
        "content 16 scored by its 0/0 rule is not flagged in collect's JSON (waits for item 3)": bool(told),
        "the 复核意见 does not name content 16's 0 denominator (waits for item 3)":
            bool(re.search(r"16[^\n]*分母|分母[^\n]*16", all_text(feedback[0])))})


def test_10_county_fixes_and_resubmits(office, year):
    year.needs("collect")
    first = year.expected()
    # Sent as .xlsx this time (macros dropped), as an office saving for e-mail may do.
    year.files["revision"] = year.files["first"].with_name(f"{COUNTY}_复核工作簿_0802.xlsx")
    office.open(year.master)
    edit_master("county fixes", office, year, [{"name": "in_report_date", "value": {"date": REVISED_DATE}}],
                {"communities_total": 85, "communities_certified": 16}, copy=year.files["revision"])
    assert year.expected().total != first.total, "the scenario's fix must change the total (the files must differ)"
    year.done.add("resubmit")


def test_11_province_counts_the_revision(year):
    year.needs("resubmit")
    step = "province collects both files"
    found = collect(step, year, "2")
    mine = counted(step, found)
    assert Path(mine["file"]).name == year.files["revision"].name, \
        f"step {step}: counted {Path(mine['file']).name}, not the revision with the later 填报日期 (waits for item 2)"
    assert_engine(step, "collect's JSON", mine["total"], mine["verdict"], year)
    words = json.dumps(found["problems"], ensure_ascii=False)
    assert year.files["first"].name in words and year.files["revision"].name in words, \
        f"step {step}: no problem row names both files (waits for item 2): {words[:600]}"
    latest = history_total(step, year)
    assert f"{year.expected().total:g}" in latest, f"step {step}: history's latest row is {latest!r}"


def test_12_carry(office, year):
    year.needs("resubmit")
    nxt = year.master.with_name(f"{COUNTY}{YEAR + 1}年度复核工作簿.xlsm")
    jieshui("carry", "carry", year.master, "-o", nxt)
    office.open(nxt)
    names = ["in_county_year", "in_contact", "in_nonconventional_use_last_year", "in_nonconventional_use"]
    cells = [{"name": n} for n in names]
    cells += [{"name": "in_utilities", "row": n, "col": c} for n in range(len(UTILITIES)) for c in range(7)]
    values = [v if v != "" else None for v in office.get(nxt, cells)]
    spans = [row[2] for row in office.grid(nxt, "工作进度")[3:3 + len(STD.stages)]]
    office.close(nxt)
    kept = {UTILITY_FIELDS.index(k) for k in STD.carry_utility_fields}  # the network; volumes anew
    networks = [[v if c in kept else None for c, v in enumerate(row)] for row in UTILITIES]
    expected = [YEAR + 1, "王立新", year.raw["inputs"]["nonconventional_use"], None]
    shown = values[:4] + [values[4 + 7 * n:11 + 7 * n] for n in range(len(UTILITIES))]
    assert shown == expected + networks, f"step carry: the new year's workbook shows {shown}"
    carried = Year(year.root, {"county": {**year.raw["county"], "year": YEAR + 1},
                               "inputs": {"nonconventional_use_last_year": expected[2]},
                               "utilities": [dict(zip(UTILITY_FIELDS, row)) for row in networks]})
    assert_accepted("carry", carried, nxt)
    owed("carry", {f"the plan's stages read {spans} (waits for item 10)":
                   all(f"{WORK_YEAR + 1}年" in str(s) and f"{WORK_YEAR}年" not in str(s) for s in spans)})
