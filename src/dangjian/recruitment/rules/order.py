"""The order of the steps: whether a step may be recorded now, given what the case already holds.

`check_step` checks the stage, the prerequisites, the dates and every time rule of the step and raises
`StepRefused` with the rule and its article. The services add what needs the database (votes, sponsors,
the approving body) with the functions of `deadlines`.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dangjian.orgs.rules import add_months

from .deadlines import (
    APPROVAL_MAX_MONTHS,
    APPROVAL_MONTHS,
    CONVERSION_APPROVAL_MONTHS,
    EXTENSION_MIN_MONTHS,
    REDELIBERATE,
    REDO,
    SPECIAL,
    TOO_LATE,
    Config,
    activist_earliest,
    activist_year_complete,
    approval_timing,
    candidate_earliest,
    conversion_approval_timing,
    conversion_discussable,
    extension_problem,
    notice_over,
    resubmission,
)
from .steps import (
    ADMISSION_ROUND,
    CANCEL,
    CANCELLED,
    CONFIRM,
    CONVERSION_ROUND,
    EXTEND,
    FIRST_STEP,
    LAST_STEP,
    OUTCOMES,
    STAGE_LABELS,
    STAGE_OF_STEP,
    STEPS,
    WITHDRAWN,
)


class StepRefused(Exception):
    """A step the rules do not allow now. `message` is Chinese and names the rule; `source` the article."""

    def __init__(self, message: str, source: str = "", field: str = ""):
        super().__init__(message)
        self.message = message
        self.source = source
        self.field = field


def _refuse(message: str, source, field: str = "") -> StepRefused:
    source = str(source)
    text = f"{message}（{source}）" if source else message
    return StepRefused(text, source, field)


def _d(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


# --- the state of a case and the order of the steps -------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """One current step record of a case (records replaced by a later round are left out)."""

    step: int
    date: dt.date
    outcome: str = ""
    passed: bool = True  # political review concluded favourably


@dataclass(frozen=True)
class CaseState:
    stage: str
    applied_on: dt.date
    activist_on: dt.date | None = None
    candidate_on: dt.date | None = None
    admitted_on: dt.date | None = None
    probation_ends_on: dt.date | None = None
    extended: bool = False
    extended_on: dt.date | None = None  # the day the extension was approved
    notice_starts_on: dt.date | None = None
    notice_ends_on: dt.date | None = None
    steps: tuple[Recorded, ...] = field(default_factory=tuple)

    def records(self, step: int) -> list[Recorded]:
        return [r for r in self.steps if r.step == step]

    def latest(self, step: int) -> Recorded | None:
        found = self.records(step)
        return max(found, key=lambda r: r.date) if found else None

    def has(self, step: int) -> bool:
        return any(r.step == step for r in self.steps)


@dataclass(frozen=True)
class StepInput:
    step: int
    on: dt.date
    outcome: str = ""  # steps 23 and 24
    extension_months: int | None = None  # step 23, outcome extend
    submitted_on: dt.date | None = None  # step 16: when the branch sent the resolution up
    notice_starts_on: dt.date | None = None  # step 13: first day of the public notice
    reason: str = ""  # steps 17, 24: the special reason or the cause of the delay


@dataclass(frozen=True)
class Placement:
    """How a step fits the case.

    `replaces`: current records this step makes history of before it is written (a re-vote, a redo);
    `closes`: current records, this one included, that become history once it is written (the 22–24 round
    of an extension, so that conversion can be applied for again); `late`: allowed with a reason although
    after its deadline (steps 17 and 24).
    """

    replaces: tuple[int, ...] = ()
    closes: tuple[int, ...] = ()
    late: bool = False


def admission_restart(state: CaseState, on: dt.date, cfg: Config) -> str | None:
    """Whether the admission vote is stale on `on` so that it must be held again (REDELIBERATE) or the
    procedure redone from the 支委会 review (REDO); None while the vote can still lead to approval.

    细则 第24条: no approval beyond six months of the vote, so a vote that old must be held again.
    RULES.md 第54条 [LOCAL]: a resolution not sent up within N months is re-deliberated, beyond M redone.
    """
    vote = state.latest(15)
    if vote is None or state.has(17):
        return None
    if cfg.redo_months and on > add_months(vote.date, cfg.redo_months):
        return REDO
    lapsed = on > add_months(vote.date, APPROVAL_MAX_MONTHS)
    unsent = (
        cfg.redeliberate_months and not state.has(16) and on > add_months(vote.date, cfg.redeliberate_months)
    )
    return REDELIBERATE if lapsed or unsent else None


def step_label(number: int) -> str:
    return _("第%(n)d步“%(title)s”") % {"n": number, "title": STEPS[number].title}


def check_step(state: CaseState, inp: StepInput, cfg: Config) -> Placement:
    """Whether step `inp.step` may be recorded on `inp.on`; raises StepRefused naming the rule.

    Checks the stage, the order (every prerequisite recorded, none later than this date) and every time
    rule of the step. What needs more than dates — the vote itself, sponsors, the approving body — the
    services check with the functions above.
    """
    number, on = inp.step, inp.on
    spec = STEPS.get(number)
    if spec is None or number == FIRST_STEP:
        raise StepRefused(_("步骤应为 2 至 25（第1步在登记入党申请时完成）"), "", "step")
    stage_needed = STAGE_OF_STEP[number]
    if state.stage in (WITHDRAWN, CANCELLED):
        raise _refuse(_("该发展对象的程序已终止，不能再登记步骤"), _("细则 第五章"))
    if state.stage != stage_needed:
        raise _refuse(
            _("%(step)s只能在“%(needed)s”阶段办理，当前为“%(stage)s”")
            % {
                "step": step_label(number),
                "needed": STAGE_LABELS[stage_needed],
                "stage": STAGE_LABELS.get(state.stage, state.stage),
            },
            spec.source,
        )

    replaces: tuple[int, ...] = ()
    existing = state.latest(number)
    if existing is not None and not spec.periodic:
        restart = admission_restart(state, on, cfg) if number in (12, 15) else None
        if number == 15 and restart == REDELIBERATE:
            replaces = (15, 16)
        elif number == 15 and restart == REDO:
            raise _refuse(
                _(
                    "支部大会决议距今已超过 %(months)d 个月未获审批，应重新履行发展手续：请从第12步“支部委员会审查”重新办理"
                )
                % {"months": cfg.redo_months},
                _("本地规定（RULES.md 第54条）"),
            )
        elif number == 12 and restart == REDO:
            replaces = ADMISSION_ROUND
        else:
            raise _refuse(
                _("%(step)s已于 %(day)s 登记，不能重复登记")
                % {"step": step_label(number), "day": _d(existing.date)},
                spec.source,
            )

    requires = spec.requires
    if number == 23 and inp.outcome == CANCEL:
        requires = (17,)  # cancellation may come at any time of probation, without a 转正 application
    for needed in requires:
        if needed in replaces:
            continue
        previous = state.latest(needed)
        if previous is None:
            raise _refuse(
                _("请先完成%(needed)s，再办理%(step)s")
                % {"needed": step_label(needed), "step": step_label(number)},
                STEPS[needed].source,
            )
        if on < previous.date:
            raise _refuse(
                _("%(step)s的日期（%(on)s）不能早于%(needed)s（%(day)s）")
                % {
                    "step": step_label(number),
                    "on": _d(on),
                    "needed": step_label(needed),
                    "day": _d(previous.date),
                },
                spec.source,
                "date",
            )
    if number == 12 and not state.latest(10).passed:
        raise _refuse(_("政治审查未通过，不能发展"), STEPS[10].source)
    if number == 22 and state.extended and state.extended_on and on < state.extended_on:
        raise _refuse(_("转正申请应在延长预备期获批之后提出"), STEPS[22].source, "date")

    late, closes = False, ()
    if number == 3:
        earliest = activist_earliest(state.applied_on, cfg.application_to_activist_months)
        if on < earliest:
            raise _refuse(
                _("递交入党申请书满 %(months)d 个月后才能确定为入党积极分子，最早 %(day)s")
                % {"months": cfg.application_to_activist_months, "day": _d(earliest)},
                _("本地规定（RULES.md 第40条）"),
                "date",
            )
    elif number == 6 and state.activist_on and on < state.activist_on:
        raise _refuse(_("考察日期不能早于确定为入党积极分子的日期"), spec.source, "date")
    elif number == 7 and not activist_year_complete(state.activist_on, on):
        raise _refuse(
            _(
                "入党积极分子经过一年以上培养教育和考察后，才能确定为发展对象：%(start)s 确定为积极分子，最早 %(day)s"
            )
            % {"start": _d(state.activist_on), "day": _d(candidate_earliest(state.activist_on))},
            spec.source,
            "date",
        )
    elif number == 13:
        review = state.latest(12)
        if inp.notice_starts_on is None:
            raise StepRefused(_("请填写发展对象公示的开始日期"), "", "notice_starts_on")
        if inp.notice_starts_on < review.date:
            raise StepRefused(
                _("公示应在支部委员会审查（%(day)s）之后开始") % {"day": _d(review.date)},
                "",
                "notice_starts_on",
            )
    elif number == 15:
        if state.notice_ends_on is None:
            raise _refuse(_("发展对象须经公示后才能提交支部大会讨论，请在第13步登记公示"), STEPS[13].source)
        if not notice_over(state.notice_ends_on, on):
            raise _refuse(
                _("发展对象公示期至 %(day)s 结束，公示期满后才能提交支部大会讨论")
                % {"day": _d(state.notice_ends_on)},
                _("本地规定（RULES.md 第50条）"),
                "date",
            )
    elif number == 16:
        vote = state.latest(15)
        submitted = inp.submitted_on
        if submitted is None:
            raise StepRefused(_("请填写支部大会决议报送上级党委的日期"), "", "submitted_on")
        if submitted < vote.date or submitted > on:
            raise StepRefused(
                _("报送日期应在支部大会（%(vote)s）之后、谈话（%(on)s）之前")
                % {"vote": _d(vote.date), "on": _d(on)},
                "",
                "submitted_on",
            )
        outcome = resubmission(vote.date, submitted, cfg.redeliberate_months, cfg.redo_months)
        if outcome == REDELIBERATE:
            raise _refuse(
                _("支部大会决议超过 %(months)d 个月才报上级党委，应重新提交支部大会讨论（第15步）")
                % {"months": cfg.redeliberate_months},
                _("本地规定（RULES.md 第54条）"),
            )
        if outcome == REDO:
            raise _refuse(
                _("支部大会决议超过 %(months)d 个月才报上级党委，应重新履行发展手续（从第12步重新办理）")
                % {"months": cfg.redo_months},
                _("本地规定（RULES.md 第54条）"),
            )
    elif number == 17:
        vote = state.latest(15)
        timing = approval_timing(vote.date, on)
        if timing == TOO_LATE:
            raise _refuse(
                _(
                    "支部大会通过后超过 6 个月不能再审批（支部大会 %(vote)s，最迟 %(last)s），应重新提交支部大会讨论"
                )
                % {"vote": _d(vote.date), "last": _d(add_months(vote.date, APPROVAL_MAX_MONTHS))},
                spec.source,
                "date",
            )
        if timing == SPECIAL:
            if not inp.reason.strip():
                raise _refuse(
                    _(
                        "基层党委应在支部大会通过后 3 个月内审批（%(last)s 前）；特殊情况可延长至 6 个月，须说明原因"
                    )
                    % {"last": _d(add_months(vote.date, APPROVAL_MONTHS))},
                    spec.source,
                    "reason",
                )
            late = True
    elif number == 23:
        if inp.outcome not in OUTCOMES:
            raise StepRefused(_("请选择讨论结果：转为正式党员、延长预备期或取消预备党员资格"), "", "outcome")
        if inp.outcome in (CONFIRM, EXTEND) and not conversion_discussable(state.probation_ends_on, on):
            raise _refuse(
                _("预备期 %(end)s 届满，届满前不能讨论转正或延长预备期")
                % {"end": _d(state.probation_ends_on)},
                _("细则 第32条"),
                "date",
            )
        if inp.outcome == EXTEND:
            problem = extension_problem(inp.extension_months, state.extended)
            if problem:
                raise StepRefused(problem, str(_("党章 第7条")), "extension_months")
    elif number == 24:
        decided = state.latest(23)
        if inp.outcome and inp.outcome != decided.outcome:
            raise StepRefused(
                _("审批的事项应与支部大会的决议一致（%(outcome)s）") % {"outcome": OUTCOMES[decided.outcome]},
                "",
                "outcome",
            )
        if conversion_approval_timing(decided.date, on) == TOO_LATE:
            if not inp.reason.strip():
                raise _refuse(
                    _("上级党委应在支部大会讨论后 3 个月内审批（%(last)s 前）；已逾期，请填写逾期原因")
                    % {"last": _d(add_months(decided.date, CONVERSION_APPROVAL_MONTHS))},
                    spec.source,
                    "reason",
                )
            late = True
        if decided.outcome == EXTEND:
            closes = CONVERSION_ROUND
    elif number == 25:
        decided = state.latest(24)
        if decided.outcome != CONFIRM:
            raise _refuse(_("转正获批后才能归档"), spec.source)
    return Placement(replaces=replaces, closes=closes, late=late)


def allowed_steps(state: CaseState, on: dt.date, cfg: Config) -> list[int]:
    """The steps that could be recorded on `on` as far as order and dates go (for pages and the API)."""
    allowed = []
    for number in range(2, LAST_STEP + 1):
        outcomes = [CONFIRM, CANCEL] if number == 23 else [""]
        for outcome in outcomes:
            try:
                check_step(
                    state,
                    StepInput(
                        number,
                        on,
                        outcome=outcome,
                        submitted_on=on if number == 16 else None,
                        notice_starts_on=on if number == 13 else None,
                        reason="*",
                        extension_months=EXTENSION_MIN_MONTHS,
                    ),
                    cfg,
                )
            except StepRefused:
                continue
            allowed.append(number)
            break
    return allowed
