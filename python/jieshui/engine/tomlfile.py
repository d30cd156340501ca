"""Parse TOML text (county data files and standard files) with a Chinese message for every way
it can be broken: tomllib's English text names the place, we say it in Chinese."""

from __future__ import annotations

import re
import tomllib
from typing import Any

_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")


class TomlProblem(ValueError):
    """The text is not valid TOML; the message (Chinese) says where."""


def loads(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        place = _PLACE.search(str(exc))
        where = f"第{place.group(1)}行第{place.group(2)}列附近" if place else "文件中"
        raise TomlProblem(f"{where}有语法错误（请检查引号、括号、等号和逗号）") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise TomlProblem("括号嵌套过深，不是县域数据或评价标准的格式") from None
