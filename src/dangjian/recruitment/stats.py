"""Statistics of member development (发展党员情况), in the shape of the annual tables 13–15 (RULES.md K).

Per year and per organization (each direct child of the chosen subtree is a row, plus 本级 and 合计):
new applicants, activists and candidates determined, admitted (预备党员), converted, extended, cancelled
and withdrawn; the make-up of the new members (gender, minority, age at admission, education, occupation);
the plan's numbers beside the admissions; admissions and applications over the last years; and the
pipeline as it stands now. Counted where the case is held (its `org_path`), dates as recorded on the case.
"""

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

import xlsxwriter
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from dangjian.core import scoping, tree
from dangjian.members.codes import OCCUPATIONS
from dangjian.members.models import Gender
from dangjian.members.rules import age_on
from dangjian.orgs.models import Organization, OrgKind
from dangjian.stats.selectors import EDUCATION_COLUMNS

from . import rules
from .models import CaseStep, DevelopmentCase, PlanLine, Stage

# 发展党员的构成 (年报 表15, 统计公报): age at admission in the bands the bulletins print for new members.
# The labels are the API's keys (Chinese); pages and the workbook show them through gettext.
NEW_MEMBER_AGE_BANDS = [
    (0, 25, gettext_noop("25岁及以下")),
    (26, 30, gettext_noop("26至30岁")),
    (31, 35, gettext_noop("31至35岁")),
    (36, 40, gettext_noop("36至40岁")),
    (41, 45, gettext_noop("41至45岁")),
    (46, 50, gettext_noop("46至50岁")),
    (51, 54, gettext_noop("51至54岁")),
    (55, 200, gettext_noop("55岁及以上")),
]
NOT_FILLED = gettext_noop("未填写")
TREND_YEARS = 5
FLOW_KEYS = (
    "applied",
    "activists",
    "candidates",
    "admitted",
    "converted",
    "extended",
    "cancelled",
    "withdrawn",
)


def age_band(birth: dt.date, day: dt.date) -> str:
    age = age_on(birth, day)
    return next(label for low, high, label in NEW_MEMBER_AGE_BANDS if low <= age <= high)


def flow_labels() -> dict[str, str]:
    return {
        "applied": _("申请入党"),
        "activists": _("确定为积极分子"),
        "candidates": pgettext("发展党员统计", "确定为发展对象"),  # a count here, a date on the case page
        "admitted": _("发展党员（预备党员）"),
        "converted": _("转为正式党员"),
        "extended": _("延长预备期"),
        "cancelled": _("取消预备党员资格"),
        "withdrawn": _("终止发展"),
    }


@dataclass
class StatsRow:
    label: str
    org: Organization | None
    counts: Counter = field(default_factory=Counter)  # FLOW_KEYS and "quota"
    composition: Counter = field(default_factory=Counter)  # new members: "female", "minority", age/edu/occ

    @property
    def plan_share(self) -> str:
        quota = self.counts["quota"]
        return f"{self.counts['admitted'] / quota:.0%}" if quota else "—"

    def as_api(self) -> dict:
        return {
            "org_id": self.org.pk if self.org else None,
            "label": self.label,
            **{key: self.counts[key] for key in FLOW_KEYS},
            "quota": self.counts["quota"],
        }


@dataclass
class DevelopmentStats:
    org: Organization
    year: int
    rows: list[StatsRow]  # children, 本级 if any, then 合计 (last)
    gender: dict[str, int]
    minority: int
    age_band: dict[str, int]
    education: dict[str, int]
    occupation: dict[str, int]
    trend: list[dict]
    pipeline: dict[str, int]

    @property
    def total(self) -> StatsRow:
        return self.rows[-1]

    def as_api(self) -> dict:
        return {
            "within": self.org.pk,
            "within_name": self.org.name,
            "year": self.year,
            "totals": self.total.as_api(),
            "rows": [row.as_api() for row in self.rows[:-1]],
            "new_members": {
                "total": self.total.counts["admitted"],
                "gender": self.gender,
                "minority": self.minority,
                "age_band": self.age_band,
                "education": self.education,
                "occupation": self.occupation,
            },
            "trend": self.trend,
            "pipeline": self.pipeline,
        }


def stats_root_or_404(user, within) -> Organization:
    """The subtree counted: `within` if given (404 outside scope), else the user's scope root."""
    scoping.require_tree_role(user)
    pk = within if within not in (None, "") else user.org_id
    return scoping.get_org_or_404(user, pk)


def _cases(user, org: Organization):
    return scoping.scoped(DevelopmentCase.objects.all(), user, "org_path").filter(
        tree.within(org.path, "org_path")
    )


def _target(path: str, org: Organization, rows: dict, own: StatsRow) -> StatsRow | None:
    rest = path[len(org.path) :] if tree.is_within(path, org.path) else ""
    return own if not rest else rows.get(int(rest.strip("/").split("/", 1)[0]))


def development_stats(*, user, org: Organization, year: int, today: dt.date) -> DevelopmentStats:
    """The figures of `org`'s subtree for `year`. The caller has checked the scope (`stats_root_or_404`)."""
    children = (
        []
        if org.kind == OrgKind.GROUP
        else list(
            scoping.scoped(Organization.objects.filter(parent=org), user)
            .exclude(kind=OrgKind.GROUP)
            .order_by("sort_order", "id")
        )
    )
    rows = {child.pk: StatsRow(child.name, child) for child in children}
    own = StatsRow(_("本级"), org)
    cases = _cases(user, org)
    grouped = (
        cases.values("org_path")
        .annotate(
            applied=Count("id", filter=Q(applied_on__year=year)),
            activists=Count("id", filter=Q(activist_on__year=year)),
            candidates=Count("id", filter=Q(candidate_on__year=year)),
            admitted=Count("id", filter=Q(admitted_on__year=year)),
            converted=Count("id", filter=Q(converted_on__year=year)),
            cancelled=Count("id", filter=Q(stage=rules.CANCELLED, closed_on__year=year)),
            withdrawn=Count("id", filter=Q(stage=rules.WITHDRAWN, closed_on__year=year)),
        )
        .order_by()
    )
    for item in grouped:
        target = _target(item.pop("org_path"), org, rows, own)
        if target is not None:
            target.counts.update(item)
    # 延长预备期: the 转正 decisions of the year that extended the probation (history rows included).
    extended = (
        CaseStep.objects.filter(case__in=cases, step=24, outcome=rules.EXTEND, date__year=year)
        .values("case__org_path")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    for item in extended:
        target = _target(item["case__org_path"], org, rows, own)
        if target is not None:
            target.counts["extended"] += item["n"]
    quotas = (
        PlanLine.objects.filter(plan__year=year)
        .filter(tree.within(org.path, "org__path"))
        .values("org__path")
        .annotate(n=Sum("quota"))
        .order_by()
    )
    for item in quotas:
        target = _target(item["org__path"], org, rows, own)
        if target is not None:
            target.counts["quota"] += item["n"]
    # The make-up of the year's new members, one row each (a county admits at most a few hundred a year).
    new = cases.filter(admitted_on__year=year).values(
        "org_path", "gender", "ethnicity", "birth_date", "admitted_on", "education", "occupation"
    )
    education_index = {code: i for i, (_label, codes) in enumerate(EDUCATION_COLUMNS) for code in codes}
    occupations = dict(OCCUPATIONS)
    for person in new:
        target = _target(person["org_path"], org, rows, own)
        if target is None:
            continue
        c = target.composition
        c["female"] += person["gender"] == Gender.FEMALE
        c["minority"] += "02" <= person["ethnicity"] <= "56"
        c["age:" + age_band(person["birth_date"], person["admitted_on"])] += 1
        i = education_index.get(person["education"])
        c["edu:" + (EDUCATION_COLUMNS[i][0] if i is not None else NOT_FILLED)] += 1
        c["occ:" + occupations.get(person["occupation"], NOT_FILLED)] += 1
    result = list(rows.values())
    if any(own.counts.values()) or any(own.composition.values()):
        result.append(own)
    total = StatsRow(_("合计"), None)
    for row in result:
        total.counts.update(row.counts)
        total.composition.update(row.composition)
    result.append(total)
    comp = total.composition
    admitted = total.counts["admitted"]
    return DevelopmentStats(
        org=org,
        year=year,
        rows=result,
        gender={Gender.MALE.value: admitted - comp["female"], Gender.FEMALE.value: comp["female"]},
        minority=comp["minority"],
        age_band={label: comp["age:" + label] for _l, _h, label in NEW_MEMBER_AGE_BANDS},
        education={
            **{label: comp["edu:" + label] for label, _codes in EDUCATION_COLUMNS},
            NOT_FILLED: comp["edu:" + NOT_FILLED],
        },
        occupation={
            **{label: comp["occ:" + label] for _code, label in OCCUPATIONS},
            NOT_FILLED: comp["occ:" + NOT_FILLED],
        },
        trend=_trend(cases, year),
        pipeline={
            stage: n
            for stage, n in (
                (stage, cases.filter(stage=stage).count()) for stage in (*rules.OPEN_STAGES, rules.FULL)
            )
        },
    )


def _trend(cases, year: int) -> list[dict]:
    first = year - TREND_YEARS + 1
    years = range(first, year + 1)
    row = cases.aggregate(
        **{f"applied_{y}": Count("id", filter=Q(applied_on__year=y)) for y in years},
        **{f"admitted_{y}": Count("id", filter=Q(admitted_on__year=y)) for y in years},
        **{f"converted_{y}": Count("id", filter=Q(converted_on__year=y)) for y in years},
    )
    return [
        {
            "year": y,
            "applied": row[f"applied_{y}"],
            "admitted": row[f"admitted_{y}"],
            "converted": row[f"converted_{y}"],
        }
        for y in years
    ]


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)


# --- .xlsx --------------------------------------------------------------------------------------------------


def workbook(stats: DevelopmentStats) -> bytes:
    """表13 预备党员转正情况, 表14 发展党员情况, 表15 发展党员的构成, one sheet each; A4 landscape."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    book.set_properties({"title": _("发展党员统计"), "company": stats.org.name})
    head = book.add_format(
        {
            "bold": True,
            "bg_color": "#F2F3F5",
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    title = book.add_format({"bold": True, "font_size": 14, "align": "center", "font_color": "#C8161D"})
    note_format = book.add_format({"font_color": "#5D6470", "align": "center"})
    cell = book.add_format({"border": 1})
    num = book.add_format({"border": 1, "num_format": "#,##0"})
    bold_cell = book.add_format({"border": 1, "bold": True})
    bold_num = book.add_format({"border": 1, "bold": True, "num_format": "#,##0"})
    note = _("统计范围：%(org)s及其下级组织　%(year)s年度") % {"org": stats.org.name, "year": stats.year}

    def sheet(name: str, heads: list[str], values) -> None:
        ws = book.add_worksheet(name)
        width = len(heads) + 1
        ws.merge_range(0, 0, 0, width - 1, name, title)
        ws.merge_range(1, 0, 1, width - 1, note, note_format)
        ws.write_row(2, 0, [_("单位"), *heads], head)
        ws.set_row(2, 36)
        ws.set_column(0, 0, 28)
        ws.set_column(1, width - 1, 11)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0, 2)
        ws.freeze_panes(3, 1)
        for offset, row in enumerate(stats.rows):
            label_format, number_format = (bold_cell, bold_num) if row.org is None else (cell, num)
            ws.write(3 + offset, 0, row.label, label_format)
            for column, value in enumerate(values(row), start=1):
                ws.write_number(3 + offset, column, value, number_format)

    labels = flow_labels()
    sheet(
        _("表13 预备党员转正情况"),
        [labels["converted"], labels["extended"], labels["cancelled"]],
        lambda row: [row.counts["converted"], row.counts["extended"], row.counts["cancelled"]],
    )
    sheet(
        _("表14 发展党员情况"),
        [
            labels["applied"],
            labels["activists"],
            labels["candidates"],
            labels["admitted"],
            _("计划发展人数"),
            labels["withdrawn"],
        ],
        lambda row: [
            row.counts["applied"],
            row.counts["activists"],
            row.counts["candidates"],
            row.counts["admitted"],
            row.counts["quota"],
            row.counts["withdrawn"],
        ],
    )
    age_labels = [label for _l, _h, label in NEW_MEMBER_AGE_BANDS]
    edu_labels = [*(label for label, _codes in EDUCATION_COLUMNS), NOT_FILLED]
    occ_labels = [*(label for _code, label in OCCUPATIONS), NOT_FILLED]
    sheet(
        _("表15 发展党员的构成"),
        [
            _("发展党员数"),
            _("女"),
            _("少数民族"),
            *(_(label) for label in age_labels),
            *(_("学历：%(label)s") % {"label": _(label)} for label in edu_labels),
            *(_("职业：%(label)s") % {"label": _(label)} for label in occ_labels),
        ],
        lambda row: [
            row.counts["admitted"],
            row.composition["female"],
            row.composition["minority"],
            *(row.composition["age:" + label] for label in age_labels),
            *(row.composition["edu:" + label] for label in edu_labels),
            *(row.composition["occ:" + label] for label in occ_labels),
        ],
    )
    book.close()
    return output.getvalue()
