"""The demonstration-site programme's rules (RULES.md section 0) as pure functions of plain values.

No ORM and no clock: callers pass `today`. Each function names its source in one comment line; the seed
documents are cited as 方案一 (培树打造党建示范点工作方案), 方案二 (2022年党建示范点创建工作方案),
方案三 (旌德县 开展党建示范点 打造亮点工程) and 方案四 (松山区 机关党建典型培树工作实施方案).
"""

import datetime as dt
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)

# --- campaign phases -------------------------------------------------------------------------------------------

MOBILIZATION = "mobilization"  # 动员部署
IMPLEMENTATION = "implementation"  # 组织实施
ACCEPTANCE = "acceptance"  # 总结验收
FINISHED = "finished"


@dataclass(frozen=True)
class Deadlines:
    mobilization_by: dt.date
    plan_due: dt.date
    implementation_by: dt.date
    acceptance_by: dt.date


def default_deadlines(year: int) -> Deadlines:
    """The seeds' calendar, each "…旬前" read as the last day of that ten-day period."""
    return Deadlines(
        mobilization_by=dt.date(year, 3, 31),  # 方案一 三(一): 动员部署阶段（3月下旬前）
        plan_due=dt.date(year, 3, 31),  # 方案四 四(二): 每年3月底前上报典型创建计划
        implementation_by=dt.date(year, 6, 10),  # 方案一 三(二): 组织实施阶段（6月上旬前）, 申报
        acceptance_by=dt.date(year, 7, 10),  # 方案一 三(三): 总结验收阶段（7月上旬前）
    )


def deadline_problems(year: int, deadlines: Deadlines) -> list[tuple[str, str]]:
    """(field, message) for deadlines outside the campaign's year or out of the phases' order."""
    # 方案一 三: the three phases follow each other within the year; the plan is filed before 申报.
    problems = []
    for field in ("mobilization_by", "plan_due", "implementation_by", "acceptance_by"):
        if getattr(deadlines, field).year != year:
            problems.append((field, _("日期应在 %(year)d 年内") % {"year": year}))
    if problems:
        return problems
    if deadlines.implementation_by < deadlines.mobilization_by:
        problems.append(("implementation_by", _("组织实施阶段应在动员部署阶段之后结束")))
    if deadlines.acceptance_by < deadlines.implementation_by:
        problems.append(("acceptance_by", _("总结验收阶段应在组织实施阶段之后结束")))
    if deadlines.plan_due > deadlines.implementation_by:
        problems.append(("plan_due", _("创建计划应在申报截止之前报送")))
    return problems


def phase_on(deadlines: Deadlines, today: dt.date) -> str:
    # 方案一 三: 动员部署 → 组织实施 → 总结验收.
    if today <= deadlines.mobilization_by:
        return MOBILIZATION
    if today <= deadlines.implementation_by:
        return IMPLEMENTATION
    if today <= deadlines.acceptance_by:
        return ACCEPTANCE
    return FINISHED


def submission_open(deadlines: Deadlines, today: dt.date) -> bool:
    # 方案一 三(二): creation plans are declared to the organization department by early June.
    return today <= deadlines.implementation_by


# --- weights, parts and the total ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    self: int
    mass: int
    org: int


def weights_problem(weights: Weights) -> str | None:
    # 方案二 四(六): 基层自评、群众测评、组织考评 — three weighted steps making up the whole.
    parts = (weights.self, weights.mass, weights.org)
    if any(w < 0 or w > 100 for w in parts):
        return _("每项权重应在 0 到 100 之间")
    if sum(parts) != 100:
        return _("三项权重之和应为 100（现为 %(total)d）") % {"total": sum(parts)}
    return None


def _round(value: Decimal | Fraction) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def normalised(earned: Decimal, available: Decimal) -> Decimal:
    """A part's points out of what was available, scaled to 100 (two decimals); nothing available → 0."""
    # 方案二 四(六): each step is scored on the same scale so the weights decide.
    if available <= 0:
        return Decimal("0.00")
    earned = min(max(earned, Decimal(0)), available)
    return _round(Fraction(earned) * 100 / Fraction(available))


def weighted_total(self_part: Decimal, mass_part: Decimal, org_part: Decimal, weights: Weights) -> Decimal:
    """Σ part × weight / 100, each part out of 100, rounded to two decimals once at the end."""
    # 方案二 四(六): 按照基层自评、群众测评、组织考评的步骤进行考核，加大群众评价权重.
    total = (
        Fraction(self_part) * weights.self
        + Fraction(mass_part) * weights.mass
        + Fraction(org_part) * weights.org
    ) / 100
    return _round(total)


def self_part(max_scores: dict[str, Decimal], points: dict[str, Decimal]) -> Decimal:
    """基层自评 out of 100: the applicant's points (manual scores plus automatic points) over the catalogue."""
    # 方案二 四(六): 基层自评.
    available = sum(max_scores.values(), Decimal(0))
    earned = sum((min(points.get(code, Decimal(0)), top) for code, top in max_scores.items()), Decimal(0))
    return normalised(earned, available)


def org_part(
    max_scores: dict[str, Decimal], auto: dict[str, Decimal], reviewers: list[dict[str, list[Decimal]]]
) -> Decimal | None:
    """组织考评 out of 100: each reviewer's share of the catalogue (a manual criterion scored by several
    methods counts their mean; automatic criteria count their points), averaged over the reviewers."""
    # 方案一 三(三): 查阅资料、现场验收、座谈走访; 方案二 四(六): 组织考评.
    available = sum(max_scores.values(), Decimal(0))
    if not reviewers or available <= 0:
        return None
    shares = []
    for scores in reviewers:
        earned = Fraction(0)
        for code, top in max_scores.items():
            if code in auto:
                earned += Fraction(min(auto[code], top))
            elif scores.get(code):
                mean = sum(Fraction(v) for v in scores[code]) / len(scores[code])
                earned += min(mean, Fraction(top))
        shares.append(earned / Fraction(available))
    return _round(sum(shares) / len(shares) * 100)


def auto_points(met: bool, max_score: Decimal) -> Decimal:
    # An automatic criterion earns its full score when its metric meets the threshold, else nothing.
    return max_score if met else Decimal(0)


def score_problem(score: Decimal, max_score: Decimal) -> str | None:
    if score < 0:
        return _("得分不能为负数")
    if score > max_score:
        return _("得分不能超过该项分值 %(max)s") % {"max": max_score}
    return None


# --- mass survey ----------------------------------------------------------------------------------------------------

SATISFIED_ANSWERS = frozenset({"satisfied", "basically_satisfied"})


def is_satisfied(overall: str) -> bool:
    # 方案二 三(二)4: 测评领导班子群众满意度 — "满意" and "基本满意" both count as satisfied.
    return overall in SATISFIED_ANSWERS


def satisfaction_rate(satisfied: int, answered: int) -> Fraction | None:
    """Satisfied answers over all answers; None before anyone answered."""
    # 方案二 三(二)4: 群众满意度.
    if answered <= 0:
        return None
    return Fraction(min(satisfied, answered), answered)


def satisfaction_met(rate: Fraction | None, threshold_percent: int) -> bool:
    # 方案二 三(二)4: 测评领导班子群众满意度达到90%以上 (the threshold is a campaign setting).
    return rate is not None and rate * 100 >= threshold_percent


def percent(rate: Fraction | None) -> Decimal | None:
    return None if rate is None else _round(rate * 100)


# --- applications: the state machine ------------------------------------------------------------------------------

DRAFT, SUBMITTED, RECOMMENDED, EVALUATED = "draft", "submitted", "recommended", "evaluated"
PUBLICIZED, DESIGNATED, REJECTED, REVOKED = "publicized", "designated", "rejected", "revoked"


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    basis: object  # a lazy Chinese citation


TRANSITIONS: dict[str, Transition] = {
    # 方案一 三(二): the branch declares its creation plan (申报).
    "submit": Transition((DRAFT,), SUBMITTED, gettext_lazy("方案一 三(二)")),
    # 方案三: 在创建本乡镇、本系统示范点的基础上，择优向县委组织部申报 (好中选优).
    "recommend": Transition((SUBMITTED,), RECOMMENDED, gettext_lazy("方案三")),
    "return": Transition((SUBMITTED, RECOMMENDED), DRAFT, gettext_lazy("方案三")),
    # 方案一 三(三): 通过查阅资料、现场验收、座谈走访等方式评选; 方案二 四(六) three-way evaluation.
    "evaluate": Transition((RECOMMENDED,), EVALUATED, gettext_lazy("方案一 三(三)；方案二 四(六)")),
    # 方案三: 对评定结果进行公示.
    "publicize": Transition((EVALUATED,), PUBLICIZED, gettext_lazy("方案三")),
    # 方案三: 县级党建工作示范点由县委组织部统一进行授牌.
    "designate": Transition((PUBLICIZED,), DESIGNATED, gettext_lazy("方案三")),
    "reject": Transition((SUBMITTED, RECOMMENDED, EVALUATED, PUBLICIZED), REJECTED, gettext_lazy("方案三")),
    # 方案三: 每年进行复审，不搞"终身制"，不再符合示范点要求的予以摘牌.
    "revoke": Transition((DESIGNATED,), REVOKED, gettext_lazy("方案三")),
}


class TransitionRefused(ValueError):
    """The action is not allowed from the current state; the message says why and names the rule."""


def next_state(action: str, state: str, labels: dict[str, str] | None = None) -> str:
    """The state `action` leads to from `state`, or TransitionRefused with a Chinese reason."""
    labels = labels or {}
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(_("未知的操作"))
    if state not in transition.sources:
        raise TransitionRefused(
            _("申报当前为“%(state)s”，此时不能%(action)s（只能在“%(allowed)s”时进行；依据：%(basis)s）")
            % {
                "state": labels.get(state, state),
                "action": str(ACTION_LABELS.get(action, action)),
                "allowed": "、".join(labels.get(s, s) for s in transition.sources),
                "basis": str(transition.basis),
            }
        )
    return transition.target


def allowed_actions(state: str) -> list[str]:
    return [action for action, t in TRANSITIONS.items() if state in t.sources]


ACTION_LABELS = {
    "submit": gettext_lazy("提交申报"),
    "recommend": gettext_lazy("推荐上报"),
    "return": gettext_lazy("退回修改"),
    "evaluate": gettext_lazy("确定考评结果"),
    "publicize": gettext_lazy("公示"),
    "designate": gettext_lazy("授牌"),
    "reject": gettext_lazy("确定为未通过"),
    "revoke": gettext_lazy("摘牌"),
}


# 方案三: county sites are examined and designated by the county organization department; township sites
# by the township committee (在创建本乡镇、本系统党建工作示范点的基础上).
DECIDERS = {
    "township": frozenset({"county_admin", "committee_officer"}),
    "county": frozenset({"county_admin"}),
    "city": frozenset({"county_admin"}),  # recorded by the county for the city's decision
}


def may_decide(role: str, tier: str) -> bool:
    # 方案三: 县委组织部 examines, publicizes and designates county sites.
    return role in DECIDERS.get(tier, frozenset())


# --- the creation plan and the self-evaluation -------------------------------------------------------------------

PLAN_FIELDS = ("goals", "content", "schedule", "measures", "responsible")
PLAN_LABELS = {
    "goals": gettext_lazy("创建目标"),
    "content": gettext_lazy("创建内容"),
    "schedule": gettext_lazy("进度安排"),
    "measures": gettext_lazy("工作措施"),
    "responsible": gettext_lazy("责任人"),
}


def missing_plan_fields(plan: dict[str, str]) -> list[str]:
    # 方案一 三(二): 明确创建目标、内容、进度、措施及相关责任人.
    return [field for field in PLAN_FIELDS if not (plan.get(field) or "").strip()]


def missing_codes(required: Iterable[str], given: Iterable[str]) -> list[str]:
    """Codes of criteria that still lack a score, in the order required."""
    given = set(given)
    return [code for code in required if code not in given]


# --- public notice (公示) ---------------------------------------------------------------------------------------


def is_working_day(day: dt.date, holidays: frozenset = frozenset(), extra: frozenset = frozenset()) -> bool:
    # 公示期按工作日计算: Monday to Friday, except public holidays, plus adjusted working weekend days (调休).
    if day in extra:
        return True
    return day.weekday() < 5 and day not in holidays


def notice_ends_on(
    starts_on: dt.date, working_days: int, holidays: frozenset = frozenset(), extra: frozenset = frozenset()
) -> dt.date:
    """The last day of a notice of `working_days` working days that starts on `starts_on` (counted)."""
    # 方案三: 对评定结果进行公示; the period is a number of working days (campaign setting, default 5).
    if working_days < 1:
        raise ValueError("working_days")
    day, counted = starts_on, 0
    while True:
        if is_working_day(day, holidays, extra):
            counted += 1
            if counted == working_days:
                return day
        day += dt.timedelta(days=1)


def notice_over(ends_on: dt.date, today: dt.date) -> bool:
    # Designation only after the whole notice period has run (方案三: 公示 before 授牌).
    return today > ends_on


def notice_running(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> bool:
    return starts_on <= today <= ends_on


# --- designation, quotas and plaques -------------------------------------------------------------------------------


def quota_left(quota: int | None, designated: int) -> int:
    """Places still free; a domain and tier without a quota has none."""
    # 方案三: 县委组织部遴选出40个示范点 — designation within the numbers set per domain.
    if quota is None:
        return 0
    return max(quota - designated, 0)


TIER_PLAQUE = {"township": "乡镇级", "county": "县级", "city": "市级"}


def plaque_number(prefix: str, year: int, tier: str, sequence: int) -> str:
    """示范点〔2026〕县级第001号: the plaque (授牌) number, unique per campaign and tier."""
    # 方案三: 县级党建工作示范点由县委组织部统一进行授牌.
    return f"{prefix}〔{year}〕{TIER_PLAQUE.get(tier, tier)}第{sequence:03d}号"


def commendation_in_time(day: dt.date) -> bool:
    # 方案三: 每年"七一"前，县委组织部根据考核结果对示范点进行表彰或推荐到市里表彰.
    return day <= dt.date(day.year, 7, 1)


# --- re-review and bottom-rank management -------------------------------------------------------------------------


def rereview_passed(score: Decimal, pass_score: int) -> bool:
    # 方案三: 每年进行复审 … 对工作滑坡，不再符合示范点要求的 … 予以摘牌 (the pass mark is a setting).
    return score >= pass_score


def bottom_count(total: int, count: int, share_percent: int = 0) -> int:
    """How many of `total` units are at the bottom: a share (when > 0, rounded up) or a fixed number,
    never everyone — at least one unit of a domain is not at the bottom."""
    # 方案三: 对达不到创建工作要求的单位实行末位管理 (N or a share per domain, a setting).
    if total <= 1:
        return 0
    wanted = math.ceil(total * share_percent / 100) if share_percent > 0 else count
    return max(0, min(wanted, total - 1))


def bottom_ranked(scores: dict[Hashable, Decimal], count: int, share_percent: int = 0) -> list[Hashable]:
    """The keys of the lowest-scoring units, lowest first; units tied with the last one are included,
    unless that would take in every unit."""
    # 方案三: 末位管理, 限期整改.
    n = bottom_count(len(scores), count, share_percent)
    if n == 0:
        return []
    ordered = sorted(scores.items(), key=lambda item: (item[1], str(item[0])))
    cutoff = ordered[n - 1][1]
    chosen = [key for key, score in ordered if score <= cutoff]
    if len(chosen) >= len(scores):  # a tie across the whole domain marks no one
        chosen = [key for key, score in ordered if score < cutoff]
    return chosen


def rank(scores: dict[Hashable, Decimal]) -> dict[Hashable, int]:
    """Competition ranking (1, 2, 2, 4): equal scores share a place."""
    ordered = sorted(scores.values(), reverse=True)
    return {key: ordered.index(score) + 1 for key, score in scores.items()}


# --- quotas --------------------------------------------------------------------------------------------------------

# 方案三 (旌德县): 40 county sites — 农村 18 (3 示范乡镇 + 15 示范村), 社区 3, 企业 5 (2 国有企业 + 3 非公有制企业),
# 机关 10, 学校、医院等事业单位 4. (domain, tier) → number.
DEFAULT_QUOTAS: dict[tuple[str, str], int] = {
    ("township", "county"): 3,
    ("rural", "county"): 15,
    ("community", "county"): 3,
    ("soe", "county"): 2,
    ("private", "county"): 3,
    ("organ", "county"): 10,
    ("institution", "county"): 4,
}


# --- reminders -----------------------------------------------------------------------------------------------------

REMINDER, WARNING = "reminder", "warning"


def deadline_level(due_on: dt.date, today: dt.date, days_before: int = 7) -> str | None:
    """Remind in the `days_before` days up to a deadline (the day itself included), warn once it passed."""
    # 方案一 四(二): 定期分析研判 … 推动示范点创建各项任务落到实处 (deadlines of the campaign and of 整改).
    if today > due_on:
        return WARNING
    if (due_on - today).days < days_before:
        return REMINDER
    return None
