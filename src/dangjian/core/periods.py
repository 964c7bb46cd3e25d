"""Reporting periods — a month, a quarter or a year — named as the API names them ("2026-03", "2026-Q1", "2026").

The one helper every module uses for periods (ARCHITECTURE.md, cross-cutting rules). Dates are local dates.
"""

import datetime as dt
from dataclasses import dataclass

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
KINDS = (MONTH, QUARTER, YEAR)


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # the last day, inclusive
    kind: str
    label: str

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def has_ended(self, today: dt.date) -> bool:
        return today > self.end

    def next(self) -> "Period":
        return period_of(self.end + dt.timedelta(days=1), self.kind)


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def month(year: int, month_number: int) -> Period:
    return Period(
        dt.date(year, month_number, 1), _month_end(year, month_number), MONTH, f"{year}-{month_number:02d}"
    )


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return Period(dt.date(year, first, 1), _month_end(year, first + 2), QUARTER, f"{year}-Q{number}")


def year(year_number: int) -> Period:
    return Period(dt.date(year_number, 1, 1), dt.date(year_number, 12, 31), YEAR, str(year_number))


def period_of(day: dt.date, kind: str) -> Period:
    if kind == MONTH:
        return month(day.year, day.month)
    if kind == QUARTER:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    if kind == YEAR:
        return year(day.year)
    raise ValueError(kind)


def periods_of_year(year_number: int, kind: str) -> list[Period]:
    """The months, quarters or the year itself of a calendar year, in order."""
    if kind == MONTH:
        return [month(year_number, m) for m in range(1, 13)]
    if kind == QUARTER:
        return [quarter(year_number, q) for q in range(1, 5)]
    if kind == YEAR:
        return [year(year_number)]
    raise ValueError(kind)


def parse(label: str) -> Period:
    """ "2026-03" → March 2026, "2026-Q1" → the first quarter, "2026" → the year; ValueError otherwise."""
    text = label.strip()
    if len(text) == 4 and text.isdigit():
        return year(int(text))
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit():
        tail = text[5:]
        if tail[0] in "Qq" and tail[1:].isdigit() and 1 <= int(tail[1:]) <= 4:
            return quarter(int(text[:4]), int(tail[1:]))
        if tail.isdigit() and 1 <= int(tail) <= 12:
            return month(int(text[:4]), int(tail))
    raise ValueError(label)
