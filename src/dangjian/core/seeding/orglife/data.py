"""Plain values the demo's organizational life is drawn from: people, habits, teams; and reading the members."""

import datetime as dt
import random
from bisect import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from dangjian.members.models import Member
from dangjian.orglife import rules

from ..county import Unit

LISTED_STATUSES = frozenset({"active", "mobile", "lost_contact"})  # 停止党籍 members are not called


@dataclass(slots=True)
class Person:
    id: int
    name: str
    group_id: int | None
    category: str
    status: str
    joined_on: dt.date
    converted_on: dt.date | None
    reliability: float = 0.97
    hosted: bool = False  # a mobile member of another organization, attending here

    def listed_on(self, day: dt.date) -> bool:
        return self.joined_on < day

    def full_on(self, day: dt.date) -> bool:
        return self.category == "full" and (self.converted_on is None or self.converted_on < day)

    def votes_on(self, day: dt.date) -> bool:
        # rules.has_vote as it stood that day: a full member by then (转正 before the day), in good standing.
        category = "full" if self.full_on(day) else "probationary"
        return not self.hosted and rules.has_vote(category, self.status)


Mark = tuple[Person, str, str]  # who, attendance, note


@dataclass
class Habits:
    """How one organization kept its organizational life in one year (what it skipped)."""

    profile: str
    turnout: float
    skip: dict[str, set[int]] = field(default_factory=dict)  # kind → months (1–12) or quarters (1–4)
    talk_share: float = 1.0
    trainings: tuple[str, ...] = ("spring", "autumn", "winter")
    held_from: int = 1  # first month with anything at all (a dormant year's rectification)
    only: set[tuple[str, int]] | None = None  # a dormant year: just these (kind, month or quarter)

    def holds(self, kind: str, number: int, month: int) -> bool:
        """Whether the meeting `kind` of period `number` (month 1–12, quarter 1–4, or 1 for the year), which
        would fall in `month`, is held."""
        if self.only is not None:
            return (kind, number) in self.only
        return month >= self.held_from and number not in self.skip.get(kind, ())


@dataclass
class Team:
    people: list[Person]
    host: str
    recorder: str
    secretary: str


def keeps_life(unit: Unit) -> bool:
    return unit.is_grassroots and unit.dissolved_on is None and unit.kind != "working_committee"


def subtree(unit: Unit) -> Iterator[Unit]:
    stack = list(unit.children)
    while stack:
        child = stack.pop()
        yield child
        stack.extend(child.children)


def people_by_branch(branches: dict[int, Unit], rng: random.Random) -> Iterable[tuple[int, list[Person]]]:
    """Each branch's listable members (streamed in branch order), with how reliably each turns up."""
    rows = (
        Member.objects.filter(status__in=LISTED_STATUSES)
        .order_by("org_id", "id")
        .values_list(
            "org_id", "id", "name", "party_group_id", "category", "status", "joined_on", "converted_on"
        )
    )
    levels = [0.97, 0.75, 0.45]
    cumulative = [0.84, 0.96, 1.0]
    for org_id, group in groupby(rows.iterator(chunk_size=20_000), key=lambda row: row[0]):
        if org_id not in branches:
            continue
        yield (
            org_id,
            [
                Person(
                    member_id,
                    name,
                    group_id,
                    category,
                    status,
                    joined,
                    converted,
                    levels[bisect(cumulative, rng.random())],
                )
                for _, member_id, name, group_id, category, status, joined, converted in group
            ],
        )
