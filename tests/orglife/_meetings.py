"""Helpers of the organizational-life tests (not a conftest: the compliance and reminder tests share this
directory and keep their own fixtures)."""

import datetime as dt

from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, MobileRecord
from dangjian.orglife import services
from dangjian.orgs.models import LeadershipPosition


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def audit_count() -> int:
    return AuditEntry.objects.count()


def appoint(org, member: Member, post: str = "member") -> LeadershipPosition:
    return LeadershipPosition.objects.create(
        org=org, post=post, member=member, person_name=member.name, started_on=dt.date(2024, 1, 1)
    )


def seat_committee(org, size: int = 3) -> list[Member]:
    """Put the first `size` full members of `org` on its committee (书记 first)."""
    members = list(Member.objects.filter(org=org, category="full").order_by("id")[:size])
    for index, member in enumerate(members):
        appoint(org, member, "secretary" if index == 0 else "member")
    return members


def host_mobile(member: Member, host) -> MobileRecord:
    return MobileRecord.objects.create(
        member=member,
        home_org=member.org,
        home_path=member.org.path,
        left_on=dt.date(2025, 1, 1),
        destination="杭州市",
        host_org=host,
        host_path=host.path,
    )


def members_of(org, category: str | None = None) -> list[Member]:
    queryset = Member.objects.filter(org=org).order_by("id")
    if category:
        queryset = queryset.filter(category=category)
    return list(queryset)


def held(actor, org, kind: str = "assembly", *, attendees=None, **extra):
    """A meeting recorded as held yesterday, everyone listed present unless `attendees` says otherwise."""
    values = {"held_on": days(-1), "topic": "学习党章", **extra}
    if kind == "life_meeting":
        values.setdefault("held_as", "assembly")
    return services.meeting_create(actor=actor, org=org, kind=kind, attendees=attendees, **values)


def everyone(members, attendance: str = "present") -> list[dict]:
    return [{"member_id": m.pk, "attendance": attendance} for m in members]
