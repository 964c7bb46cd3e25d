"""Organization set-up rules (RULES.md section A) as pure functions of plain values. No ORM here."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Posts that make someone a member of the leadership team (a 党小组组长 does not).
TEAM_POSTS = frozenset(
    {"secretary", "deputy_secretary", "organization", "publicity", "discipline", "youth", "women", "member"}
)

BRANCH_MIN_FULL_MEMBERS = 3  # 支部条例 第4条
BRANCH_SOFT_CAP = 50  # 支部条例 第4条
JOINT_BRANCH_MAX_UNITS = 5  # 支部条例 第5条
COMMITTEE_REQUIRED_AT = 7  # 支部条例 第20条
GENERAL_BRANCH_FROM = 50  # 机关条例 第5条
BASIC_COMMITTEE_FROM = 100  # 机关条例 第6条
POSTPONEMENT_MAX_DAYS = 366  # 选举条例 第3条: a postponement is generally at most one year


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "error" (breaks a rule), "warning" (outside the usual range), "info" (to do / to note)
    message: str
    source: str


@dataclass(frozen=True)
class StructureFacts:
    kind: str
    domain: str
    is_grassroots: bool
    full_members: int
    probationary_members: int
    team_posts: tuple[str, ...] = ()  # current posts of the leadership team, one entry per person-post
    unit_count: int = 1
    group_count: int = 0
    groups_without_leader: int = 0
    has_group_leader: bool = False
    term_started_on: dt.date | None = None
    term_years_override: int | None = None
    group_advised_at: int = 30  # [U] "党员人数较多" has no national number; a setting
    term_reminder_months: int = 6  # 支部条例 ch. 6

    @property
    def total_members(self) -> int:
        return self.full_members + self.probationary_members


@dataclass
class StructureCheck:
    full_members: int
    probationary_members: int
    committee_required: bool
    committee_size: int
    term_years: int | None
    term_ends_on: dt.date | None
    findings: list[Finding] = field(default_factory=list)


def committee_required(full_members: int) -> bool:
    # 支部条例 第20条: a branch with 7 or more full members must have a 支委会.
    return full_members >= COMMITTEE_REQUIRED_AT


def branch_may_be_set_up(full_members: int) -> bool:
    # 支部条例 第4条; 党章 第30条: three full members (probationary ones do not count).
    return full_members >= BRANCH_MIN_FULL_MEMBERS


# Which kinds of organization may sit directly under which (党章 第30条; 支部条例 第13条 for 党小组).
CHILD_KINDS = {
    "committee": ("committee", "working_committee", "general_branch", "branch"),
    "working_committee": ("committee", "general_branch", "branch"),
    "general_branch": ("branch",),
    "branch": ("group",),
    "group": (),
}


def may_contain(parent_kind: str, child_kind: str) -> bool:
    return child_kind in CHILD_KINDS.get(parent_kind, ())


def term_years(kind: str, domain: str) -> int:
    """Default length of a committee's term in years."""
    # 支部条例 第21条; 机关条例 第5–7条; 农村条例 ch. 2; 选举条例 (基层委员会 5 years).
    if kind in ("committee", "working_committee"):
        return 5
    if domain in ("rural", "community", "township"):
        return 5
    return 3


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(started_on: dt.date, years: int) -> dt.date:
    # 中组部 Q&A: a term runs from the election day; it ends on the same day `years` later.
    return add_years(started_on, years)


def term_status(ends_on: dt.date, today: dt.date, reminder_months: int = 6) -> str:
    """ "current", "due" (inside the reminder window), "expired", or "overdue" (more than a year late)."""
    # 支部条例 ch. 6: remind about 6 months before expiry; 选举条例 第3条: postpone at most about a year.
    if today >= ends_on:
        return "overdue" if (today - ends_on).days > POSTPONEMENT_MAX_DAYS else "expired"
    reminder_from = add_months(ends_on, -reminder_months)
    return "due" if today >= reminder_from else "current"


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _team_size(posts: tuple[str, ...]) -> int:
    return sum(1 for post in posts if post in TEAM_POSTS)


def _date(day: dt.date) -> str:
    return day.strftime(_("%Y年%m月%d日"))


def check_structure(facts: StructureFacts, today: dt.date) -> StructureCheck:
    """Evaluate the set-up rules of RULES.md section A for one organization."""
    findings: list[Finding] = []
    size = _team_size(facts.team_posts)
    secretaries = facts.team_posts.count("secretary")
    deputies = facts.team_posts.count("deputy_secretary")
    required = facts.kind == "branch" and committee_required(facts.full_members)
    years = facts.term_years_override or term_years(facts.kind, facts.domain)
    ends_on = term_end(facts.term_started_on, years) if facts.term_started_on else None

    def add(code, severity, message, source):
        findings.append(Finding(code, severity, message, source))

    if facts.kind == "group":
        if not facts.has_group_leader:
            add(
                "group_leader_missing",
                "error",
                _("党小组未设组长，组长由党支部指定或党小组党员推荐产生。"),
                _("支部条例 第13条"),
            )
        return StructureCheck(facts.full_members, facts.probationary_members, False, 0, None, None, findings)

    if not facts.is_grassroots:
        return StructureCheck(
            facts.full_members, facts.probationary_members, False, size, years, ends_on, findings
        )

    if secretaries == 0:
        add(
            "secretary_missing",
            "error",
            _("未配备书记，应及时选举或由上级党组织指派。"),
            _("支部条例 第20、21条"),
        )
    elif secretaries > 1:
        add(
            "secretary_duplicate",
            "error",
            _("同时在任书记 %(count)s 名，书记只能设 1 名。") % {"count": secretaries},
            _("支部条例 第20条"),
        )
    if deputies > 1 and facts.kind == "branch":
        add(
            "deputy_too_many",
            "warning",
            _("副书记 %(count)s 名，党支部必要时设副书记 1 名。") % {"count": deputies},
            _("支部条例 第20条"),
        )

    if facts.kind == "branch":
        if facts.full_members < BRANCH_MIN_FULL_MEMBERS:
            if facts.unit_count > 1:
                pass  # a joint branch exists precisely because each unit has fewer than three
            else:
                add(
                    "branch_below_three",
                    "error",
                    _("正式党员 %(full)s 人，不足 3 人，应与邻近单位联合成立党支部。")
                    % {"full": facts.full_members},
                    _("支部条例 第4、5条；党章 第30条"),
                )
        if facts.unit_count > JOINT_BRANCH_MAX_UNITS:
            add(
                "joint_branch_too_many_units",
                "warning",
                _("联合党支部覆盖 %(units)s 个单位，一般不超过 %(max_units)s 个。")
                % {"units": facts.unit_count, "max_units": JOINT_BRANCH_MAX_UNITS},
                _("支部条例 第5条"),
            )
        if facts.total_members > BRANCH_SOFT_CAP:
            add(
                "branch_over_fifty",
                "warning",
                _("党员 %(total)s 人，党支部党员人数一般不超过 50 人，可考虑设立党总支或调整党支部。")
                % {"total": facts.total_members},
                _("支部条例 第4条"),
            )
        if required and size < 3:
            add(
                "committee_missing",
                "error",
                _(
                    "正式党员 %(full)s 人（7 人以上），应设立由 3 至 5 人组成的支部委员会，现有委员 %(size)s 人。"
                )
                % {"full": facts.full_members, "size": size},
                _("支部条例 第20条"),
            )
        elif required and size > 7:
            add(
                "committee_too_large",
                "error",
                _("支部委员会 %(size)s 人，一般不超过 7 人。") % {"size": size},
                _("支部条例 第20条"),
            )
        elif required and size > 5:
            add(
                "committee_above_five",
                "warning",
                _("支部委员会 %(size)s 人，一般由 3 至 5 人组成。") % {"size": size},
                _("支部条例 第20条"),
            )
        elif not required and size > 2:
            add(
                "committee_not_needed",
                "warning",
                _("正式党员不足 7 人，不设支部委员会，设书记 1 名、必要时设副书记 1 名；现配备 %(size)s 人。")
                % {"size": size},
                _("支部条例 第20条"),
            )
        elif not required and size <= 2 and facts.full_members > 0:
            add(
                "duties_named",
                "info",
                _("不设支部委员会的党支部，应明确党员具体负责组织、纪检、宣传等工作。"),
                _("示范点创建标准 二(二)4"),
            )
        if facts.total_members >= facts.group_advised_at and facts.group_count == 0:
            add(
                "groups_advised",
                "info",
                _("党员 %(total)s 人，人数较多或分散的党支部应划分党小组。") % {"total": facts.total_members},
                _("支部条例 第13条"),
            )

    if facts.kind == "general_branch":
        if facts.total_members < GENERAL_BRANCH_FROM:
            add(
                "general_branch_small",
                "info",
                _("党员 %(total)s 人，不足 50 人设立党总支须经上级党组织批准。")
                % {"total": facts.total_members},
                _("机关条例 第5条；党章 第30条"),
            )
        if facts.total_members >= BASIC_COMMITTEE_FROM:
            add(
                "committee_advised",
                "info",
                _("党员 %(total)s 人，达到 100 人，可设立党的基层委员会。") % {"total": facts.total_members},
                _("机关条例 第6条"),
            )
        if size and not 5 <= size <= 7:
            add(
                "general_branch_committee_size",
                "error" if size > 9 else "warning",
                _("总支委员会 %(size)s 人，一般为 5 至 7 人，最多不超过 9 人。") % {"size": size},
                _("中组部有关规定（RULES.md 第14条）"),
            )

    if facts.kind == "committee":
        if facts.total_members < BASIC_COMMITTEE_FROM and facts.domain not in ("township",):
            add(
                "committee_small",
                "info",
                _("党员 %(total)s 人，不足 100 人设立党委须经上级党组织批准。")
                % {"total": facts.total_members},
                _("机关条例 第6条；党章 第30条"),
            )
        if size and not 5 <= size <= 9:
            add(
                "committee_size",
                "warning",
                _("党委委员 %(size)s 人，基层党委一般为 5 至 9 人。") % {"size": size},
                _("中组部有关规定（RULES.md 第14条）"),
            )

    has_team = size > 0
    if has_team and ends_on is None:
        add("term_unknown", "info", _("未登记本届班子选举日期，无法计算届期。"), _("支部条例 第21条"))
    elif ends_on is not None:
        status = term_status(ends_on, today, facts.term_reminder_months)
        if status == "overdue":
            add(
                "term_overdue",
                "error",
                _("本届任期已于 %(date)s 届满，超期超过 1 年，应立即换届。") % {"date": _date(ends_on)},
                _("支部条例 第21条；选举条例 第3条"),
            )
        elif status == "expired":
            add(
                "term_expired",
                "error",
                _("本届任期已于 %(date)s 届满，应按期换届；延期须经上级批准，一般不超过 1 年。")
                % {"date": _date(ends_on)},
                _("支部条例 第21条；选举条例 第3条"),
            )
        elif status == "due":
            add(
                "term_due",
                "warning",
                _("本届任期将于 %(date)s 届满，应做好换届准备。") % {"date": _date(ends_on)},
                _("支部条例 第六章（届满前约 6 个月提醒）"),
            )

    return StructureCheck(
        facts.full_members, facts.probationary_members, required, size, years, ends_on, findings
    )
