"""Leadership teams (班子) for the demo: who holds which post, and a little history of past holders."""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from dangjian.orgs.models import Post
from dangjian.orgs.rules import add_years, committee_required, term_years

from .county import Unit, term_start

POST_ORDER = {post: index for index, post in enumerate(Post.values)}

TERM_STATUS_WEIGHTS = {"current": 76, "due": 10, "expired": 8, "overdue": 6}


@dataclass(slots=True)
class Candidate:
    member_id: int
    name: str


@dataclass(slots=True)
class Position:
    org_id: int
    post: str
    member_id: int | None
    person_name: str
    started_on: dt.date
    ended_on: dt.date | None = None
    end_reason: str = ""
    decision_ref: str = ""

    def row(self, position_id: int) -> tuple:
        return (
            position_id,
            self.org_id,
            self.post,
            self.member_id,
            self.person_name,
            self.started_on,
            self.ended_on,
            self.end_reason,
            self.decision_ref,
            POST_ORDER[self.post],
        )


POSITION_FIELDS = [
    "id",
    "org_id",
    "post",
    "member_id",
    "person_name",
    "started_on",
    "ended_on",
    "end_reason",
    "decision_ref",
    "sort_order",
]

_BRANCH_COMMITTEES = {
    3: ["secretary", "organization", "publicity"],
    4: ["secretary", "organization", "publicity", "discipline"],
    5: ["secretary", "deputy_secretary", "organization", "publicity", "discipline"],
}
_LARGE_BRANCH_COMMITTEE = [*_BRANCH_COMMITTEES[5], "youth", "women"]
_GENERAL_BRANCH = {5: _BRANCH_COMMITTEES[5], 7: _LARGE_BRANCH_COMMITTEE}
_COMMITTEE = {
    # A township committee: 书记, 镇长 and a full-time 副书记, 纪委书记, 组织 and 宣传委员, 武装部长 …
    7: [
        "secretary",
        "deputy_secretary",
        "deputy_secretary",
        "discipline",
        "organization",
        "publicity",
        "member",
    ],
    9: [
        "secretary",
        "deputy_secretary",
        "deputy_secretary",
        "discipline",
        "organization",
        "publicity",
        "member",
        "member",
        "member",
    ],
}


def posts_for(unit: Unit, full_members: int, rng: random.Random) -> list[str]:
    """The posts of a unit's current team, in the shapes the rules expect (and a few that they do not)."""
    if unit.special == "no_committee":
        return ["secretary"]
    if unit.special == "no_secretary":
        return ["deputy_secretary", "organization", "publicity"]
    if unit.special == "large_committee":
        return list(_LARGE_BRANCH_COMMITTEE)
    if unit.special == "featured":
        return list(_BRANCH_COMMITTEES[5])
    if unit.kind == "branch":
        # 支部条例 第20条: 7+ full members elect a 支委会 of 3–5; fewer elect a secretary (and maybe a deputy).
        if committee_required(full_members):
            return list(_BRANCH_COMMITTEES[rng.choices([3, 4, 5], weights=[35, 20, 45])[0]])
        return ["secretary", "deputy_secretary"] if rng.random() < 0.2 else ["secretary"]
    if unit.kind == "general_branch":
        return list(_GENERAL_BRANCH[rng.choice([5, 7])])
    if unit.kind == "committee":
        return list(_COMMITTEE[9 if unit.domain == "township" and rng.random() < 0.6 else 7])
    return []


def pick_term_start(unit: Unit, rng: random.Random, today: dt.date) -> dt.date:
    """An election day for the current team: mostly a current term, some due, expired or overdue."""
    statuses = list(TERM_STATUS_WEIGHTS)
    status = unit.term or rng.choices(statuses, weights=list(TERM_STATUS_WEIGHTS.values()))[0]
    return term_start(rng=rng, today=today, years=term_years(unit.kind, unit.domain), status=status)


def team(unit: Unit, posts: list[str], candidates: list[Candidate], rng: random.Random) -> list[Position]:
    """One distinct person per post, drawn from the unit's own members (or its subtree's)."""
    chosen = rng.sample(candidates, k=min(len(posts), len(candidates)))
    started = unit.term_started_on or unit.established_on
    return [
        Position(unit.id, post, person.member_id, person.name, started)
        for post, person in zip(posts, chosen, strict=False)
    ]


def predecessors(
    unit: Unit, years: int, make_name: Callable[[], str], rng: random.Random, *, posts: tuple[str, ...]
) -> list[Position]:
    """Holders of the previous term, who left at the election that started the current one (换届)."""
    started = unit.term_started_on
    if started is None:
        return []
    previous = max(add_years(started, -years), unit.established_on or started)
    return [
        Position(
            unit.id,
            post,
            None,
            make_name(),
            previous,
            ended_on=started,
            end_reason="换届",
            decision_ref=f"旌组复〔{previous.year}〕{rng.randint(1, 60)}号",
        )
        for post in posts
    ]
