"""Reminders of leadership terms for the daily job (a source of `settings.DANGJIAN_REMINDER_SOURCES`).

支部条例 第六章 / 选举条例 第3条: the higher organization reminds about 6 months (`TERM_REMINDER_MONTHS`) before a
term ends; a postponement is generally at most a year. With `rules.term_status`:

- `due` (inside the reminder window) → a **reminder** to the organization's accounts;
- `expired` (ended, re-election not recorded) and `overdue` (more than a year late) → a **warning** to the
  organization's accounts and to the officers of the first 党委 above it.

Each state is sent once per term: the key names the term's end date, so the next term reminds again.
The organizations checked are those the structure check covers: grassroots, alive, not a 党小组, with the
date their current committee was elected.
"""

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.notifications.models import Category, Level
from dangjian.notifications.selectors import RecipientIndex
from dangjian.notifications.services import Reminder

from . import rules
from .models import Organization, OrgKind

LEVELS = {"due": Level.REMINDER, "expired": Level.WARNING, "overdue": Level.WARNING}


def _date(day: dt.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {"year": day.year, "month": day.month, "day": day.day}


def _message(name: str, status: str, ends_on: dt.date, years: int, today: dt.date) -> tuple[str, str]:
    values = {"org": name, "end": _date(ends_on), "years": years}
    if status == "due":
        values["left"] = (ends_on - today).days
        return (
            _("%(org)s：本届班子任期将于 %(end)s 届满") % values,
            _(
                "本届任期 %(years)d 年，将于 %(end)s 届满（还有 %(left)d 天），应做好换届选举准备，按期换届。依据：支部条例第二十一条、选举条例第三条（届满前约6个月提醒）。"
            )
            % values,
        )
    values["late"] = (today - ends_on).days
    if status == "overdue":
        return (
            _("%(org)s：本届班子任期届满超过1年仍未换届") % values,
            _(
                "本届任期已于 %(end)s 届满，已超期 %(late)d 天。延期换届一般不超过1年，应立即组织换届选举。依据：支部条例第二十一条、选举条例第三条。"
            )
            % values,
        )
    return (
        _("%(org)s：本届班子任期已届满，尚未换届") % values,
        _(
            "本届任期已于 %(end)s 届满（已过 %(late)d 天），应按期换届；确需延期须经上级党组织批准，一般不超过1年。依据：支部条例第二十一条、选举条例第三条。"
        )
        % values,
    )


def collect(today: dt.date) -> Iterator[Reminder]:
    """Term reminders and warnings due on `today`."""
    recipients = RecipientIndex()
    if not recipients:
        return
    months = settings.DANGJIAN_RULES["TERM_REMINDER_MONTHS"]
    orgs = (
        Organization.objects.filter(
            is_grassroots=True, dissolved_on__isnull=True, term_started_on__isnull=False
        )
        .exclude(kind=OrgKind.GROUP)
        .values("id", "name", "kind", "domain", "path", "term_started_on", "term_years_override")
    )
    for org in orgs.iterator(chunk_size=2000):
        years = org["term_years_override"] or rules.term_years(org["kind"], org["domain"])
        ends_on = rules.term_end(org["term_started_on"], years)
        status = rules.term_status(ends_on, today, months)
        level = LEVELS.get(status)
        if level is None:
            continue
        people = recipients.recipients(org["id"], org["path"], escalate=level == Level.WARNING)
        if not people:
            continue
        title, body = _message(org["name"], status, ends_on, years, today)
        key = f"term:{org['id']}:{ends_on.isoformat()}:{status}"
        url = reverse("orgs:detail", args=[org["id"]]) + "?tab=team"
        for user in people:
            yield Reminder(
                recipient=user,
                dedup_key=key,
                level=level,
                category=Category.TERM,
                title=title,
                body=body,
                url=url,
                org=org["id"],
            )
