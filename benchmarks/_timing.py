"""Shared by the benchmark scripts: alternating timed runs and terminal columns for Chinese text."""

import statistics
import time
import unicodedata


def pad(text: str, width: int) -> str:
    """Left-justify for a terminal, where a Chinese character takes two columns."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)


def timed_pair(first, second, repeat: int) -> tuple[float, float, object, object]:
    """Median seconds of two functions, run alternately so that a busy machine slows both alike."""
    first(), second()  # warm the caches
    times: tuple[list[float], list[float]] = ([], [])
    results: list[object] = [None, None]
    for _ in range(repeat):
        for index, function in enumerate((first, second)):
            started = time.perf_counter()
            results[index] = function()
            times[index].append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1]), results[0], results[1]
