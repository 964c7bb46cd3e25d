"""Automatic metrics (自动指标): criteria met or not from data the platform already records.

A criterion with `method = "auto"` names a metric key; the metric computes a value from the applying
organization's data for the campaign year and says whether it meets the threshold, with a Chinese
explanation that shows the figures. Register a new metric with `@metric("key", label, unit)`; the catalogue
loader refuses data files naming an unknown key.

Metrics read the database; the comparison itself is done by pure functions so it can be tested at its edges.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import periods, tree
from dangjian.members.models import Member
from dangjian.orglife import rules as orglife_rules
from dangjian.orglife.models import Attendance, Meeting, MeetingAttendee, MeetingKind, MeetingState
from dangjian.orglife.selectors_compliance import compliance_of_subtree
from dangjian.orgs import selectors as org_selectors
from dangjian.orgs.models import LeadershipPosition, Organization, OrgKind
from dangjian.orgs.rules import TEAM_POSTS

from . import rules


@dataclass(frozen=True)
class MetricContext:
    """What a metric may look at: the organization, the campaign year, the day of computing, and (when the
    metric concerns an application, e.g. its survey or declared site area) the application."""

    org: Organization
    year: int
    today: dt.date
    threshold: Decimal | None = None
    application: object | None = None  # sites.Application
    satisfaction_threshold: int | None = None


@dataclass(frozen=True)
class MetricResult:
    value: Decimal | None
    met: bool
    explanation: str

    def as_dict(self) -> dict:
        return {
            "value": None if self.value is None else str(self.value),
            "met": self.met,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    unit: str
    compute: Callable[[MetricContext], MetricResult]
    # Computed from the application's own mass survey: a re-review (no survey) scores it by hand instead.
    from_survey: bool = False


METRICS: dict[str, Metric] = {}


def metric(key: str, label, unit: str = "", *, from_survey: bool = False):
    def register(function: Callable[[MetricContext], MetricResult]):
        METRICS[key] = Metric(key, label, unit, function, from_survey)
        return function

    return register


def compute(key: str, context: MetricContext) -> MetricResult:
    found = METRICS.get(key)
    if found is None:
        return MetricResult(None, False, _("未知的自动指标“%(key)s”") % {"key": key})
    return found.compute(context)


# --- pure comparisons --------------------------------------------------------------------------------------------


def _decimal(value: Fraction | Decimal | int) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def at_least(value: Decimal | None, threshold: Decimal | None) -> bool:
    """A value meets a threshold when it is at least the threshold; a missing value never does."""
    if value is None:
        return False
    return threshold is None or value >= threshold


def share_percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return _decimal(Fraction(part, whole) * 100)


def _shown(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}"


def _year_range(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)


# --- organizational life ---------------------------------------------------------------------------------------


@metric("orglife_compliance", gettext_lazy("组织生活按期开展率"), "%")
def orglife_compliance(context: MetricContext) -> MetricResult:
    """Share of the meetings owed in the year (so far) that were held, over the organization's subtree."""
    # 方案一 二(三)1: 三会一课 at their frequencies (RULES.md section B); computed by orglife's compliance.
    report = compliance_of_subtree(context.org, context.year, context.today)
    rate = report.rate
    if rate is None:
        return MetricResult(
            None, False, _("%(year)d 年尚无到期的组织生活要求，无法计算按期开展率") % {"year": context.year}
        )
    value = _decimal(rate * 100)
    met = at_least(value, context.threshold)
    return MetricResult(
        value,
        met,
        _(
            "%(year)d 年组织生活按期开展率 %(value)s%%（应开 %(owed)d 项，按期开展 %(met)d 项；要求不低于 %(threshold)s%%）"
        )
        % {
            "year": context.year,
            "value": _shown(value),
            "owed": report.counted,
            "met": report.met,
            "threshold": _shown(context.threshold),
        },
    )


def _held_count(org: Organization, kind: str, year: int, today: dt.date) -> int:
    start, end = _year_range(year, today)
    return Meeting.objects.filter(
        tree.within(org.path, "org_path"), kind=kind, state=MeetingState.HELD, held_on__range=(start, end)
    ).count()


def _held_at_least(context: MetricContext, kind: str, what: str) -> MetricResult:
    count = _held_count(context.org, kind, context.year, context.today)
    threshold = context.threshold if context.threshold is not None else Decimal(1)
    value = Decimal(count)
    met = at_least(value, threshold)
    return MetricResult(
        value,
        met,
        _("%(year)d 年已召开%(what)s %(count)d 次（要求至少 %(threshold)s 次）")
        % {"year": context.year, "what": what, "count": count, "threshold": _shown(threshold)},
    )


@metric("life_meeting_held", gettext_lazy("召开组织生活会"), "次")
def life_meeting_held(context: MetricContext) -> MetricResult:
    # 方案一 二(三)2: 每年至少召开1次组织生活会.
    return _held_at_least(context, MeetingKind.LIFE_MEETING, _("组织生活会"))


@metric("appraisal_held", gettext_lazy("开展民主评议党员"), "次")
def appraisal_held(context: MetricContext) -> MetricResult:
    # 方案一 二(三)2: 每年开展1次民主评议党员.
    return _held_at_least(context, MeetingKind.APPRAISAL, _("民主评议党员"))


def months_elapsed(year: int, today: dt.date) -> int:
    """Months of `year` that have ended by `today` (the running month not yet owed)."""
    if today.year < year:
        return 0
    if today.year > year:
        return 12
    return today.month - 1


@metric("themed_day_rate", gettext_lazy("主题党日按月开展率"), "%")
def themed_day_rate(context: MetricContext) -> MetricResult:
    """Share of the year's ended months in which the organization (or a branch under it) held a 主题党日."""
    # 方案一 二(三)3: 每月相对固定1天开展主题党日.
    months = months_elapsed(context.year, context.today)
    if months == 0:
        return MetricResult(None, False, _("%(year)d 年尚无已结束的月份") % {"year": context.year})
    held = (
        Meeting.objects.filter(
            tree.within(context.org.path, "org_path"),
            kind=MeetingKind.THEMED_DAY,
            state=MeetingState.HELD,
            held_on__gte=dt.date(context.year, 1, 1),
            held_on__lte=periods.month(context.year, months).end,
        )
        .values_list("held_on", flat=True)
        .distinct()
    )
    held_months = {day.month for day in held}
    value = share_percent(len(held_months), months)
    met = at_least(value, context.threshold)
    return MetricResult(
        value,
        met,
        _(
            "%(year)d 年已结束的 %(months)d 个月中，%(held)d 个月开展了主题党日（%(value)s%%，要求不低于 %(threshold)s%%）"
        )
        % {
            "year": context.year,
            "months": months,
            "held": len(held_months),
            "value": _shown(value),
            "threshold": _shown(context.threshold),
        },
    )


@metric("study_hours_met", gettext_lazy("党员学时达标率"), "%")
def study_hours_met(context: MetricContext) -> MetricResult:
    """Share of the counted members of the subtree whose study hours of the year reach 32 (cadres 56)."""
    # 方案一 二(三)1, 教管条例 (RULES.md 第105条): 党员每年学时不少于32，基层党组织书记和班子成员不少于56.
    members = list(
        Member.objects.counted()
        .filter(tree.within(context.org.path, "org_path"))
        .values_list("id", flat=True)
    )
    if not members:
        return MetricResult(None, False, _("该组织没有党员，无法计算学时达标率"))
    hours = study_hours(members, context.year)
    day = min(context.today, dt.date(context.year, 12, 31))
    cadres = set(
        LeadershipPosition.objects.filter(member_id__in=members, post__in=TEAM_POSTS, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .values_list("member_id", flat=True)
    )
    met_count = sum(
        1
        for member_id in members
        if hours.get(member_id, Decimal(0))
        >= orglife_rules.required_hours(
            member_id in cadres,
            member_hours=settings.DANGJIAN_RULES["STUDY_HOURS_MEMBER"],
            cadre_hours=settings.DANGJIAN_RULES["STUDY_HOURS_CADRE"],
        )
    )
    value = share_percent(met_count, len(members))
    met = at_least(value, context.threshold)
    return MetricResult(
        value,
        met,
        _("%(year)d 年党员 %(total)d 人，学时达标 %(met)d 人（%(value)s%%，要求不低于 %(threshold)s%%）")
        % {
            "year": context.year,
            "total": len(members),
            "met": met_count,
            "value": _shown(value),
            "threshold": _shown(context.threshold),
        },
    )


def study_hours(member_ids: list[int], year: int) -> dict[int, Decimal]:
    """Hours each member earned in `year` by being present at held 党课 and training (RULES.md 第105、108条);
    a training spanning New Year is shared between the years by days."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    attended = MeetingAttendee.objects.filter(
        member_id__in=member_ids,
        attendance=Attendance.PRESENT,
        meeting__state=MeetingState.HELD,
        meeting__kind__in=(MeetingKind.LECTURE, MeetingKind.TRAINING),
        meeting__held_on__lte=end,
    ).filter(Q(meeting__held_on__gte=start) | Q(meeting__ends_on__gte=start))
    hours: dict[int, Decimal] = defaultdict(Decimal)
    inside = (
        attended.filter(meeting__held_on__gte=start)
        .filter(Q(meeting__ends_on__isnull=True) | Q(meeting__ends_on__lte=end))
        .values("member_id")
        .annotate(total=Sum("meeting__hours"))
        .order_by()
    )
    for row in inside:
        hours[row["member_id"]] += Decimal(str(row["total"] or 0))
    spanning = attended.filter(Q(meeting__held_on__lt=start) | Q(meeting__ends_on__gt=end)).values_list(
        "member_id", "meeting__held_on", "meeting__ends_on", "meeting__hours"
    )
    for member_id, held_on, ends_on, meeting_hours in spanning:
        share = orglife_rules.split_hours_by_year(held_on, ends_on or held_on, float(meeting_hours)).get(
            year, 0
        )
        hours[member_id] += Decimal(str(share))
    return dict(hours)


# --- organization set-up -------------------------------------------------------------------------------------------


@metric("committee_setup", gettext_lazy("班子设置符合规定"))
def committee_setup(context: MetricContext) -> MetricResult:
    """The structure check of the organization has no error (orgs.rules.check_structure)."""
    # 方案一 二(二)4; 支部条例 第20条: ≥ 7 full members → a 支委会 of 3–5; fewer → a secretary only.
    check = org_selectors.structure_of(context.org, context.today)
    errors = [finding for finding in check.findings if finding.severity == "error"]
    if errors:
        return MetricResult(
            Decimal(len(errors)),
            False,
            _("组织设置检查发现 %(n)d 个问题：%(messages)s")
            % {"n": len(errors), "messages": "".join(str(f.message) for f in errors)},
        )
    return MetricResult(Decimal(0), True, _("组织设置检查未发现问题"))


@metric("group_leaders", gettext_lazy("党小组设置与组长"))
def group_leaders(context: MetricContext) -> MetricResult:
    """Where 党小组 are advised they exist, and every 党小组 of the organization has a leader."""
    # 方案一 二(二)3; 支部条例 第13条.
    org = context.org
    groups = Organization.objects.active().filter(parent=org, kind=OrgKind.GROUP)
    total = groups.count()
    with_leader = (
        groups.filter(positions__post="group_leader", positions__ended_on__isnull=True).distinct().count()
    )
    check = org_selectors.structure_of(org, context.today)
    advised = any(f.code == "groups_advised" for f in check.findings)
    if advised:
        return MetricResult(Decimal(0), False, _("党员人数较多，应划分党小组，目前未划分"))
    if with_leader < total:
        return MetricResult(
            Decimal(total - with_leader),
            False,
            _("党小组 %(total)d 个，其中 %(missing)d 个未设组长")
            % {"total": total, "missing": total - with_leader},
        )
    if total == 0:
        return MetricResult(Decimal(0), True, _("党员人数不多，无需划分党小组"))
    return MetricResult(Decimal(0), True, _("党小组 %(total)d 个，均已设组长") % {"total": total})


# --- the application's own data ----------------------------------------------------------------------------------


@metric("site_area", gettext_lazy("活动场所面积"), "㎡")
def site_area(context: MetricContext) -> MetricResult:
    """The declared floor area of the activity site against the threshold (checked on site)."""
    # 方案一 二(一): 村级活动场所不低于 120 m².
    area = getattr(context.application, "site_area", None)
    if area is None:
        return MetricResult(None, False, _("申报中未填写活动场所面积"))
    met = at_least(Decimal(area), context.threshold)
    return MetricResult(
        Decimal(area),
        met,
        _("活动场所面积 %(area)s ㎡（要求不低于 %(threshold)s ㎡）")
        % {"area": _shown(Decimal(area)), "threshold": _shown(context.threshold)},
    )


@metric("satisfaction_rate", gettext_lazy("群众满意度"), "%", from_survey=True)
def satisfaction_rate(context: MetricContext) -> MetricResult:
    """Satisfied answers of the application's mass survey over all answers (群众测评)."""
    # 方案二 三(二)4: 测评领导班子群众满意度达到90%以上 (the campaign's threshold, else the criterion's).
    from .models import SurveyResponse

    application = context.application
    if application is None:
        return MetricResult(None, False, _("没有申报，无法计算群众满意度"))
    answered = SurveyResponse.objects.filter(application=application).count()
    satisfied = SurveyResponse.objects.filter(application=application, satisfied=True).count()
    threshold = context.satisfaction_threshold
    if threshold is None:
        threshold = int(context.threshold) if context.threshold is not None else 90
    rate = rules.satisfaction_rate(satisfied, answered)
    if rate is None:
        return MetricResult(None, False, _("尚无群众测评答卷"))
    value = rules.percent(rate)
    return MetricResult(
        value,
        rules.satisfaction_met(rate, threshold),
        _(
            "群众测评有效答卷 %(answered)d 份，满意 %(satisfied)d 份，满意度 %(value)s%%（要求不低于 %(threshold)d%%）"
        )
        % {"answered": answered, "satisfied": satisfied, "value": _shown(value), "threshold": threshold},
    )
