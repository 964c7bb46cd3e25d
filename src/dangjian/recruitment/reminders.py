"""Reminders of member development for the daily job (a source of `settings.DANGJIAN_REMINDER_SOURCES`).

From the due list (`selectors.open_cases_with_dues`, the same items the due page and API show):

- due within `DEVELOPMENT_REMINDER_DAYS` (default 7) → a **reminder** to the branch's accounts; an approval
  due (接收审批, 转正审批) goes to the committee above as well, since it is the committee's to do;
- overdue → a **warning** to the branch's accounts and the officers of the first 党委 above it.
A running public notice is shown on the due list but never reminded.

Each item is sent once per level: the key names the case, what is due and its date
(`development:{case_id}:{code}:{due_on}:{level}`), so the next half-yearly review reminds again.
"""

import datetime as dt
from collections.abc import Iterator

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from dangjian.notifications.models import Category, Level
from dangjian.notifications.selectors import RecipientIndex
from dangjian.notifications.services import Reminder

from . import rules, selectors
from .conf import rule_config
from .models import DevelopmentCase

COMMITTEE_DUES = frozenset({rules.APPROVAL, rules.CONVERSION_APPROVAL})


def _date(day: dt.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {"year": day.year, "month": day.month, "day": day.day}


PLACEHOLDER = 987654321


def case_url_template() -> str:
    """The case page's address with `{}` for the id, reversed once per run (reversing is slow)."""
    try:
        sample = reverse("recruitment:case_detail", args=[PLACEHOLDER])
    except NoReverseMatch:  # the pages are not mounted (API-only deployments)
        return "/recruitment/{}/"
    return sample.replace(str(PLACEHOLDER), "{}")


def case_url(case_id: int) -> str:
    return case_url_template().format(case_id)


def message(item: selectors.DueItem, level: str, today: dt.date) -> tuple[str, str]:
    """Title and body of one reminder, in Chinese, naming the rule."""
    values = {
        "name": item.person_name,
        "org": item.org_name,
        "what": item.due.title,
        "due": _date(item.due.due_on),
        "source": item.due.source,
    }
    if level == Level.WARNING:
        values["late"] = (today - item.due.due_on).days
        title = _("%(org)s：%(name)s %(what)s已逾期") % values
        body = _("应于 %(due)s 前办理，已逾期 %(late)d 天。依据：%(source)s。") % values
        if item.lapsed:
            values["last"] = _date(item.due.last_on)
            body += _("已超过最后期限 %(last)s，不能再审批，应重新提交支部大会讨论。") % values
        return title, body
    values["left"] = (item.due.due_on - today).days
    title = _("%(org)s：%(name)s %(what)s将于 %(due)s 到期") % values
    body = _("还有 %(left)d 天到期，请及时办理。依据：%(source)s。") % values
    return title, body


def collect(today: dt.date) -> Iterator[Reminder]:
    """Development reminders and warnings due on `today`."""
    recipients = RecipientIndex()
    if not recipients:
        return
    days_before = rule_config().reminder_days
    url_template = case_url_template()
    for item in selectors.open_cases_with_dues(DevelopmentCase.objects.all(), today):
        level = rules.reminder_level(item.due, today, days_before)
        if level is None:
            continue
        escalate = level == Level.WARNING or item.code in COMMITTEE_DUES
        people = recipients.recipients(item.org_id, item.org_path, escalate=escalate)
        if not people:
            continue
        title, body = message(item, level, today)
        key = f"development:{item.case_id}:{item.code}:{item.due.due_on.isoformat()}:{level}"
        url = url_template.format(item.case_id)
        for user in people:
            yield Reminder(
                recipient=user,
                dedup_key=key,
                level=level,
                category=Category.DEVELOPMENT,
                title=title,
                body=body,
                url=url,
                org=item.org_id,
            )
