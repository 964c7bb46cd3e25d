"""Reads the member-development pages need on top of `selectors`: stage counts, each case's next due item,
the stepper, the people and meetings a step form offers, running public notices and a case's audit trail.

Everything starts from the scoped reads of `selectors` (`scoped_cases`, `get_case_or_404`) or from a case
already fetched through them; nothing here writes.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from dangjian.core import scoping, tree
from dangjian.core.models import AuditEntry
from dangjian.members.models import Category, Member
from dangjian.orgs.models import Organization, OrgKind

from . import rules, selectors
from .conf import rule_config
from .models import CaseStep, DevelopmentCase, DevelopmentPlan

# --- the case list --------------------------------------------------------------------------------------------


def stage_counts(*, user, filters: selectors.CaseFilters) -> dict[str, int]:
    """How many cases stand at each stage, under every filter but the stage itself (the cards above the list)."""
    without_stage = selectors.CaseFilters(within=filters.within, year=filters.year, q=filters.q)
    rows = (
        selectors.cases_within(user=user, filters=without_stage)
        .order_by()
        .values("stage")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(rules.STAGE_LABELS, 0)
    counts.update({row["stage"]: row["n"] for row in rows})
    return counts


def application_years(*, user) -> list[int]:
    """The years in which the cases in scope applied, newest first (the year filter's choices)."""
    years = selectors.scoped_cases(user).dates("applied_on", "year", order="DESC")
    return [day.year for day in years]


def next_dues(cases: list[DevelopmentCase], today: dt.date) -> dict[int, selectors.DueItem]:
    """Each open case's most pressing due item (overdue first, then the earliest), keyed by case id."""
    ids = [case.pk for case in cases if case.stage in rules.OPEN_STAGES]
    if not ids:
        return {}
    items = selectors.open_cases_with_dues(DevelopmentCase.objects.filter(pk__in=ids), today)
    found: dict[int, selectors.DueItem] = {}
    for item in sorted(items, key=lambda i: (not i.overdue, i.due.due_on)):
        found.setdefault(item.case_id, item)
    return found


# --- public notices -------------------------------------------------------------------------------------------

# A withdrawn candidate's notice is no longer shown (as on the disclosure board).
NOTICED_STAGES = (rules.CANDIDATE, rules.PROBATIONARY, rules.FULL)


def notices_within(
    *, user, within: Organization | None = None, today: dt.date, days_past: int = 30
) -> list[DevelopmentCase]:
    """Candidates whose public notice (发展对象公示, step 13) is running, about to start, or ended in the last
    `days_past` days; running ones first."""
    queryset = selectors.scoped_cases(user).filter(
        notice_starts_on__isnull=False,
        notice_ends_on__gte=today - dt.timedelta(days=days_past),
        stage__in=NOTICED_STAGES,
    )
    if within is not None:
        queryset = queryset.filter(tree.within(within.path, "org_path"))
    cases = list(queryset.select_related("org").order_by("org_path", "notice_starts_on", "name_key", "id"))
    for case in cases:
        case.notice_running = case.notice_starts_on <= today <= case.notice_ends_on
        case.notice_upcoming = today < case.notice_starts_on
    return sorted(cases, key=lambda c: (not c.notice_running, not c.notice_upcoming, c.org_path))


def running_notices(*, user, within: Organization | None = None, today: dt.date) -> list[DevelopmentCase]:
    return [
        case
        for case in notices_within(user=user, within=within, today=today, days_past=0)
        if case.notice_running
    ]


def branch_notice_cases(
    *, user, branch: Organization, on: dt.date, start: dt.date | None = None
) -> list[DevelopmentCase]:
    """The branch's candidates noticed together: those whose notice began on `start`; without it, those whose
    notice runs on `on` and began with the earliest of them (one printed notice per batch)."""
    queryset = selectors.scoped_cases(user).filter(
        org=branch, notice_starts_on__isnull=False, stage__in=NOTICED_STAGES
    )
    if start is not None:
        queryset = queryset.filter(notice_starts_on=start)
    else:
        queryset = queryset.filter(notice_starts_on__lte=on, notice_ends_on__gte=on)
    cases = list(queryset.select_related("org").order_by("notice_starts_on", "name_key", "id"))
    return [case for case in cases if case.notice_starts_on == cases[0].notice_starts_on] if cases else []


# --- one case: the stepper --------------------------------------------------------------------------------------

DONE, AVAILABLE, WAITING, AHEAD, SKIPPED = "done", "available", "waiting", "ahead", "skipped"


@dataclass
class StepView:
    """One of the 25 steps as the stepper shows it for a case."""

    spec: rules.Step
    status: str  # DONE, AVAILABLE (may be recorded now), WAITING (its turn, refused now), AHEAD, SKIPPED
    records: list[CaseStep] = field(default_factory=list)  # current records (periodic steps: several)
    refusal: str = ""  # why it cannot be recorded today (WAITING)
    committee: bool = False  # taken by the 基层党委, not the branch
    may_record: bool = False  # this user may record it now (role and rules)
    again: bool = False  # a periodic step already done that may be recorded again

    @property
    def number(self) -> int:
        return self.spec.number

    @property
    def latest(self) -> CaseStep | None:
        return self.records[-1] if self.records else None


@dataclass
class PhaseView:
    number: int
    title: str
    steps: list[StepView]

    @property
    def status(self) -> str:
        statuses = {s.status for s in self.steps}
        if statuses <= {DONE, SKIPPED}:
            return DONE
        if statuses & {AVAILABLE, WAITING}:
            return AVAILABLE
        return AHEAD


def step_refusal(state: rules.CaseState, number: int, on: dt.date, cfg: rules.Config) -> str | None:
    """Why step `number` cannot be recorded on `on` (None when it can), as `allowed_steps` tries it."""
    outcomes = [rules.CONFIRM, rules.CANCEL] if number == 23 else [""]
    message = None
    for outcome in outcomes:
        try:
            rules.check_step(
                state,
                rules.StepInput(
                    number,
                    on,
                    outcome=outcome,
                    submitted_on=on if number == 16 else None,
                    notice_starts_on=on if number == 13 else None,
                    reason="*",
                    extension_months=rules.EXTENSION_MIN_MONTHS,
                ),
                cfg,
            )
        except rules.StepRefused as exc:
            message = message or exc.message
            continue
        return None
    return message


def may_take(user, number: int) -> bool:
    """Whether the user's role takes this step at all (the 基层党委's steps: county admin or officer)."""
    if number in rules.COMMITTEE_STEPS:
        return getattr(user, "role", None) in ("county_admin", "committee_officer")
    return getattr(user, "role", None) in scoping.TREE_ROLES


STAGE_ORDER = {stage: index for index, stage in enumerate((*rules.OPEN_STAGES, rules.FULL))}


def stepper(case: DevelopmentCase, *, user, today: dt.date) -> list[PhaseView]:
    """The five stages and 25 steps of the case: what is done (date, who), what may be recorded now, what
    waits and why, and what lies ahead."""
    by_step: dict[int, list[CaseStep]] = defaultdict(list)
    for record in selectors.case_steps(case, include_history=False):
        by_step[record.step].append(record)
    state = selectors.case_state(case)
    cfg = rule_config()
    position = STAGE_ORDER.get(case.stage)  # None for a withdrawn or cancelled case
    phases = []
    for phase in rules.PHASES:
        views = []
        for number, spec in rules.STEPS.items():
            if spec.phase != phase:
                continue
            records = sorted(by_step.get(number, []), key=lambda r: (r.date, r.id))
            view = StepView(
                spec=spec, status=AHEAD, records=records, committee=number in rules.COMMITTEE_STEPS
            )
            needed = rules.STAGE_OF_STEP.get(number)
            turn = number != 1 and position is not None and needed == case.stage
            refusal = step_refusal(state, number, today, cfg) if turn else None
            if turn and refusal is None:
                view.status, view.again = AVAILABLE, bool(records)
            elif records or number == 1:
                view.status = DONE
            elif turn and all(state.has(n) for n in spec.requires):
                # its turn has come by the order of the steps, but a rule of time refuses it today
                view.status, view.refusal = WAITING, refusal
            elif position is None or STAGE_ORDER.get(needed, 0) < position:
                view.status = SKIPPED
            view.may_record = view.status == AVAILABLE and may_take(user, number)
            views.append(view)
        phases.append(PhaseView(number=phase, title=str(rules.PHASES[phase]), steps=views))
    return phases


def next_steps(phases: list[PhaseView]) -> list[StepView]:
    """The steps that may be recorded now, in order (the buttons on the page)."""
    return [s for phase in phases for s in phase.steps if s.status == AVAILABLE]


def current_record(case: DevelopmentCase, number: int) -> CaseStep | None:
    """The latest current record of a step, with its people and deciding organization."""
    return (
        CaseStep.objects.filter(case=case, step=number, current=True)
        .select_related("decided_by", "vote", "meeting", "created_by")
        .prefetch_related("people")
        .order_by("-date", "-id")
        .first()
    )


# --- what a step form offers ------------------------------------------------------------------------------------


def branch_full_members(case: DevelopmentCase) -> QuerySet[Member]:
    """Full members of the case's branch in good standing: who may be a mentor or a sponsor (细则 第9、14条)."""
    return Member.objects.filter(
        org=case.org, category=Category.FULL, status__in=rules.SPONSOR_STATUSES
    ).order_by("name_key", "id")


def scope_members(user, case: DevelopmentCase) -> QuerySet[Member]:
    """Members of the branch and the organizations above it within the user's scope (talker, interviewer)."""
    ids = [pk for pk in tree.ancestor_ids(case.org_path)]
    return (
        scoping.scoped(
            Member.objects.filter(org_id__in=ids, status__in=rules.SPONSOR_STATUSES), user, "org_path"
        )
        .select_related("org")
        .order_by("org__depth", "name_key", "id")
    )


def held_meetings(case: DevelopmentCase, kinds: tuple[str, ...], *, limit: int = 40):
    """The branch's held meetings of these kinds, newest first (a vote or a decision is recorded at one)."""
    from dangjian.orglife.models import Meeting, MeetingState

    return list(
        Meeting.objects.filter(org=case.org, kind__in=kinds, state=MeetingState.HELD).order_by(
            "-held_on", "-id"
        )[:limit]
    )


def branch_meeting(case: DevelopmentCase, pk, kinds: tuple[str, ...]):
    """One held meeting of the branch (None when the id names anything else)."""
    from dangjian.orglife.models import Meeting, MeetingState

    try:
        return Meeting.objects.get(pk=int(pk), org=case.org, kind__in=kinds, state=MeetingState.HELD)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        return None


@dataclass(frozen=True)
class Decider:
    org: Organization
    refusal: str | None  # why it may not approve (None when it may)


def deciders(case: DevelopmentCase) -> list[Decider]:
    """The organizations above the branch, nearest first, with why each may not approve admissions."""
    return [
        Decider(org, selectors.approval_refusal(org, case.org))
        for org in selectors.ancestors(case.org)
        if org.dissolved_on is None
    ]


def party_groups(case: DevelopmentCase) -> QuerySet[Organization]:
    return Organization.objects.filter(
        parent=case.org, kind=OrgKind.GROUP, dissolved_on__isnull=True
    ).order_by("sort_order", "id")


# --- the case's audit trail -------------------------------------------------------------------------------------

CASE_TYPE = DevelopmentCase._meta.label_lower
FIELD_LABELS = {
    "step": _("步骤"),
    "step_date": _("步骤日期"),
    "outcome": _("结果"),
    "step_id": _("步骤记录"),
    "id_number": _("公民身份号码"),
    "phone": _("手机号码"),
    "org_id": _("所在党支部"),
    "member_id": _("党员档案"),
}
HIDDEN_CHANGES = {"step_id", "member_id"}


def _labels() -> dict[str, str]:
    labels = {f.attname: str(f.verbose_name) for f in DevelopmentCase._meta.concrete_fields}
    labels.update({k: str(v) for k, v in FIELD_LABELS.items()})
    return labels


def case_history(*, user, case: DevelopmentCase, limit: int = 200) -> list[AuditEntry]:
    """The case's audit entries (registration, each step, corrections, reveals, files), newest first."""
    scoping.require_tree_role(user)
    entries = list(
        AuditEntry.objects.filter(object_type=CASE_TYPE, object_id=str(case.pk)).order_by("-at", "-id")[
            :limit
        ]
    )
    labels = _labels()
    stages = dict(rules.STAGE_LABELS)
    outcomes = dict(rules.OUTCOMES)
    org_ids = {
        value
        for entry in entries
        for name, *values in entry.changes()
        if name == "org_id"
        for value in values
        if value
    }
    names = dict(scoping.scoped(Organization.objects.filter(pk__in=org_ids), user).values_list("pk", "name"))

    def show(name, value) -> str:
        if value is None or value == "":
            return "—"
        if name == "stage":
            return str(stages.get(value, value))
        if name == "outcome":
            return str(outcomes.get(value, value))
        if name == "org_id":
            return names.get(value, _("（管理范围外的组织）"))
        if name == "step":
            return rules.step_label(value) if value in rules.STEPS else str(value)
        if isinstance(value, bool):
            return _("是") if value else _("否")
        return str(value)

    for entry in entries:
        entry.change_rows = [
            {"label": labels.get(name, name), "before": show(name, before), "after": show(name, after)}
            for name, before, after in entry.changes()
            if name not in HIDDEN_CHANGES
        ]
    return entries


# --- plans ------------------------------------------------------------------------------------------------------


def planning_orgs(*, user) -> QuerySet[Organization]:
    """The 党委 and 党工委 in the user's scope that may set a development plan."""
    return scoping.scoped(
        Organization.objects.filter(
            kind__in=(OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE), dissolved_on__isnull=True
        ),
        user,
    ).order_by("path")


def plan_summaries(plans) -> list[dict]:
    """Each plan with its total and how many its branches admitted in the year (one query per plan)."""
    rows = []
    for plan in plans:
        progress = selectors.plan_progress(plan)
        quota = sum(line["quota"] for line in progress)
        admitted = sum(min(line["admitted"], line["quota"]) if line["quota"] else 0 for line in progress)
        rows.append(
            {
                "plan": plan,
                "quota": quota,
                "admitted": sum(line["admitted"] for line in progress),
                "counted": admitted,
                "branches": len(progress),
            }
        )
    return rows


def plan_exists(org: Organization, year: int) -> DevelopmentPlan | None:
    return DevelopmentPlan.objects.filter(org=org, year=year).first()


def admitted_counts(branches: list[Organization], year: int) -> dict[int, int]:
    """How many each branch admitted (支部大会 date) in `year`."""
    rows = (
        DevelopmentCase.objects.filter(org__in=branches, admitted_on__year=year)
        .values("org_id")
        .annotate(n=Count("id"))
    )
    return {row["org_id"]: row["n"] for row in rows}


def open_counts_by_branch(branches: list[Organization]) -> dict[int, dict[str, int]]:
    """Per branch: how many candidates and activists stand ready now (to help set the numbers)."""
    rows = (
        DevelopmentCase.objects.filter(org__in=branches)
        .values("org_id")
        .annotate(
            candidates=Count("id", filter=Q(stage=rules.CANDIDATE)),
            activists=Count("id", filter=Q(stage=rules.ACTIVIST)),
        )
    )
    return {row["org_id"]: {"candidates": row["candidates"], "activists": row["activists"]} for row in rows}
