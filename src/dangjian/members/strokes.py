"""Surname stroke order (姓氏笔画), as official rosters and candidate lists are sorted.

Each character gets its rank in the GF 3003 stroke order (stroke count, then the 横竖撇点折 sequence of the
strokes), read from the MIT-licensed data file that the `cn-sort` package ships. We read only its data:
importing `cn_sort` itself writes log files into the working directory. ICU's "stroke" collation is not
used because it counts 阝 as three strokes (ECOSYSTEM.md).
"""

import importlib.util
import json
from functools import cache
from pathlib import Path

# Corrections to the shipped data, as ranks ×10 so a character can sit between two neighbours.
# 达 is 6 strokes (一ノ丶丶フ㇏, 134454); cn-sort files it among the 5-stroke characters. It belongs
# between 过 (124454) and 迈 (153454).
_OVERRIDES_BETWEEN = {"达": ("过", "迈")}
_UNKNOWN = 999_999  # characters without data (Latin letters, rare CJK) sort last
WIDTH = 6


@cache
def _ranks() -> dict[str, int]:
    # find_spec locates the package without executing its __init__ (which configures file logging).
    spec = importlib.util.find_spec("cn_sort")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cn-sort is not installed; it provides the stroke-order data")
    data = (Path(spec.submodule_search_locations[0]) / "res" / "all_word.json").read_text(encoding="utf-8")
    ranks: dict[str, int] = {}
    for entry in json.loads(data)["all_word"]:
        char = entry["chinese"]
        if len(char) == 1 and char not in ranks:
            ranks[char] = entry["stroke_increment_level"] * 10
    for char, (before, after) in _OVERRIDES_BETWEEN.items():
        ranks[char] = (ranks[before] + ranks[after]) // 2
    return ranks


def rank(char: str) -> int:
    return _ranks().get(char, _UNKNOWN)


def name_key(name: str) -> str:
    """A string key whose ordinary (binary) order is the stroke order of the name, character by character."""
    ranks = _ranks()
    return "".join(f"{ranks.get(char, _UNKNOWN):0{WIDTH}d}" for char in name.strip()[:20])


def sort_names(names: list[str]) -> list[str]:
    return sorted(names, key=name_key)
