"""Member rules (RULES.md sections F, G, H and the statistical tables) as pure functions. No ORM here."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.orgs.rules import add_months

ADMISSION_MIN_AGE = 18  # 细则 第5条; 党章 第1条: applicants are at least eighteen
PROBATION_MONTHS = 12  # 党章 第7条: probation lasts one year
PROBATION_LONGEST_MONTHS = 24  # 党章 第7条: extended once, by at most one more year

GONE = frozenset({"left", "deceased", "transferred_out"})
LOST_CONTACT_BEFORE_SUSPENSION_MONTHS = 6  # 教管条例 第24条: lost contact for six months or more
SUSPENSION_RESTORABLE_YEARS = 2  # 教管条例 第24条: after two years stopped → removed as 自行脱党
MOBILE_TRANSFER_MONTHS = 6  # 教管条例 第25条: away six months or more at a fixed place → transfer


class RuleViolation(ValueError):
    """A step the rules forbid now; the message says which rule."""


@dataclass(frozen=True)
class Outcome:
    to_status: str
    to_category: str | None = None  # a cancelled probationer keeps "probationary" with status left


def status_change_outcome(
    *,
    kind: str,
    status: str,
    category: str,
    effective_on: dt.date,
    last_change_on: dt.date | None,
    exit_kind: str = "",
    today: dt.date,
) -> Outcome:
    """Where a 党籍异动 leads, or RuleViolation with the rule that forbids it."""
    if effective_on > today:
        raise RuleViolation(_("生效日期不能晚于今天"))
    if last_change_on is not None and effective_on < last_change_on:
        raise RuleViolation(_("生效日期不能早于上一次异动的日期"))
    if status in GONE:
        raise RuleViolation(_("该党员已出党、去世或转出，党籍状态不能再变更"))
    if kind == "lost_contact":
        if status not in ("active", "mobile"):
            raise RuleViolation(_("只有正常或流动状态的党员可以登记失去联系"))
        return Outcome("lost_contact")
    if kind == "contact_restored":
        if status != "lost_contact":
            raise RuleViolation(_("只有失去联系的党员可以登记恢复联系"))
        return Outcome("active")
    if kind == "suspend":
        # 教管条例 第24条: (a) lost contact ≥ 6 months; (b) settled abroad / abroad > 5 years.
        if category == "probationary":
            raise RuleViolation(
                _("预备党员失去联系的，应取消预备党员资格，不适用停止党籍（RULES.md 第85条）")
            )
        if status == "lost_contact":
            if (
                last_change_on is None
                or add_months(last_change_on, LOST_CONTACT_BEFORE_SUSPENSION_MONTHS) > effective_on
            ):
                raise RuleViolation(
                    _("失去联系满 6 个月、经多方查找仍无音讯的，方可停止党籍（教管条例 第24条）")
                )
            return Outcome("suspended")
        if status in ("active", "mobile"):
            return Outcome("suspended")  # 出国（境）定居或逾期不归，由原组织决定停止党籍
        raise RuleViolation(_("该党员当前状态不能停止党籍"))
    if kind == "restore":
        if status != "suspended":
            raise RuleViolation(_("只有停止党籍的党员可以恢复党籍"))
        if last_change_on is not None and effective_on >= add_months(
            last_change_on, SUSPENSION_RESTORABLE_YEARS * 12
        ):
            raise RuleViolation(_("停止党籍已满 2 年，应按自行脱党予以除名，不能恢复党籍（教管条例 第24条）"))
        return Outcome("active")
    if kind == "leave":
        if not exit_kind:
            raise RuleViolation(_("请选择出党方式"))
        if exit_kind == "probation_cancelled" and category != "probationary":
            raise RuleViolation(_("只有预备党员才能取消预备党员资格（党章 第7条）"))
        if exit_kind == "persuaded" and category == "probationary":
            raise RuleViolation(_("对预备党员不能劝退，应延长预备期或取消预备党员资格（党章 第7条）"))
        return Outcome("left")
    if kind == "death":
        return Outcome("deceased")
    raise RuleViolation(_("异动类别无效"))


def transfer_valid_until(issued_on: dt.date, months: int, *, max_months: int) -> dt.date:
    """The letter's validity; the member must register with the receiver before it (RULES.md 第95条)."""
    if not 1 <= months <= max_months:
        raise RuleViolation(_("介绍信有效期应为 1 至 %(max)s 个月") % {"max": max_months})
    return add_months(issued_on, months)


def dues_paid_for_transfer(dues_paid_until: dt.date, issued_on: dt.date) -> bool:
    # RULES.md 第98条: before a transfer the dues are paid up to the month of transfer.
    return (dues_paid_until.year, dues_paid_until.month) >= (issued_on.year, issued_on.month)


def transfer_expired(valid_until: dt.date, today: dt.date) -> bool:
    return today > valid_until


def outflow_needs_transfer(left_on: dt.date, expected_return_on: dt.date | None) -> bool:
    # 教管条例 第25条: away ≥ 6 months at a fairly fixed place → the formal relationship must move.
    return expected_return_on is not None and expected_return_on >= add_months(
        left_on, MOBILE_TRANSFER_MONTHS
    )


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# Bands of the Party's annual statistical tables (党内统计年报). The labels are keys of the statistics (and
# of the API); they are marked for translation only, and pages translate them where they show them.
AGE_BANDS = [
    (0, 30, gettext_noop("30岁及以下")),
    (31, 35, gettext_noop("31至35岁")),
    (36, 40, gettext_noop("36至40岁")),
    (41, 45, gettext_noop("41至45岁")),
    (46, 50, gettext_noop("46至50岁")),
    (51, 55, gettext_noop("51至55岁")),
    (56, 60, gettext_noop("56至60岁")),
    (61, 70, gettext_noop("61至70岁")),
    (71, 200, gettext_noop("71岁及以上")),
]
JOIN_PERIODS = [
    (dt.date(1900, 1, 1), dt.date(1937, 7, 6), gettext_noop("1937年7月6日及以前")),
    (dt.date(1937, 7, 7), dt.date(1945, 9, 2), gettext_noop("1937年7月7日至1945年9月2日")),
    (dt.date(1945, 9, 3), dt.date(1949, 9, 30), gettext_noop("1945年9月3日至1949年9月")),
    (dt.date(1949, 10, 1), dt.date(1966, 4, 30), gettext_noop("1949年10月至1966年4月")),
    (dt.date(1966, 5, 1), dt.date(1976, 10, 31), gettext_noop("1966年5月至1976年10月")),
    (dt.date(1976, 11, 1), dt.date(1978, 12, 31), gettext_noop("1976年11月至1978年12月")),
    (dt.date(1979, 1, 1), dt.date(2002, 10, 31), gettext_noop("1979年1月至2002年10月")),
    (dt.date(2002, 11, 1), dt.date(2012, 10, 31), gettext_noop("2002年11月至2012年10月")),
    (dt.date(2012, 11, 1), dt.date(2022, 10, 31), gettext_noop("2012年11月至2022年10月")),
    (dt.date(2022, 11, 1), dt.date(9999, 12, 31), gettext_noop("2022年11月以后")),
]


def age_band(birth: dt.date, day: dt.date) -> str:
    age = age_on(birth, day)
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def join_period(joined_on: dt.date) -> str:
    return next(label for low, high, label in JOIN_PERIODS if low <= joined_on <= high)


def may_reveal(*, role: str, user_org_id: int | None, member_org_id: int) -> bool:
    """API.md: the county admin and the member's own branch secretary see ID number and phone in full."""
    return role == "county_admin" or (role == "branch_secretary" and user_org_id == member_org_id)


def coming_of_age(birth: dt.date) -> dt.date:
    """The 18th birthday; someone born on 29 February comes of age on 1 March (as age_on counts)."""
    try:
        return birth.replace(year=birth.year + ADMISSION_MIN_AGE)
    except ValueError:
        return dt.date(birth.year + ADMISSION_MIN_AGE, 3, 1)


def old_enough_to_join(birth: dt.date, joined_on: dt.date) -> bool:
    # 细则 第5条: only people who have reached eighteen may be admitted.
    return age_on(birth, joined_on) >= ADMISSION_MIN_AGE


def conversion_date_fits(joined_on: dt.date, converted_on: dt.date) -> bool:
    # 党章 第7条: probation is one year, extended at most once by up to a year.
    return (
        add_months(joined_on, PROBATION_MONTHS)
        <= converted_on
        <= add_months(joined_on, PROBATION_LONGEST_MONTHS)
    )
