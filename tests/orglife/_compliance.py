"""Helpers of the compliance, study-hour and ledger tests: meetings written straight to the tables (the meeting
services are tested on their own), so these tests check the reading side only."""

import datetime as dt
from decimal import Decimal

from dangjian.members.models import Member
from dangjian.orglife.models import Meeting, MeetingAttendee
from dangjian.orgs.models import LeadershipPosition

YEAR = 2026
TODAY = dt.date(YEAR, 5, 15)


def meeting(
    org,
    kind: str,
    held_on: dt.date,
    *,
    state: str = "held",
    present=(),
    leave=(),
    absent=(),
    hours=0,
    ends_on: dt.date | None = None,
    topic: str = "",
    host: str = "",
) -> Meeting:
    record = Meeting.objects.create(
        org=org,
        org_path=org.path,
        kind=kind,
        state=state,
        held_on=held_on,
        ends_on=ends_on,
        topic=topic or f"{kind} {held_on}",
        host=host,
        hours=Decimal(str(hours)),
    )
    MeetingAttendee.objects.bulk_create(
        [MeetingAttendee(meeting=record, member=m, attendance="present") for m in present]
        + [MeetingAttendee(meeting=record, member=m, attendance="leave") for m in leave]
        + [MeetingAttendee(meeting=record, member=m, attendance="absent") for m in absent]
    )
    return record


def monthly(org, kind: str, months, day: int = 10, **extra) -> list[Meeting]:
    return [meeting(org, kind, dt.date(YEAR, m, day), **extra) for m in months]


def appoint(org, member: Member | None, post: str = "member", **extra) -> LeadershipPosition:
    name = member.name if member else extra.pop("person_name", "干部")
    return LeadershipPosition.objects.create(
        org=org,
        post=post,
        member=member,
        person_name=name,
        started_on=extra.pop("started_on", dt.date(2024, 1, 1)),
        **extra,
    )


def seat_committee(org, size: int = 3) -> list[Member]:
    """The first `size` full members of `org` on its team, the first as 书记."""
    members = list(Member.objects.filter(org=org, category="full").order_by("id")[:size])
    for index, member in enumerate(members):
        appoint(org, member, "secretary" if index == 0 else "member")
    return members


def members_of(org) -> list[Member]:
    return list(Member.objects.filter(org=org).order_by("id"))
