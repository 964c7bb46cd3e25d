"""Reminders of the demonstration-site programme for the daily job (`settings.DANGJIAN_REMINDER_SOURCES`).

- a draft application whose creation plan is incomplete, as the plan-filing date (end of March) nears → a
  reminder to the applying organization's accounts; once it passed → a warning, also to the committee above;
- a draft application not yet submitted, as the submission date (early June) nears / once it passed;
- an open rectification (末位整改) as its deadline nears / once it passed.

Only open campaigns are looked at. Each item is sent once per level: the key names the object, what is due
and its date (`site:{kind}:{id}:{due_on}:{level}`).
"""

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from dangjian.notifications.models import Category
from dangjian.notifications.selectors import RecipientIndex
from dangjian.notifications.services import Reminder

from . import rules
from .models import Application, ApplicationState, CampaignState, Rectification, RectificationState


def _date(day: dt.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {"year": day.year, "month": day.month, "day": day.day}


def _url(name: str, fallback: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # pages not mounted (API-only deployments)
        return fallback


class Due(NamedTuple):
    kind: str
    pk: int
    org_id: int
    path: str
    due_on: dt.date
    what: str
    url: str


def _items(today: dt.date) -> Iterator[Due]:
    """Everything of the programme that has a deadline."""
    drafts = Application.objects.filter(
        state=ApplicationState.DRAFT, campaign__state=CampaignState.OPEN
    ).select_related("campaign", "org")
    for application in drafts:
        campaign = application.campaign
        url = _url("sites:application_detail", f"/sites/applications/{application.pk}/", application.pk)
        where = (application.pk, application.org_id, application.org_path)
        plan = {field: getattr(application, field) for field in rules.PLAN_FIELDS}
        if rules.missing_plan_fields(plan) and today <= campaign.implementation_by:
            yield Due("plan", *where, campaign.plan_due, _("报送示范点创建计划"), url)
        yield Due("submit", *where, campaign.implementation_by, _("提交示范点申报"), url)
    url = _url("sites:rectification_list", "/sites/rectifications/")
    for rectification in Rectification.objects.filter(state=RectificationState.OPEN):
        where = (rectification.pk, rectification.org_id, rectification.org_path)
        yield Due("rectification", *where, rectification.deadline, _("完成末位整改"), url)


def collect(today: dt.date) -> Iterator[Reminder]:
    """Reminders and warnings of the programme due on `today`."""
    recipients = RecipientIndex()
    if not recipients:
        return
    days_before = settings.DANGJIAN_SITES.get("REMINDER_DAYS", 7)
    for item in _items(today):
        level = rules.deadline_level(item.due_on, today, days_before)
        if level is None:
            continue
        people = recipients.recipients(item.org_id, item.path, escalate=level == rules.WARNING)
        if not people:
            continue
        values = {
            "what": item.what,
            "due": _date(item.due_on),
            "late": (today - item.due_on).days,
            "left": (item.due_on - today).days,
        }
        if level == rules.WARNING:
            title = _("示范点创建：%(what)s已逾期") % values
            body = _("应于 %(due)s 前%(what)s，已逾期 %(late)d 天。") % values
        else:
            title = _("示范点创建：请于 %(due)s 前%(what)s") % values
            body = _("还有 %(left)d 天到期，请及时办理。") % values
        key = f"site:{item.kind}:{item.pk}:{item.due_on.isoformat()}:{level}"
        for user in people:
            yield Reminder(
                recipient=user,
                dedup_key=key,
                level=level,
                category=Category.SITE,
                title=title,
                body=body,
                url=item.url,
                org=item.org_id,
            )
