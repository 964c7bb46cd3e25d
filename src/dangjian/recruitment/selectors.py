"""Reads of member development: cases in scope, one case with its steps, the due list, counts and plans.

Every query of cases starts from `core.scoping.scoped(..., path_field="org_path")`: a case outside the
user's subtree does not exist for them (404).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.core import idnumber, scoping, tree
from dangjian.core.crypto import lookup_hash
from dangjian.orgs import rules as org_rules
from dangjian.orgs.models import Organization, OrgKind

from . import rules
from .conf import rule_config
from .models import CaseFile, CaseStep, CaseStepPerson, DevelopmentCase, DevelopmentPlan, PlanLine

# --- cases ------------------------------------------------------------------------------------------------------


def scoped_cases(user) -> QuerySet[DevelopmentCase]:
    """Cases of the user's subtree — and a probationary member's case once a transfer (组织关系转接) has taken
    the member into the subtree, before the case itself follows them (`services.cases.follow_member`)."""
    cases = DevelopmentCase.objects.all()
    return scoping.scoped(cases, user, "org_path") | scoping.scoped(cases, user, "member__org_path")


def get_case_or_404(user, pk) -> DevelopmentCase:
    scoping.require_tree_role(user)
    try:
        return scoped_cases(user).select_related("org", "member").get(pk=pk)
    except (DevelopmentCase.DoesNotExist, ValueError, TypeError):
        raise Http404(_("发展党员记录不存在或不在您的管理范围内")) from None


@dataclass(frozen=True)
class CaseFilters:
    within: Organization | None = None  # the organization's subtree (already fetched through scoping)
    stage: str = ""
    year: int | None = None  # cases that applied in this year
    q: str = ""  # name contains, or a complete ID number


def cases_within(*, user, filters: CaseFilters | None = None) -> QuerySet[DevelopmentCase]:
    """Cases in the user's scope, newest application first, narrowed by the filters."""
    filters = filters or CaseFilters()
    queryset = scoped_cases(user).select_related("org", "member")
    if filters.within is not None:
        queryset = queryset.filter(tree.within(filters.within.path, "org_path"))
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.year:
        queryset = queryset.filter(applied_on__year=filters.year)
    q = (filters.q or "").strip()
    if q:
        number = idnumber.normalize(q)
        if idnumber.is_valid(number):
            queryset = queryset.filter(id_hash=lookup_hash(number))
        else:
            queryset = queryset.filter(person_name__contains=q)
    return queryset.order_by("-applied_on", "-id")


def case_steps(case: DevelopmentCase, *, include_history: bool = True) -> list[CaseStep]:
    """The case's step records in order, with people, vote, meeting and files (history included by default)."""
    queryset = CaseStep.objects.filter(case=case)
    if not include_history:
        queryset = queryset.filter(current=True)
    return list(
        queryset.select_related("decided_by", "vote", "meeting", "created_by")
        .prefetch_related(
            Prefetch("people", queryset=CaseStepPerson.objects.order_by("role", "id")),
            Prefetch("files", queryset=CaseFile.objects.order_by("uploaded_at", "id")),
        )
        .order_by("step", "date", "id")
    )


def case_files(case: DevelopmentCase) -> list[CaseFile]:
    return list(case.files.select_related("step").order_by("uploaded_at", "id"))


def _recorded(rows) -> tuple[rules.Recorded, ...]:
    return tuple(
        rules.Recorded(
            step=row["step"],
            date=row["date"],
            outcome=row["outcome"] or "",
            passed=bool((row["details"] or {}).get("passed", True)),
        )
        for row in rows
    )


CASE_STATE_FIELDS = (
    "stage",
    "applied_on",
    "activist_on",
    "candidate_on",
    "admitted_on",
    "probation_ends_on",
    "extended",
    "notice_starts_on",
    "notice_ends_on",
)


def _state(values: dict, current_rows, extended_on: dt.date | None) -> rules.CaseState:
    """A CaseState from the case's fields (`CASE_STATE_FIELDS`, as a dict) and its current step rows."""
    return rules.CaseState(
        **{name: values[name] for name in CASE_STATE_FIELDS},
        extended_on=extended_on,
        steps=_recorded(current_rows),
    )


STATE_FIELDS = ("case_id", "step", "date", "outcome", "details", "current")


def case_state(case: DevelopmentCase) -> rules.CaseState:
    """The plain-value state the rules work on: the case's dates and its current step records."""
    rows = list(CaseStep.objects.filter(case=case).values(*STATE_FIELDS))
    extended_on = max(
        (r["date"] for r in rows if r["step"] == 24 and r["outcome"] == rules.EXTEND), default=None
    )
    values = {name: getattr(case, name) for name in CASE_STATE_FIELDS}
    return _state(values, [r for r in rows if r["current"]], extended_on)


def allowed_steps(case: DevelopmentCase, on: dt.date) -> list[int]:
    """The steps the order and the dates would allow on `on` (what a page may offer; services re-check)."""
    return rules.allowed_steps(case_state(case), on, rule_config())


# --- organizations around a case --------------------------------------------------------------------------------


def has_committee(org: Organization) -> bool:
    """Whether the branch has a 支委会: three or more people on its current leadership team (支部条例 第20条)."""
    from dangjian.orgs.models import LeadershipPosition

    posts = LeadershipPosition.objects.filter(org=org, ended_on__isnull=True, post__in=org_rules.TEAM_POSTS)
    return posts.values("person_name").distinct().count() >= 3


def ancestors(org: Organization) -> list[Organization]:
    """The organizations above `org`, nearest first."""
    ids = [pk for pk in tree.ancestor_ids(org.path) if pk != org.pk]
    found = {o.pk: o for o in Organization.objects.filter(pk__in=ids).select_related("parent")}
    return [found[pk] for pk in reversed(ids) if pk in found]


def approval_refusal(approver: Organization, case_org: Organization) -> str | None:
    """Why `approver` may not approve a case of `case_org` (None when it may): rules.approval_refusal."""
    parent = approver.parent
    return rules.approval_refusal(
        approver.kind,
        approver.domain,
        parent.kind if parent else None,
        parent.domain if parent else None,
        case_org.domain,
    )


def approving_org(org: Organization) -> Organization | None:
    """The nearest organization above the branch that may approve its admissions (细则 第24条), if any."""
    for candidate in ancestors(org):
        if candidate.dissolved_on is None and approval_refusal(candidate, org) is None:
            return candidate
    return None


# --- the due list -----------------------------------------------------------------------------------------------

OPEN = rules.OPEN_STAGES


@dataclass(frozen=True)
class DueItem:
    case_id: int
    person_name: str
    org_id: int
    org_name: str
    org_path: str
    stage: str
    due: rules.Due
    today: dt.date

    @property
    def code(self) -> str:
        return self.due.code

    @property
    def overdue(self) -> bool:
        return self.due.overdue(self.today)

    @property
    def lapsed(self) -> bool:
        return self.due.lapsed(self.today)

    @property
    def days_left(self) -> int:
        return (self.due.due_on - self.today).days


def open_cases_with_dues(queryset: QuerySet[DevelopmentCase], today: dt.date) -> list[DueItem]:
    """Every due item of the open cases in `queryset` — two queries and plain rows, whatever their number."""
    open_cases = queryset.filter(stage__in=OPEN)
    cases = list(
        open_cases.values(
            "id",
            "person_name",
            "org_id",
            "org__name",
            "org_path",
            "member__org_id",
            "member__org__name",
            "member__org_path",
            *CASE_STATE_FIELDS,
        )
    )
    rows_by_case: dict[int, list[dict]] = defaultdict(list)
    steps = CaseStep.objects.filter(case__in=open_cases.values("pk"), current=True).values(*STATE_FIELDS)
    for row in steps:
        rows_by_case[row["case_id"]].append(row)
    items = []
    for case in cases:
        if case["member__org_id"] and case["member__org_id"] != case["org_id"]:
            # The probationer was transferred: their new branch is the one to act.
            case["org_id"], case["org__name"] = case["member__org_id"], case["member__org__name"]
            case["org_path"] = case["member__org_path"]
        state = _state(case, rows_by_case[case["id"]], None)
        for due in rules.dues_of(state, today):
            items.append(
                DueItem(
                    case_id=case["id"],
                    person_name=case["person_name"],
                    org_id=case["org_id"],
                    org_name=case["org__name"],
                    org_path=case["org_path"],
                    stage=case["stage"],
                    due=due,
                    today=today,
                )
            )
    return items


def due_within(
    *, user, within: Organization | None = None, days: int = 30, today: dt.date, overdue_only: bool = False
) -> list[DueItem]:
    """Who is due for what in the next `days` days, and what is overdue, in the user's scope.

    Covers the talk within a month of the application (细则 第7条), the half-yearly activist reviews (第11条),
    running public notices, approval within 3 (at most 6) months of the 支部大会 (第24条), conversion at the
    end of probation (第32条) and approval of conversion within 3 months (第34条). Overdue first, then by date.
    """
    queryset = scoped_cases(user)
    if within is not None:
        queryset = queryset.filter(tree.within(within.path, "org_path"))
    items = [item for item in open_cases_with_dues(queryset, today) if rules.in_window(item.due, today, days)]
    if overdue_only:
        items = [item for item in items if item.overdue]
    return sorted(items, key=lambda i: (not i.overdue, i.due.due_on, i.person_name, i.case_id))


# --- counts (for the statistics) ------------------------------------------------------------------------------


def development_counts(*, user, within: Organization | None = None, year: int) -> list[dict]:
    """Per branch: how many applied, became activists, candidates, were admitted, converted, cancelled or
    withdrew in `year`, and how many stand at each stage now. One grouped query. Counted where the case is
    held (its `org_path`), so each case counts once, in one branch."""
    queryset = scoping.scoped(DevelopmentCase.objects.all(), user, "org_path")
    if within is not None:
        queryset = queryset.filter(tree.within(within.path, "org_path"))
    rows = (
        queryset.values("org_id", "org__name", "org_path")
        .annotate(
            applied=Count("id", filter=Q(applied_on__year=year)),
            activists=Count("id", filter=Q(activist_on__year=year)),
            candidates=Count("id", filter=Q(candidate_on__year=year)),
            admitted=Count("id", filter=Q(admitted_on__year=year)),
            converted=Count("id", filter=Q(converted_on__year=year)),
            cancelled=Count("id", filter=Q(stage=rules.CANCELLED, closed_on__year=year)),
            withdrawn=Count("id", filter=Q(stage=rules.WITHDRAWN, closed_on__year=year)),
            **{f"now_{stage}": Count("id", filter=Q(stage=stage)) for stage in OPEN},
        )
        .order_by("org_path")
    )
    return [
        {
            "org_id": row["org_id"],
            "org_name": row["org__name"],
            "year": year,
            **{
                key: row[key]
                for key in (
                    "applied",
                    "activists",
                    "candidates",
                    "admitted",
                    "converted",
                    "cancelled",
                    "withdrawn",
                )
            },
            "now": {stage: row[f"now_{stage}"] for stage in OPEN},
        }
        for row in rows
    ]


# --- plans ------------------------------------------------------------------------------------------------------


def plans_within(
    *, user, within: Organization | None = None, year: int | None = None
) -> QuerySet[DevelopmentPlan]:
    queryset = scoping.scoped(DevelopmentPlan.objects.all(), user, "org_path").select_related("org")
    if within is not None:
        queryset = queryset.filter(tree.within(within.path, "org_path"))
    if year:
        queryset = queryset.filter(year=year)
    return queryset.prefetch_related(
        Prefetch("lines", queryset=PlanLine.objects.select_related("org").order_by("org__path"))
    ).order_by("-year", "org_path")


def get_plan_or_404(user, pk) -> DevelopmentPlan:
    scoping.require_tree_role(user)
    try:
        return plans_within(user=user).get(pk=pk)
    except (DevelopmentPlan.DoesNotExist, ValueError, TypeError):
        raise Http404(_("发展党员计划不存在或不在您的管理范围内")) from None


def plan_progress(plan: DevelopmentPlan) -> list[dict]:
    """Each line of the plan with how many the branch admitted in the plan's year (支部大会 date)."""
    lines = list(plan.lines.select_related("org").order_by("org__path"))
    admitted = dict(
        DevelopmentCase.objects.filter(org__in=[line.org for line in lines], admitted_on__year=plan.year)
        .values_list("org_id")
        .annotate(n=Count("id"))
    )
    return [
        {
            "org_id": line.org_id,
            "org_name": line.org.name,
            "quota": line.quota,
            "admitted": admitted.get(line.org_id, 0),
        }
        for line in lines
    ]


def branches_under(org: Organization) -> QuerySet[Organization]:
    """Branches in the organization's subtree that are not dissolved (the lines a plan may have)."""
    return Organization.objects.filter(tree.within(org.path), kind=OrgKind.BRANCH, dissolved_on__isnull=True)
