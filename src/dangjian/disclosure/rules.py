"""The rules of the disclosure board (党务公开栏) as pure functions of plain values; `today` is passed in."""

import datetime as dt

from django.utils.translation import gettext as _

SCHEDULED, LIVE, EXPIRED, WITHDRAWN = "scheduled", "live", "expired", "withdrawn"

# Platform limit, not a regulation: an item stays up at most about five years (a typo's year 2226 is refused).
MAX_PERIOD_DAYS = 5 * 366

TITLE_MAX = 200
BODY_MAX = 20000
REASON_MAX = 300


# 党务公开条例（试行）: an item is public within its period — from the publishing day through the closing day.
def is_shown(publish_on: dt.date, expires_on: dt.date, withdrawn: bool, today: dt.date) -> bool:
    return not withdrawn and publish_on <= today <= expires_on


def item_state(publish_on: dt.date, expires_on: dt.date, withdrawn: bool, today: dt.date) -> str:
    if withdrawn:
        return WITHDRAWN
    if today < publish_on:
        return SCHEDULED
    if today > expires_on:
        return EXPIRED
    return LIVE


# 党务公开条例（试行）第十五条: what goes public is settled (审核、审批) before it is published, so an item
# may be changed only while it is not yet public; afterwards it is withdrawn and published anew.
def may_update(publish_on: dt.date, withdrawn: bool, today: dt.date) -> bool:
    return not withdrawn and today < publish_on


# A withdrawal takes down what is, or would be, public; an expired item is no longer shown anyway.
def may_withdraw(expires_on: dt.date, withdrawn: bool, today: dt.date) -> bool:
    return not withdrawn and today <= expires_on


def period_problems(publish_on: dt.date, expires_on: dt.date, today: dt.date) -> dict[str, str]:
    """{field: Chinese message} for a period that cannot be published (empty when it can)."""
    problems = {}
    if publish_on < today:
        problems["publish_on"] = _("公开日期不能早于今天")
    if expires_on <= publish_on:
        problems["expires_on"] = _("截止日期应晚于公开日期")
    elif (expires_on - publish_on).days > MAX_PERIOD_DAYS:
        problems["expires_on"] = _("公开期最长 5 年")
    return problems
