"""Every text a user sees holds to the glossary (data/words.toml, through tests/glossary.py):
the built workbooks, what the county's commands write from the example (submission sheet,
report, evidence index, unit files, the standard workbook), the reviewer's summary and 复核意见,
every --help and usage error, the user guides and every module's user strings. And the checker
itself catches each kind of fault it is there for, in each kind of file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from glossary import (docx_texts, file_texts, markdown_texts, problems, report, source_texts,
                      workbook_texts)
from helpers import EXAMPLE_WORKBOOK, ROOT, WORKBOOKS, run
from jieshui.standard.layout import EARLIER_HEADERS, SOURCE_HEADERS
from jieshui.workbook.contract import EARLIER_WORDS, SOURCE_WORDS

# Words kept as data, never shown: the standard file's source keys (sheets show 评价标准／通用设置)
# and what a workbook of the previous release wrote, read for compatibility.
DATA_WORDS = set(SOURCE_WORDS) | set(EARLIER_HEADERS) | set(SOURCE_HEADERS) | set(EARLIER_WORDS)
DATA_WORDS |= {re.sub(r"\d+", "{}", word) for word in DATA_WORDS}  # as the source builds them

PACKAGE = ROOT / "python" / "jieshui"
USER_DOCS = ["README.md", "docs/user-guide.md", "docs/windows-setup.md", "docs/acceptance-checklist.md",
             "docs/standard.md", "docs/commands.md"]
# Messages for whoever edits a standard file or a county data file name the file's own keys
# ([verdicts], kind = …, inputs.permits_total):
# that is the one place a key is the right word. Other faults count there too.
KEYS_ALLOWED = {"engine/standard.py", "engine/plausibility.py", "standard/read.py", "engine/tomlfile.py",
                "engine/county.py"}
# The county's surfaces conclude the self-assessment; the province's conclude the review.
SELF_WORDS = ("自评总分达到合格线", "自评总分未达到合格线", "不满足必备条件")
REVIEW_WORDS = ("资料复核合格，进入现场复核", "资料复核不合格，不进行现场复核", "不具备达标条件")


def _shown(found: list[str]) -> str:
    return f"{len(found)} 处：\n" + "\n".join(found[:60])


# --- the checker catches every kind of fault, in every kind of file -------------------------

PLANTS = {
    "synonym": ("本项满分4分", "应为“标准分”"),
    "key": ("见P3", "内部键“P3”"),
    "snake": ("字段 total_water_use", "内部键“total_water_use”"),
    "english": ("请 Click 确定", "英文“Click”"),
    "quote": ('节水"三同时"管理', "半角引号"),
    "spaced digit": ("每月 25 日", "汉字与数字间有空格"),
    "padded date": ("2025年07月01日", "日期补零"),
    "review word": ("资料复核合格，进入现场复核", "不应出现“资料复核合格”"),
}


@pytest.mark.parametrize("kind", PLANTS)
def test_each_fault_is_caught_in_a_line(kind):
    text, said = PLANTS[kind]
    assert any(said in p for p in problems(text)), problems(text)
    assert problems("本项标准分4分，每月25日报送，2025年7月1日。") == []


def test_each_fault_is_caught_in_a_workbook_cell_a_prompt_and_a_formula(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    from openpyxl.worksheet.datavalidation import DataValidation
    for row, (text, _) in enumerate(PLANTS.values(), 1):
        ws.cell(row, 1, text)
        ws.cell(row, 2, f'=IF(A1="","{text}","")'.replace('"三同时"', '""三同时""'))
        dv = DataValidation(type="whole", promptTitle="说明", prompt=text, showInputMessage=True)
        dv.add(f"C{row}")
        ws.add_data_validation(dv)
    path = tmp_path / "planted.xlsx"
    book.save(path)
    found = report(workbook_texts(path))
    for row, (_, said) in enumerate(PLANTS.values(), 1):
        for where in (f"!A{row}：", f"!B{row}：", f"!C{row}（数据验证）："):
            assert any(where in f and said in f for f in found), (where, said, found)


def test_each_fault_is_caught_in_a_document_a_guide_and_a_module(tmp_path):
    import docx

    doc = docx.Document()
    for text, _ in PLANTS.values():
        doc.add_paragraph(text)
    doc.save(tmp_path / "planted.docx")
    (tmp_path / "planted.md").write_text("\n".join(t for t, _ in PLANTS.values()) + "\n`P3 total_water_use`\n",
                                         encoding="utf-8")
    (tmp_path / "planted.py").write_text(
        '"""A docstring with P3 and total_water_use is for developers."""\n'
        + "".join(f"X{k} = {t!r}\n" for k, (t, _) in enumerate(PLANTS.values()))
        + 'Y = f"共 {n} 项，{day:%Y年%m月%d日}"\n', encoding="utf-8")
    for reader, suffix in ((docx_texts, "docx"), (markdown_texts, "md"), (source_texts, "py")):
        found = report(reader(tmp_path / f"planted.{suffix}"))
        for _, said in PLANTS.values():
            assert sum(said in f for f in found) >= 1, (reader.__name__, said, found)
    found = report(source_texts(tmp_path / "planted.py"))
    assert any("汉字与数字间有空格“共 {”" in f for f in found) and any("日期补零" in f for f in found)
    assert not any(":1：" in f for f in found), "a docstring is not a user string"
    assert len(report(markdown_texts(tmp_path / "planted.md"))) == len(report(docx_texts(tmp_path / "planted.docx")))


# --- every surface -------------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_the_built_workbooks(path):
    found = report(workbook_texts(path))
    assert not found, _shown(found)


@pytest.fixture(scope="module")
def county_outputs(tmp_path_factory):
    """What the county's commands write from the example workbook."""
    out = tmp_path_factory.mktemp("county")
    book = out / "示例旗.xlsm"
    shutil.copyfile(EXAMPLE_WORKBOOK, book)
    (out / "佐证材料").mkdir()
    for args in (("export", book, "-o", out), ("report", book, "-o", out), ("evidence", book, "-o", out),
                 ("split", book, "-o", out / "填报表"), ("standard", "export", "-o", out / "评价标准.xlsx")):
        done = run(*args)
        assert done.returncode == 0, (args, done.stderr)
    return out


def _county_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.suffix in (".xlsx", ".docx"))


def test_what_the_county_writes(county_outputs):
    files = _county_files(county_outputs)
    kinds = {"自评赋分表", "自评报告", "佐证材料目录", "评价标准"}
    assert all(any(k in p.name for p in files) for k in kinds), [p.name for p in files]
    assert len([p for p in files if p.parent.name == "填报表"]) >= 10
    found = [f for p in files for f in report(file_texts(p))]
    assert not found, _shown(found)


def test_the_county_concludes_its_self_assessment(county_outputs):
    """The example passes: its workbook, submission sheet and report say the county's own
    conclusion, and none of them the review's."""
    texts = {p.name: " ".join(t for _, t in file_texts(p)) for p in _county_files(county_outputs)
             if any(k in p.name for k in ("自评赋分表", "自评报告"))}
    texts[EXAMPLE_WORKBOOK.name] = " ".join(t for _, t in workbook_texts(EXAMPLE_WORKBOOK))
    assert len(texts) == 3
    for name, text in texts.items():
        assert "达到85分合格线" in text or SELF_WORDS[0] in text, name
        assert not any(w in text for w in REVIEW_WORDS[:2]), name
    assert "自评总分96.5分" in texts[next(n for n in texts if "自评报告" in n)]


@pytest.fixture(scope="module")
def review_outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("review")
    done = run("collect", EXAMPLE_WORKBOOK, "-o", out / "汇总.xlsx", "--feedback", out / "复核意见")
    assert done.returncode == 0, done.stderr
    return out, done


def test_the_province_concludes_the_review(review_outputs):
    out, done = review_outputs
    files = sorted(out.rglob("*.xlsx"))
    assert len(files) == 2, files
    found = [f for p in files for f in report(workbook_texts(p), county=False)]
    found += report((("collect 输出", line) for line in done.stderr.splitlines()), county=False)
    assert not found, _shown(found)
    for p in files:
        text = " ".join(t for _, t in workbook_texts(p))
        assert REVIEW_WORDS[0] in text and SELF_WORDS[0] not in text, p.name


def _commands() -> list[tuple[str, ...]]:
    listing = run("--help").stdout
    names = re.findall(r"^[│ ]{1,3}([a-z]+) ", listing, re.M)
    assert {"score", "collect", "standard", "excel"} <= set(names), listing
    commands = [()] + [(n,) for n in names]
    for group in ("standard", "excel"):
        commands += [(group, n) for n in re.findall(r"^[│ ]{1,3}([a-z]+) ", run(group, "--help").stdout, re.M)]
    return commands


def test_every_help_and_usage_error():
    outputs = {" ".join(c) + " --help": run(*c, "--help") for c in _commands()}
    outputs |= {"缺参数": run("score"), "未知选项": run("score", "--nonsense"), "拼错命令": run("scroe"),
                "数字不对": run("collect", ".", "--workers", "两个")}
    for what, done in outputs.items():
        assert "Traceback" not in done.stderr, what
    # The commands' own names, and what the user typed, are what they must type: not prose.
    names = {word for c in _commands() for word in c} | {"scroe", "nonsense"}
    found = report(((what, line) for what, done in outputs.items()
                    for line in (done.stdout + done.stderr).splitlines()), latin_ok=names)
    assert not found, _shown(found)
    assert all("用法" in d.stdout + d.stderr for d in outputs.values())


@pytest.mark.parametrize("name", USER_DOCS)
def test_the_user_docs(name):
    found = report(markdown_texts(ROOT / name))
    assert not found, _shown(found)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_user_string(path):
    relative = str(path.relative_to(PACKAGE))
    found = report((where, text) for where, text in source_texts(path) if text not in DATA_WORDS)
    if relative in KEYS_ALLOWED:
        found = [f for f in found if "内部键" not in f and "英文" not in f]
    assert not found, _shown(found)


def test_every_vba_message():
    """The add-in's and the workbook's VBA say what Python cannot (Python missing, a macro
    refused): their strings count too."""
    modules = sorted((ROOT / "workbook_templates" / "vba").glob("*.*")) + sorted((ROOT / "xlwings_addin").glob("*.bas"))
    assert modules
    pairs = [(f"{m.name}:{n}", s.replace('""', '"')) for m in modules
             for n, line in enumerate(m.read_text("utf-8", errors="replace").splitlines(), 1)
             if not line.lstrip().startswith("'")
             for s in re.findall(r'"((?:[^"]|"")*)"', line) if re.search("[\u3400-\u9fff]", s)]
    found = report(pairs)
    assert not found, _shown(found)
