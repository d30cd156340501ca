"""The command line in Chinese (issue 24 item 3): every --help page and every usage error the real
`jieshui` prints is held to the glossary (tests/glossary.py) and says 用法/参数/选项/命令, with or
without rich, in a pipe or in a terminal; `score` concludes the county's self-assessment."""

import functools
import os
import pty
import re
import subprocess

import pytest

from glossary import report
from helpers import EXAMPLE, JIESHUI, run

GROUPS = ["", "standard", "excel"]


@functools.cache
def help_page(path: str) -> subprocess.CompletedProcess[str]:
    return run(*path.split(), "--help")


def commands(group: str) -> list[str]:
    """The commands a group lists, read from its own --help (so a new command is not missed)."""
    printed = help_page(group).stdout
    block = printed.split("\n命令：\n", 1)[1] if "\n命令：\n" in printed else ""
    return [line.split()[0] for line in block.splitlines() if re.match(r"  \S", line)]


def every_command() -> list[str]:
    found = [*GROUPS]
    for group in GROUPS:
        found += [f"{group} {name}".strip() for name in commands(group) if f"{group} {name}".strip() not in found]
    return found


# The commands' own names are what one types, like an option: not words to read.
NAMES = ("split", "merge", "carry", "upgrade", "collect", "history", "score", "recalc", "check", "export", "report",
         "evidence", "template", "version", "standard", "excel", "import", "diff", "install", "uninstall")


def problems_in(printed: str, where: str, typed: tuple[str, ...] = ()) -> list[str]:
    """The glossary's findings; what the user `typed` and the message quotes back is no word of ours."""
    return report(((f"{where}第{n}行", line) for n, line in enumerate(printed.splitlines(), 1)),
                  latin_ok=NAMES + typed)


ENGLISH = ("Usage", "Options", "Arguments", "Commands", "Show this message", "[required]", "[default",
           "<path>", "PATH", "TEXT", "INTEGER", "Error", "Try ", "Missing", "No such", "Invalid", "Did you mean",
           "[OPTIONS]", "COMMAND", "ARGS")


def test_every_help_page_is_chinese():
    paths = every_command()
    assert len(paths) >= 21, paths  # jieshui, 15 commands, standard's 3 and excel's 2
    assert set(NAMES) == {path.split()[-1] for path in paths if path}
    found = []
    for path in paths:
        out = help_page(path)
        assert out.returncode == 0, (path, out.stderr)
        page = out.stdout
        found += problems_in(page, f"jieshui {path} --help ")
        found += [f"jieshui {path} --help：英文“{w}”" for w in ENGLISH if w in page]
        assert page.startswith(f"用法：jieshui {path}".rstrip() + " ［选项］"), page
        assert "选项：\n" in page and "  --help  " in page.replace(" " * 3, "  ") and "显示本帮助并退出。" in page
        if path in GROUPS:
            assert "命令：\n" in page and "命令 ［参数］…" in page.splitlines()[0], page
    assert found == []


def test_arguments_and_values_are_named_in_chinese():
    score = run("score", "--help").stdout
    assert "用法：jieshui score ［选项］ 文件\n" in score
    assert "参数：\n  文件  " in score and "［必填］" in score
    assert "--standard 文件  " in score
    collect = run("collect", "--help").stdout
    assert "--workers 数字" in collect and "--feedback 文件夹" in collect and "工作簿或文件夹…" in collect
    assert "--date 日期" in run("report", "--help").stdout
    assert "［县名］" in run("history", "--help").stdout.splitlines()[0]


@pytest.mark.parametrize("args, words", [
    (["score"], "缺少参数“文件”"),
    (["merge", "县.xlsm"], "缺少参数“填报表”"),
    (["standard", "import", "a.xlsx"], "缺少选项“-o/--output”"),
    (["score", "a.toml", "--jsn"], "没有选项“--jsn”（是否要用“--json”？）"),
    (["scor", "a.toml"], "没有命令“scor”（是否要用“score”？）"),
    (["standard", "exprt"], "没有命令“exprt”（是否要用“export”？）"),
    (["汇总"], "没有命令“汇总”，可用的命令有：split、merge"),
    (["collect", "d", "--workers", "三"], "选项“--workers”的取值无效，应为整数"),
    (["score", "a", "b"], "多给了参数：b"),
    (["merge", "a", "b", "-o"], "选项“-o”后面需要给出取值"),
    (["score", "--json=1", "a"], "选项“--json”不需要取值"),
])
def test_a_usage_error_is_one_chinese_sentence(args, words):
    out = run(*args)
    said = out.stdout + out.stderr
    assert out.returncode == 2, said
    assert said.startswith("错误：") and words in said and re.search(r"可运行“jieshui[a-z ]* --help”查看用法\n$", said), said
    command = " ".join(a for a in args[:2] if a in NAMES)  # where the mistake was made
    assert f"可运行“{' '.join(['jieshui', *command.split()])} --help”" in said, said
    assert said.count("\n") == 1 and problems_in(said, "", tuple(args)) == [] and not [w for w in ENGLISH if w in said], said


def test_a_group_without_a_command_shows_its_chinese_help():
    for group in ([], ["excel"]):
        out = run(*group)
        assert out.returncode == 2 and out.stderr.startswith("用法：jieshui"), out.stderr
        assert "命令：\n" in out.stderr and problems_in(out.stderr, "") == []


def _in_a_terminal(*args: str) -> str:
    """What `jieshui ARGS` prints in a terminal (a pseudo-terminal of 200 columns)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "200", "TERM": "xterm-256color"}
    child = subprocess.Popen([JIESHUI, *args], stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    child.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("args", [("score", "--help"), ("--help",), ("score",)])
def test_the_same_chinese_in_a_terminal_and_without_rich(args):
    piped = run(*args)
    without_rich = run(*args, env={**os.environ, "TYPER_USE_RICH": "0"})
    assert (without_rich.stdout, without_rich.stderr) == (piped.stdout, piped.stderr)
    terminal = _in_a_terminal(*args)
    assert terminal == piped.stdout + piped.stderr
    assert "用法" in terminal or "错误：" in terminal


def test_score_concludes_the_county_self_assessment():
    out = run("score", EXAMPLE)
    assert out.returncode == 0, out.stderr
    # The example by hand: 24 contents score 91.5 base and 5 bonus (tests/cli/test_app.py's JSON
    # check); the standard's pass mark is 85; its 4 prerequisites are met.
    assert "自评结论：自评总分96.5分（基本分91.5分，加分5分），达到85分合格线，4项必备条件均满足" in out.stdout
    assert "资料复核" not in out.stdout and "现场复核" not in out.stdout
    assert problems_in(out.stdout, "score ") == []
    # figures as officials write them: no needless decimals, one decimal for a percentage
    assert not re.search(r"\b\d+\.0\b|\.\d\d%", out.stdout), out.stdout


def test_the_reference_says_every_exit_code_and_format_for_it_staff():
    from glossary import markdown_texts
    from helpers import ROOT
    from jieshui.cli import common

    doc = ROOT / "docs" / "commands.md"
    section = doc.read_text(encoding="utf-8").split("\n## 信息中心参考\n", 1)[1]
    codes = {int(code) for code in re.findall(r"^\| `(\d+)` \|", section, re.M)}
    assert codes == {value for name, value in vars(common).items() if name.startswith("EXIT_")}
    for name in ("TOML", "SQLite", "SHA-256", "JSON", "UTF-8", ".xlsm", ".docx", ".csv"):
        assert f"`{name}" in section or f"{name}`" in section, name
    assert report(markdown_texts(doc)) == []
