"""Reminders of organizational life for the daily job (a source of `settings.DANGJIAN_REMINDER_SOURCES`).

For every grassroots organization with requirements (`rules.requirements`):

- an item of the **running** period that is still unmet `MEETING_REMINDER_DAYS` days before the period ends
  (`rules.reminder_level` → DUE_SOON) → a **reminder** to the organization's accounts;
- an item of the **previous** period that ended unmet (→ OVERDUE) → a **warning** to the organization's
  accounts and to the officers of the first 党委 above it. Older periods are not warned about again;
- the year's 组织生活会 and 民主评议党员 not held by 1 December → a reminder for the year (RULES.md 第25、27条:
  generally in the fourth quarter).

A 党小组's reminders go to its branch's accounts (a group leader rarely has an account of their own).
Everything is read in a few set-based queries and evaluated by the pure `rules.compliance`.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core import periods
from dangjian.members.models import Member
from dangjian.notifications.models import Category, Level
from dangjian.notifications.selectors import RecipientIndex
from dangjian.notifications.services import Reminder
from dangjian.orgs.models import LeadershipPosition, Organization, OrgKind
from dangjian.orgs.rules import TEAM_POSTS

from . import rules
from .models import Meeting, MeetingKind, MeetingState

# RULES.md 第25、27条: 组织生活会 and 民主评议 generally in the fourth quarter; remind from 1 December if not held.
YEAR_END_KINDS = (rules.LIFE_MEETING, rules.APPRAISAL)
YEAR_END_REMINDER = (12, 1)  # (month, day)
COMMITTEE_AT = 3  # a 支委会 is in place with 3 or more current team members (支部条例 第20条)


@dataclass(frozen=True)
class OrgRow:
    id: int
    name: str
    kind: str
    path: str
    parent_id: int | None
    facts: rules.OrgFacts


def _org_rows(today: dt.date) -> list[OrgRow]:
    """Grassroots organizations alive today, with the facts the frequency rules need (four queries)."""
    orgs = list(
        Organization.objects.filter(is_grassroots=True, dissolved_on__isnull=True).values(
            "id", "name", "kind", "path", "parent_id", "established_on"
        )
    )
    counted = Member.objects.counted()
    direct = dict(counted.values("org_id").annotate(n=Count("id")).values_list("org_id", "n"))
    in_group = dict(
        counted.filter(party_group__isnull=False)
        .values("party_group_id")
        .annotate(n=Count("id"))
        .values_list("party_group_id", "n")
    )
    teams = dict(
        LeadershipPosition.objects.filter(ended_on__isnull=True, post__in=TEAM_POSTS)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    rows = []
    for org in orgs:
        members = in_group.get(org["id"], 0) if org["kind"] == OrgKind.GROUP else direct.get(org["id"], 0)
        facts = rules.OrgFacts(
            kind=org["kind"],
            is_grassroots=True,
            has_committee=teams.get(org["id"], 0) >= COMMITTEE_AT,
            members=members,
            established_on=org["established_on"],
        )
        rows.append(OrgRow(org["id"], org["name"], org["kind"], org["path"], org["parent_id"], facts))
    return rows


def _held(since: dt.date, until: dt.date) -> dict[int, dict[str, list[dt.date]]]:
    """Held meetings per organization and kind, as dates (one query)."""
    held: dict[int, dict[str, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
    rows = Meeting.objects.filter(
        state=MeetingState.HELD, held_on__gte=since, held_on__lte=until
    ).values_list("org_id", "kind", "held_on")
    for org_id, kind, day in rows.iterator(chunk_size=5000):
        held[org_id][kind].append(day)
    return held


def period_name(period: periods.Period) -> str:
    """2026-03 → 2026年3月; 2026-Q1 → 2026年第1季度; 2026 → 2026年."""
    if period.kind == periods.MONTH:
        return _("%(year)d年%(month)d月") % {"year": period.start.year, "month": period.start.month}
    if period.kind == periods.QUARTER:
        return _("%(year)d年第%(quarter)d季度") % {
            "year": period.start.year,
            "quarter": (period.start.month - 1) // 3 + 1,
        }
    return _("%(year)d年") % {"year": period.start.year}


def _date(day: dt.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {"year": day.year, "month": day.month, "day": day.day}


def _kind_name(kind: str) -> str:
    try:
        return str(MeetingKind(kind).label)
    except ValueError:
        return kind


def org_url(org_id: int) -> str:
    return reverse("orgs:detail", args=[org_id])


def _message(org: OrgRow, status: rules.PeriodStatus, level: str, today: dt.date) -> tuple[str, str]:
    values = {
        "org": org.name,
        "period": period_name(status.period),
        "kind": _kind_name(status.meeting_kind),
        "end": _date(status.period.end),
        "required": status.required,
        "held": status.held,
        "source": status.source,
    }
    if level == Level.WARNING:
        title = _("%(org)s：%(period)s%(kind)s未按规定召开") % values
        body = (
            _(
                "%(period)s已于 %(end)s 结束，%(kind)s应开 %(required)d 次，实开 %(held)d 次。依据：%(source)s。"
            )
            % values
        )
        return title, body
    left = (status.period.end - today).days + 1
    title = _("%(org)s：%(period)s%(kind)s尚未召开") % values
    body = _(
        "%(period)s将于 %(end)s 结束（还剩 %(left)d 天），%(kind)s应开 %(required)d 次，已开 %(held)d 次。依据：%(source)s。请按时召开并登记。"
    ) % {**values, "left": left}
    return title, body


def _verdicts(statuses: list[rules.PeriodStatus], today: dt.date, days: int) -> Iterator[tuple]:
    """(status, level) for what to remind or warn about today."""
    year_end = dt.date(today.year, *YEAR_END_REMINDER)
    for status in statuses:
        period = status.period
        if today in period:
            due_soon = rules.reminder_level(status, today, days) == rules.DUE_SOON
            year_end_due = (
                status.state == rules.OPEN
                and period.kind == periods.YEAR
                and status.meeting_kind in YEAR_END_KINDS
                and today >= year_end
            )
            if due_soon or year_end_due:
                yield status, Level.REMINDER
        elif today in period.next() and status.state == rules.MISSED:
            yield status, Level.WARNING


def collect(today: dt.date) -> Iterator[Reminder]:
    """Reminders and warnings of organizational life due on `today`."""
    recipients = RecipientIndex()
    if not recipients:
        return
    days = settings.DANGJIAN_RULES["MEETING_REMINDER_DAYS"]
    lecture_period = settings.DANGJIAN_RULES["LECTURE_PERIOD"]
    orgs = _org_rows(today)
    paths = {org.id: org.path for org in orgs}
    held = _held(dt.date(today.year - 1, 1, 1), today)
    for org in orgs:
        if not rules.requirements(org.facts, lecture_period):
            continue
        done = held.get(org.id, {})
        statuses = [
            *rules.compliance(org.facts, today.year - 1, done, today, lecture_period=lecture_period),
            *rules.compliance(org.facts, today.year, done, today, lecture_period=lecture_period),
        ]
        # a 党小组's reminders go to its branch
        owner_id = org.parent_id if org.kind == OrgKind.GROUP and org.parent_id else org.id
        owner_path = paths.get(owner_id, org.path)
        for status, level in _verdicts(statuses, today, days):
            escalate = level == Level.WARNING
            people = recipients.recipients(owner_id, owner_path, escalate=escalate)
            if not people:
                continue
            title, body = _message(org, status, level, today)
            key = f"meeting:{org.id}:{status.meeting_kind}:{status.period.label}:{level}"
            url = org_url(owner_id)
            for user in people:
                yield Reminder(
                    recipient=user,
                    dedup_key=key,
                    level=level,
                    category=Category.MEETING,
                    title=title,
                    body=body,
                    url=url,
                    org=org.id,
                )
