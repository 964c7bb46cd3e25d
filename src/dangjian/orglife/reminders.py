"""Reminders of organizational life for the daily job (a source of `settings.DANGJIAN_REMINDER_SOURCES`).

For every grassroots organization with requirements (`rules.requirements`):

- an item of the **running** period that is still unmet `MEETING_REMINDER_DAYS` days before the period ends
  (`rules.reminder_level` → DUE_SOON) → a **reminder** to the organization's accounts;
- an item of the **previous** period that ended unmet (→ OVERDUE) → a **warning** to the organization's
  accounts and to the officers of the first 党委 above it. Older periods are not warned about again;
- the year's 组织生活会 and 民主评议党员 not held by 1 December → a reminder for the year (RULES.md 第25、27条:
  generally in the fourth quarter).

A 党小组's reminders go to its branch's accounts (a group leader rarely has an account of their own).
The items come from the compliance selector (`selectors_compliance.compliance_of_subtree`: a few set-based
queries per year, then the pure `rules.compliance`), for this year and the last.
"""

import datetime as dt
from collections.abc import Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from dangjian.core import periods
from dangjian.notifications.models import Category, Level
from dangjian.notifications.selectors import RecipientIndex
from dangjian.notifications.services import Reminder
from dangjian.orgs.models import Organization, OrgKind

from . import rules
from .models import MeetingKind
from .selectors_compliance import OrgCompliance, compliance_of_subtree

# RULES.md 第25、27条: 组织生活会 and 民主评议 generally in the fourth quarter; remind from 1 December if not held.
YEAR_END_KINDS = (rules.LIFE_MEETING, rules.APPRAISAL)
YEAR_END_REMINDER = (12, 1)  # (month, day)


def _statuses(today: dt.date) -> list[tuple[OrgCompliance, list[rules.PeriodStatus]]]:
    """Each organization alive today with its items of last year and of this year (the compliance selector)."""
    roots = Organization.objects.filter(parent__isnull=True)
    found: dict[int, tuple[OrgCompliance, list[rules.PeriodStatus]]] = {}
    for year in (today.year, today.year - 1):
        for root in roots:
            for org in compliance_of_subtree(root, year, today).orgs:
                dissolved = org.facts.dissolved_on
                if dissolved is not None and dissolved <= today:
                    continue
                if org.org_id in found:
                    found[org.org_id][1].extend(org.statuses)
                elif year == today.year:
                    found[org.org_id] = (org, list(org.statuses))
    return list(found.values())


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


def checklist_url(org_id: int, year: int) -> str:
    """The organization's own checklist of the year (组织生活合规), where the gap shows and can be recorded."""
    try:
        base = reverse("orglife:compliance:checklist")
    except NoReverseMatch:  # pragma: no cover - the compliance pages are part of the app
        return reverse("orgs:detail", args=[org_id])
    return f"{base}?{urlencode({'org': org_id, 'year': year})}"


def _message(org_name: str, status: rules.PeriodStatus, level: str, today: dt.date) -> tuple[str, str]:
    values = {
        "org": org_name,
        "period": period_name(status.period),
        "kind": _kind_name(status.meeting_kind),
        "end": _date(status.period.end),
        "required": status.required,
        "held": status.held,
        "source": status.source,
        "left": (status.period.end - today).days + 1,
    }
    if status.meeting_kind == rules.TALK:  # counted in members talked with, not in meetings
        done = _("谈心谈话应覆盖 %(required)d 名党员，已覆盖 %(held)d 名") % values
    elif level == Level.WARNING:
        done = _("%(kind)s应开 %(required)d 次，实开 %(held)d 次") % values
    else:
        done = _("%(kind)s应开 %(required)d 次，已开 %(held)d 次") % values
    values["done"] = done
    if level == Level.WARNING:
        title = _("%(org)s：%(period)s%(kind)s未按规定完成") % values
        body = _("%(period)s已于 %(end)s 结束，%(done)s。依据：%(source)s。") % values
    else:
        title = _("%(org)s：%(period)s%(kind)s尚未完成") % values
        body = (
            _(
                "%(period)s将于 %(end)s 结束（还剩 %(left)d 天），%(done)s。依据：%(source)s。请按时召开并登记。"
            )
            % values
        )
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
    found = _statuses(today)
    paths = {org.org_id: org.path for org, _statuses_ in found}
    for org, statuses in found:
        # a 党小组's reminders go to its branch
        owner_id = org.parent_id if org.kind == OrgKind.GROUP and org.parent_id else org.org_id
        owner_path = paths.get(owner_id, org.path)
        for status, level in _verdicts(statuses, today, days):
            people = recipients.recipients(owner_id, owner_path, escalate=level == Level.WARNING)
            if not people:
                continue
            title, body = _message(org.name, status, level, today)
            key = f"meeting:{org.org_id}:{status.meeting_kind}:{status.period.label}:{level}"
            url = checklist_url(owner_id, status.period.start.year)
            for user in people:
                yield Reminder(
                    recipient=user,
                    dedup_key=key,
                    level=level,
                    category=Category.MEETING,
                    title=title,
                    body=body,
                    url=url,
                    org=org.org_id,
                )
