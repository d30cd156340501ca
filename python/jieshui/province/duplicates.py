"""One file counted per county and year (collect): a county that sent its workbook twice, or a
revision after the first. Files with the same data: the first (by path) is counted, the others
are 重复. Files whose data differ: the one with the later 填报日期 (then the later file time) is
counted, or the one the reviewer named (--prefer), and each other file's row names every file
with its total and verdict, so the reviewer sees what was dropped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UserError
from ..engine.words import BLANK, shown
from .collect import DUPLICATE, RESUBMITTED, CountyResult

Key = tuple[str, str, str]


class PreferError(UserError, ValueError):
    """A --prefer file that is not one of a county's several files; the message (Chinese) says why."""


def _key(r: CountyResult) -> Key:
    return (r.name.strip(), r.province.strip(), str(r.year))


def _same(a: str | Path, b: str | Path) -> bool:
    return Path(a).resolve() == Path(b).resolve()


def resolve(results: list[CountyResult], prefer: list[Path]) -> list[CountyResult]:
    """The results in their order, each file not counted replaced by its problem row."""
    groups: dict[Key, list[int]] = {}
    for n, r in enumerate(results):
        if not r.error and r.name.strip():
            groups.setdefault(_key(r), []).append(n)
    chosen = _preferred(results, groups, prefer)
    resolved = list(results)
    for key, members in groups.items():
        if len(members) < 2:
            continue
        group = [results[n] for n in members]
        counted, reason = _counted(group, chosen.get(key))
        changed = [Path(r.file).name for r in group if r.digest != counted.digest]
        if changed:
            counted.note = f"同一县本年度另有{len(changed)}份数据不同的文件未计入：{'、'.join(changed)}"
        for n in members:
            r = results[n]
            if r is not counted:
                resolved[n] = _dropped(r, counted, group, reason)
    return resolved


def _preferred(results: list[CountyResult], groups: dict[Key, list[int]], prefer: list[Path]) -> dict[Key, CountyResult]:
    """{county: the file the reviewer chose}; PreferError for a file that is not a choice."""
    chosen: dict[Key, CountyResult] = {}
    for path in prefer:
        match = next((r for r in results if _same(r.file, path)), None)
        if match is None or match.error or not match.name.strip():
            why = "不是本次复核读取的县域工作簿" if match is None else f"未计入复核（{match.error_kind or '未填县名'}）"
            raise PreferError(f"--prefer 指定的文件{path} {why}；--prefer 只能指定同一县同一年度多份文件中的一份")
        key = _key(match)
        if len(groups[key]) < 2:
            raise PreferError(f"--prefer 指定的文件{path}是{match.name}（{shown(match.year)}年度）唯一的一份文件，"
                              "没有需要选择的其他文件；--prefer 只用于同一县同一年度有多份文件时")
        if key in chosen and chosen[key] is not match:
            raise PreferError(f"--prefer 为{match.name}（{shown(match.year)}年度）指定了两份文件："
                              f"{chosen[key].file}和{path}；每个县只能指定一份")
        chosen[key] = match
    return chosen


def _date(r: CountyResult) -> dt.date:
    try:
        return dt.date.fromisoformat(r.report_date)
    except ValueError:
        return dt.date.min


def _counted(group: list[CountyResult], preferred: CountyResult | None) -> tuple[CountyResult, str]:
    """The file counted and why, in the words the problem row uses."""
    if preferred is not None:
        return preferred, "复核人员用 --prefer 指定"
    if len({r.digest for r in group}) == 1:
        return group[0], ""
    # The latest 填报日期, then the latest file time; on a tie, the first by path (as before).
    latest = max(enumerate(group), key=lambda nr: (_date(nr[1]), nr[1].modified, -nr[0]))[1]
    later_date = all(_date(r) < _date(latest) for r in group if r.digest != latest.digest)
    return latest, "填报日期较新" if later_date else "填报日期相同或未填、文件修改时间较新"


def _described(r: CountyResult) -> str:
    total = shown(r.total) if r.total is not None else "总分无法计算"
    when = r.report_date or f"未填填报日期，文件修改于{dt.datetime.fromtimestamp(r.modified):%Y-%m-%d %H:%M}"
    return f"{r.file} {total} {r.verdict or BLANK}（{when}）"


def _dropped(r: CountyResult, counted: CountyResult, group: list[CountyResult], reason: str) -> CountyResult:
    county = f"{r.name}，{r.province}，{shown(r.year)}年度"
    if r.digest == counted.digest:
        kind = DUPLICATE
        message = f"与{counted.file}是同一个县（{county}）、数据相同的文件，只计入{counted.file}；请确认哪一份是最终报送的"
    else:
        kind = RESUBMITTED
        count = "两" if len(group) == 2 else f" {len(group)} "
        message = (f"同一个县（{county}）有{count}份文件，数据不同：" + "；".join(_described(g) for g in group)
                   + f"。按{reason}的{counted.file}计，本文件未计入；如应以本文件为准，请用 --prefer 指定")
    return CountyResult(r.file, name=r.name, province=r.province, city=r.city, year=r.year, total=r.total,
                        verdict=r.verdict, report_date=r.report_date, modified=r.modified, digest=r.digest,
                        standard_version=r.standard_version, error_kind=kind, error=message)
