"""Single rules of member development — ages, deadlines, counts, who may approve — as pure functions.

Each function names its source in a one-line comment. [LOCAL] values come in through `Config` (settings).
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dangjian.members import rules as member_rules
from dangjian.orgs.rules import add_months

from .steps import (
    BODY_ASSEMBLY,
    BODY_COMMITTEE,
)

# --- numbers ---------------------------------------------------------------------------------------------------

APPLICANT_MIN_AGE = member_rules.ADMISSION_MIN_AGE  # 细则 第5条; 党章 第1条
TALK_WITHIN_MONTHS = 1  # 细则 第7条
MENTORS_MIN, MENTORS_MAX = 1, 2  # 细则 第9条
REVIEW_EVERY_MONTHS = 6  # 细则 第11条
ACTIVIST_MIN_MONTHS = 12  # 细则 第13条
SPONSORS = 2  # 细则 第14条
TRAINING_MIN_DAYS, TRAINING_MIN_HOURS = 3, 24  # 细则 第17条
APPROVAL_MONTHS, APPROVAL_MAX_MONTHS = 3, 6  # 细则 第24条
PROBATION_MONTHS = member_rules.PROBATION_MONTHS  # 党章 第7条; 细则 第32条
EXTENSION_MIN_MONTHS, EXTENSION_MAX_MONTHS = 6, 12  # 党章 第7条
CONVERSION_APPROVAL_MONTHS = 3  # 细则 第34条
# Sponsors must be full members in good standing (细则 第14条): these statuses qualify.
SPONSOR_STATUSES = frozenset({"active", "mobile"})
MENTOR_STATUSES = frozenset({"active", "mobile"})


@dataclass(frozen=True)
class Config:
    """The [LOCAL] values (settings.DANGJIAN_RULES) the rules need; defaults as documented in RULES.md."""

    notice_working_days: int = 5  # RULES.md 第50条 [LOCAL]
    holidays: frozenset[dt.date] = frozenset()
    extra_workdays: frozenset[dt.date] = frozenset()  # weekend days that are working days (调休)
    application_to_activist_months: int = 0  # RULES.md 第40条 [LOCAL]; 0 = national rule only
    redeliberate_months: int = 3  # RULES.md 第54条 [LOCAL]; 0 = off
    redo_months: int = 6  # RULES.md 第54条 [LOCAL]; 0 = off
    reminder_days: int = 7


# --- single rules ----------------------------------------------------------------------------------------------


def old_enough_to_apply(birth: dt.date, applied_on: dt.date) -> bool:
    # 细则 第5条; 党章 第1条: only people aged eighteen or more may apply (as members.rules counts age).
    return member_rules.old_enough_to_join(birth, applied_on)


def talk_due(applied_on: dt.date) -> dt.date:
    # 细则 第7条: the organization sends someone to talk with the applicant within one month.
    return add_months(applied_on, TALK_WITHIN_MONTHS)


def activist_earliest(applied_on: dt.date, months: int = 0) -> dt.date:
    # RULES.md 第40条 [LOCAL]: some places ask N months between application and activist; 0 = no wait.
    return add_months(applied_on, months)


def deciding_body(has_committee: bool) -> str:
    # 细则 第8条: the 支委会 decides; a branch without a committee decides in the 支部大会.
    return BODY_COMMITTEE if has_committee else BODY_ASSEMBLY


def mentor_count_ok(count: int) -> bool:
    # 细则 第9条: one or two full members are assigned as 培养联系人.
    return MENTORS_MIN <= count <= MENTORS_MAX


def next_review_due(activist_on: dt.date, last_review_on: dt.date | None) -> dt.date:
    # 细则 第11条: the branch reviews each activist every six months.
    return add_months(last_review_on or activist_on, REVIEW_EVERY_MONTHS)


def candidate_earliest(activist_on: dt.date) -> dt.date:
    # 细则 第13条: at least one year as an activist. Exactly one year counts (the anniversary qualifies);
    # an activist of 29 February completes the year on 28 February, as probation does (orgs.rules.add_months).
    return add_months(activist_on, ACTIVIST_MIN_MONTHS)


def activist_year_complete(activist_on: dt.date, on: dt.date) -> bool:
    # 细则 第13条
    return on >= candidate_earliest(activist_on)


@dataclass(frozen=True)
class PersonFacts:
    """A mentor or sponsor as the member records show them."""

    name: str
    category: str
    status: str
    member_id: int | None = None


def person_problem(person: PersonFacts, statuses: frozenset[str], role: str) -> str | None:
    # 细则 第9条, 第14条: mentors and sponsors are full members; probationary members (党章 第7条) and members
    # whose rights are stopped or who are gone cannot be.
    if person.category != "full":
        return _("%(name)s是预备党员，不能担任%(role)s") % {"name": person.name, "role": role}
    if person.status not in statuses:
        return _("%(name)s目前党籍状态不正常，不能担任%(role)s") % {"name": person.name, "role": role}
    return None


def mentor_problems(mentors: list[PersonFacts]) -> list[str]:
    # 细则 第9条: one or two full members.
    problems = []
    if not mentor_count_ok(len(mentors)):
        problems.append(_("培养联系人应为 1 至 2 名正式党员，现为 %(n)d 名") % {"n": len(mentors)})
    for person in mentors:
        problem = person_problem(person, MENTOR_STATUSES, _("培养联系人"))
        if problem:
            problems.append(problem)
    return problems


def sponsor_problems(sponsors: list[PersonFacts]) -> list[str]:
    # 细则 第14条: two full members in good standing (not probationary, not stopped, not under 留党察看).
    problems = []
    distinct = {s.member_id if s.member_id is not None else s.name for s in sponsors}
    if len(sponsors) != SPONSORS or len(distinct) != len(sponsors):
        problems.append(_("入党介绍人应为 2 名不同的正式党员，现为 %(n)d 名") % {"n": len(distinct)})
    for person in sponsors:
        problem = person_problem(person, SPONSOR_STATUSES, _("入党介绍人"))
        if problem:
            problems.append(problem)
    return problems


def training_sufficient(days: float, hours: float) -> bool:
    # 细则 第17条: short intensive training generally of at least three days, or at least 24 class hours.
    return days >= TRAINING_MIN_DAYS or hours >= TRAINING_MIN_HOURS


def is_working_day(day: dt.date, holidays=frozenset(), extra_workdays=frozenset()) -> bool:
    # RULES.md 第50条 [LOCAL]: working days skip weekends and public holidays; 调休 weekend days work.
    if day in extra_workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def notice_last_day(
    start: dt.date, working_days: int, holidays=frozenset(), extra_workdays=frozenset()
) -> dt.date:
    """The last day of a public notice of `working_days` working days beginning on `start`.

    RULES.md 第50条 [LOCAL]: the notice runs a number of working days (default 5); a start on a weekend or a
    holiday counts from the next working day. With zero working days the notice ends the day before it starts.
    """
    day, counted = start, 0
    if working_days <= 0:
        return start - dt.timedelta(days=1)
    while True:
        if is_working_day(day, holidays, extra_workdays):
            counted += 1
            if counted == working_days:
                return day
        day += dt.timedelta(days=1)


def notice_over(notice_last: dt.date, on: dt.date) -> bool:
    # RULES.md 第50条 [LOCAL]: the 支部大会 may discuss a candidate only after the notice has run its course.
    return on > notice_last


# Approval timing (细则 第24条): within three months; in special cases longer, never beyond six.
IN_TIME = "in_time"
SPECIAL = "special"
TOO_LATE = "too_late"


def approval_timing(vote_on: dt.date, approved_on: dt.date) -> str:
    # 细则 第24条: the 基层党委 approves within 3 months of the 支部大会; special cases up to 6, never beyond.
    if approved_on <= add_months(vote_on, APPROVAL_MONTHS):
        return IN_TIME
    if approved_on <= add_months(vote_on, APPROVAL_MAX_MONTHS):
        return SPECIAL
    return TOO_LATE


# Sending the resolution up (RULES.md 第54条 [LOCAL]).
REDELIBERATE = "redeliberate"
REDO = "redo"


def resubmission(vote_on: dt.date, submitted_on: dt.date, redeliberate_months: int, redo_months: int) -> str:
    # RULES.md 第54条 [LOCAL]: sent up more than N months after the vote → the branch re-deliberates; more
    # than M months → the procedure is redone. 0 switches a limit off.
    if redo_months and submitted_on > add_months(vote_on, redo_months):
        return REDO
    if redeliberate_months and submitted_on > add_months(vote_on, redeliberate_months):
        return REDELIBERATE
    return IN_TIME


def may_approve(
    approver_kind: str,
    approver_domain: str,
    approver_parent_kind: str | None,
    approver_parent_domain: str | None,
    case_domain: str,
) -> bool:
    # 细则 第24条; 共产党员网 Q&A citing 细则 and 农村条例 (RULES.md 第54条).
    return (
        approval_refusal(
            approver_kind, approver_domain, approver_parent_kind, approver_parent_domain, case_domain
        )
        is None
    )


def approval_refusal(
    approver_kind: str,
    approver_domain: str,
    approver_parent_kind: str | None,
    approver_parent_domain: str | None,
    case_domain: str,
) -> str | None:
    """Why this body may not approve admissions (None when it may). RULES.md 第54条:

    - only a 基层党委 (or a 党工委 given the authority) approves: never a 党总支, a branch or a group;
    - a 党委 under a 乡镇（街道）党委 — a village or community 党委 — may not approve;
    - people recruited in villages (domain rural) are approved by the 乡镇党委.
    """
    committees = ("committee", "working_committee")
    if approver_kind == "general_branch":
        return _("党总支没有审批发展党员的权限，应由基层党委审批（细则 第24条）")
    if approver_kind not in committees:
        return _("只有具有审批权限的基层党委可以审批（细则 第24条）")
    if approver_parent_kind in committees and approver_parent_domain == "township":
        return _("乡镇（街道）党委下属的村、社区等党委没有审批权限，应由乡镇（街道）党委审批（细则 第24条）")
    if case_domain == "rural" and not (approver_kind == "committee" and approver_domain == "township"):
        return _("农村发展党员应由乡镇党委审批（农村条例；细则 第24条）")
    return None


def probation_end(admitted_on: dt.date, extension_months: int = 0) -> dt.date:
    # 细则 第32条; 党章 第7条: one year from the 支部大会 vote, plus an extension if there was one.
    return add_months(admitted_on, PROBATION_MONTHS + extension_months)


def conversion_discussable(probation_ends_on: dt.date, on: dt.date) -> bool:
    # 细则 第32条 and guidance: 转正 is discussed when probation ends (on its last day at the earliest).
    return on >= probation_ends_on


def extension_problem(months: int | None, already_extended: bool) -> str | None:
    # 党章 第7条: probation may be extended once, by at least six months and at most one year.
    if already_extended:
        return _("预备期只能延长一次（党章 第7条）")
    if months is None or not EXTENSION_MIN_MONTHS <= months <= EXTENSION_MAX_MONTHS:
        return _("延长预备期的时间不能少于 6 个月，不能超过 1 年（党章 第7条）")
    return None


def conversion_approval_timing(vote_on: dt.date, approved_on: dt.date) -> str:
    # 细则 第34条: the higher 党委 approves the 转正 within three months; later is late, never refused (the
    # member is not to suffer for the organization's delay: 转正 still dates from the end of probation).
    return IN_TIME if approved_on <= add_months(vote_on, CONVERSION_APPROVAL_MONTHS) else TOO_LATE


def conversion_date(probation_ends_on: dt.date) -> dt.date:
    # 党章 第7条; 共产党员网 Q&A: 转正 is dated from the end of probation, even when the approval was late.
    return probation_ends_on


def party_age(converted_on: dt.date, today: dt.date) -> int:
    # 党章 第7条: 党龄 counts from the day the member became a full member (the end of probation).
    return max(0, member_rules.age_on(converted_on, today))
