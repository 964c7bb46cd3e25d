"""Recording the steps of a case (2–25), with every rule checked first.

`step_record(*, actor, case, step, date, **details)` locks the case, checks who may act, checks the order
and time rules (`rules.check_step`, 409 with the rule), then the step's own details (422 for bad input, 409
for a rule broken: sponsors, training, the vote, the approving body), writes the record and its effects on
the case, and audits it. Effects:

- step 3 → activist; step 7 → candidate; step 13 starts the public notice;
- steps 15 and 23 record the 支部大会 vote through `orglife.services.vote_record` (a motion that does not
  pass is refused with the vote's reasons, and nothing is kept);
- step 17 creates the probationary member record through `members.services.records.member_create`
  (joined on the vote date, in the branch) and starts probation;
- step 24 approves the 转正 outcome: confirm → full member dated from the end of probation (党章 第7条);
  extend → probation moves on; cancel → the member leaves with a 党籍异动 `probation_cancelled`.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangjian.core import audit, scoping, tree
from dangjian.core.errors import FieldErrors, TransitionNotAllowed, ValidationFailed
from dangjian.members.models import GONE_STATUSES, Category, ExitKind, Member, StatusChangeKind
from dangjian.members.services import records as member_records
from dangjian.members.services import status as member_status
from dangjian.orgs.models import Organization, OrgKind

from .. import rules, selectors
from ..conf import rule_config
from ..models import CaseStep, CaseStepPerson, DevelopmentCase, PersonRole
from .cases import follow_member, lock, require_approver, require_manager, snapshot, today

NOTES_LIMIT = 2000
REF_LIMIT = 100
# Details each step accepts (besides date and notes); anything else is a 422.
ACCEPTED = {
    2: {"talker_name", "talker"},
    3: {"body", "meeting", "recommended_by"},
    4: {"decided_by", "decision_ref"},
    5: {"mentors"},
    6: set(),
    7: {"body", "meeting"},
    8: {"decided_by", "decision_ref"},
    9: {"sponsors"},
    10: {"conclusion", "passed"},
    11: {"days", "hours", "organizer", "certificate_no", "decided_by"},
    12: {"body", "meeting"},
    13: {"decided_by", "decision_ref", "notice_starts_on"},
    14: set(),
    15: {"meeting", "yes", "no", "abstain", "written_yes", "written_no", "excluded"},
    16: {"decided_by", "submitted_on", "interviewer_name", "interviewer"},
    17: {"decided_by", "decision_ref", "reason"},
    18: {"decided_by", "decision_ref"},
    19: {"party_group"},
    20: set(),
    21: set(),
    22: set(),
    23: {
        "meeting",
        "yes",
        "no",
        "abstain",
        "written_yes",
        "written_no",
        "excluded",
        "outcome",
        "extension_months",
    },
    24: {"decided_by", "decision_ref", "reason", "outcome"},
    25: set(),
}
NOTES_REQUIRED = frozenset({6, 21})  # a review without its findings says nothing


@dataclass
class Draft:
    """What one step will write: the record's fields, its people, and what it changes on the case."""

    decided_by: Organization | None = None
    body: str = ""
    outcome: str = ""
    details: dict = field(default_factory=dict)
    meeting: object = None
    vote: object = None
    people: list[tuple[str, Member | None, str]] = field(default_factory=list)  # (role, member, name)
    notice_starts_on: dt.date | None = None


def _day(value: dt.date | None) -> str | None:
    return f"{value:%Y-%m-%d}" if value else None


def _text(details: dict, name: str, limit: int, errors: FieldErrors, *, required: str = "") -> str:
    value = details.get(name) or ""
    if not isinstance(value, str):
        errors.add(name, _("请输入文字"))
        return ""
    value = value.strip()
    if required and not value:
        errors.add(name, required)
    elif len(value) > limit:
        errors.add(name, _("最多 %(n)d 个字") % {"n": limit})
    return value


def _count(details: dict, name: str, errors: FieldErrors) -> int:
    value = details.get(name) or 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        errors.add(name, _("应为不小于 0 的整数"))
        return 0
    return value


def _member_in_scope(actor, member, field_name: str, errors: FieldErrors) -> Member | None:
    if member is None:
        return None
    if not isinstance(member, Member) or not scoping.in_scope(actor, member.org_path):
        errors.add(field_name, _("党员不存在或不在您的管理范围内"))
        return None
    return member


def _people(actor, members, field_name: str, errors: FieldErrors) -> list[Member]:
    if members is not None and not isinstance(members, list | tuple):
        errors.add(field_name, _("应为党员列表"))
        return []
    found = []
    for member in members or []:
        checked = _member_in_scope(actor, member, field_name, errors)
        if checked is not None:
            found.append(checked)
    return found


def _facts(members: list[Member]) -> list[rules.PersonFacts]:
    return [rules.PersonFacts(m.name, m.category, m.status, m.pk) for m in members]


def _above(
    case: DevelopmentCase, org: Organization | None, field_name: str, errors: FieldErrors
) -> Organization | None:
    """A deciding organization named for a step must be above the branch (and exist)."""
    if org is None:
        return None
    if (
        not isinstance(org, Organization)
        or org.pk == case.org_id
        or not tree.is_within(case.org_path, org.path)
    ):
        errors.add(field_name, _("决定机关应为该党支部的上级党组织"))
        return None
    return org


def _branch_meeting(case: DevelopmentCase, meeting, kinds: tuple[str, ...], on: dt.date, errors: FieldErrors):
    """A held meeting of the branch, of one of `kinds`, on the step's date."""
    from dangjian.orglife.models import Meeting, MeetingState

    if meeting is None:
        return None
    if not isinstance(meeting, Meeting) or meeting.org_id != case.org_id:
        errors.add("meeting", _("会议应为本党支部的会议"))
    elif meeting.kind not in kinds:
        errors.add(
            "meeting",
            _("会议类型不符：本步骤应为%(kinds)s") % {"kinds": "、".join(_kind_label(k) for k in kinds)},
        )
    elif meeting.state != MeetingState.HELD:
        errors.add("meeting", _("会议尚未召开或已取消"))
    elif meeting.held_on != on:
        errors.add("date", _("步骤日期应为会议召开日期（%(day)s）") % {"day": _day(meeting.held_on)})
    return meeting


def _kind_label(kind: str) -> str:
    from dangjian.orglife.models import MeetingKind

    return str(MeetingKind(kind).label)


def _check_body(case: DevelopmentCase, details: dict, errors: FieldErrors, draft: Draft, on: dt.date) -> None:
    # 细则 第8条, 第13条, 第19条: the 支委会 decides; a branch without one decides in the 支部大会.
    expected = rules.deciding_body(selectors.has_committee(case.org))
    body = details.get("body") or expected
    if body not in (rules.BODY_COMMITTEE, rules.BODY_ASSEMBLY):
        errors.add("body", _("决定会议应为支委会或支部大会"))
        return
    if body != expected:
        raise TransitionNotAllowed(
            _("本支部%(has)s设支委会，应由%(body)s讨论决定（细则 第8条）")
            % {
                "has": _("已") if expected == rules.BODY_COMMITTEE else _("未"),
                "body": _("支委会") if expected == rules.BODY_COMMITTEE else _("支部大会"),
            }
        )
    draft.body = body
    draft.meeting = _branch_meeting(case, details.get("meeting"), (body,), on, errors)


def _approver(case: DevelopmentCase, details: dict, errors: FieldErrors) -> Organization | None:
    given = _above(case, details.get("decided_by"), "decided_by", errors)
    return given or selectors.approving_org(case.org)


def _vote(
    actor, case: DevelopmentCase, details: dict, on: dt.date, motion: str, errors: FieldErrors, draft: Draft
):
    """The 支部大会 vote on one person (细则 第21条), through organizational life's vote service."""
    from dangjian.orglife import rules as orglife_rules
    from dangjian.orglife.models import MeetingKind
    from dangjian.orglife.services import vote_record

    meeting = details.get("meeting")
    if meeting is None:
        errors.add("meeting", _("请选择讨论此事的支部大会（党员大会）"))
    figures = {
        name: _count(details, name, errors)
        for name in ("yes", "no", "abstain", "written_yes", "written_no", "excluded")
    }
    meeting = _branch_meeting(case, meeting, (MeetingKind.ASSEMBLY,), on, errors)
    errors.raise_if_any()
    vote = vote_record(
        actor=actor,
        meeting=meeting,
        motion=motion,
        subject=case.member,
        subject_name=case.person_name,
        rule=orglife_rules.ASSEMBLY_VOTE,
        **figures,
    )
    if not vote.passed:
        raise TransitionNotAllowed(
            _("支部大会表决未通过，不能登记：") + "；".join(vote.reasons) + _("（细则 第21条）")
        )
    draft.meeting, draft.vote = meeting, vote
    draft.details.update(
        should_attend=vote.should_attend,
        present=vote.present,
        yes=vote.yes + vote.written_yes,
        vote_id=vote.pk,
    )


def _require_authority(approver: Organization | None, case: DevelopmentCase, source: str) -> Organization:
    if approver is None:
        raise TransitionNotAllowed(_("没有可以审批的上级党委（%(source)s）") % {"source": source})
    refusal = selectors.approval_refusal(approver, case.org)
    if refusal:
        raise TransitionNotAllowed(_("“%(org)s”不能审批：%(why)s") % {"org": approver.name, "why": refusal})
    return approver


def _prepare(
    actor, case: DevelopmentCase, number: int, on: dt.date, details: dict, errors: FieldErrors
) -> Draft:
    """The step's own details, checked; raises 422 (bad input) or 409 (a rule) before anything is written."""
    draft = Draft(decided_by=case.org)
    spec = rules.STEPS[number]
    if number == 2:
        draft.details["talker_name"] = _text(details, "talker_name", 50, errors, required=_("请填写谈话人"))
        talker = _member_in_scope(actor, details.get("talker"), "talker", errors)
        draft.people.append((PersonRole.TALKER, talker, draft.details["talker_name"]))
    elif number in rules.BODY_STEPS:
        _check_body(case, details, errors, draft, on)
        if number == 3:
            draft.details["recommended_by"] = _text(details, "recommended_by", 100, errors)
    elif number in (4, 8):
        draft.decided_by = _approver(case, details, errors)
    elif number == 5:
        mentors = _people(actor, details.get("mentors"), "mentors", errors)
        problems = rules.mentor_problems(_facts(mentors))
        if problems and not errors.has("mentors"):
            raise TransitionNotAllowed("；".join(problems) + _("（细则 第9条）"))
        draft.people += [(PersonRole.MENTOR, m, m.name) for m in mentors]
    elif number == 9:
        sponsors = _people(actor, details.get("sponsors"), "sponsors", errors)
        problems = rules.sponsor_problems(_facts(sponsors))
        if problems and not errors.has("sponsors"):
            raise TransitionNotAllowed("；".join(problems) + _("（细则 第14条）"))
        draft.people += [(PersonRole.SPONSOR, m, m.name) for m in sponsors]
    elif number == 10:
        draft.details["conclusion"] = _text(
            details,
            "conclusion",
            NOTES_LIMIT,
            errors,
            required=_("政治审查须形成结论性材料，请填写审查结论（细则 第16条）"),
        )
        passed = details.get("passed", True)
        if not isinstance(passed, bool):
            errors.add("passed", _("请选择审查是否合格"))
        draft.details["passed"] = passed is not False
    elif number == 11:
        days, hours = details.get("days") or 0, details.get("hours") or 0
        for name, value in (("days", days), ("hours", hours)):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value > 1000:
                errors.add(name, _("应为 0 至 1000 之间的数"))
        errors.raise_if_any()
        if not rules.training_sufficient(days, hours):
            raise TransitionNotAllowed(
                _(
                    "集中培训一般不少于 3 天或不少于 24 学时，本次为 %(days)s 天、%(hours)s 学时（细则 第17条）"
                )
                % {"days": days, "hours": hours}
            )
        draft.details.update(
            days=days,
            hours=hours,
            organizer=_text(details, "organizer", 100, errors),
            certificate_no=_text(details, "certificate_no", 50, errors),
        )
        draft.decided_by = _approver(case, details, errors)
    elif number == 13:
        draft.decided_by = _require_authority(_approver(case, details, errors), case, spec.source)
        draft.notice_starts_on = details.get("notice_starts_on")
    elif number == 15:
        _vote(
            actor,
            case,
            details,
            on,
            _("接收%(name)s同志为中共预备党员") % {"name": case.person_name},
            errors,
            draft,
        )
    elif number == 16:
        draft.decided_by = _approver(case, details, errors)
        name = _text(details, "interviewer_name", 50, errors, required=_("请填写谈话的党委委员或组织员"))
        interviewer = _member_in_scope(actor, details.get("interviewer"), "interviewer", errors)
        draft.people.append((PersonRole.INTERVIEWER, interviewer, name))
        draft.details["submitted_on"] = _day(details.get("submitted_on"))
    elif number in (17, 24):
        draft.decided_by = _require_authority(_approver(case, details, errors), case, spec.source)
        draft.details["reason"] = _text(details, "reason", 300, errors)
    elif number == 18:
        approval = (
            CaseStep.objects.filter(case=case, step=17, current=True).select_related("decided_by").first()
        )
        given = _above(case, details.get("decided_by"), "decided_by", errors)
        draft.decided_by = given or (approval.decided_by.parent if approval and approval.decided_by else None)
    elif number == 19:
        group = details.get("party_group")
        if group is not None and (
            not isinstance(group, Organization)
            or group.kind != OrgKind.GROUP
            or group.parent_id != case.org_id
        ):
            errors.add("party_group", _("党小组应为本党支部下设的党小组"))
        draft.details["party_group_id"] = group.pk if isinstance(group, Organization) else None
    elif number == 23:
        outcome = details.get("outcome") or ""
        draft.outcome = outcome
        months = details.get("extension_months")
        if outcome == rules.EXTEND:
            draft.details["extension_months"] = months
        label = {
            rules.CONFIRM: _("%(name)s同志按期转为中共正式党员"),
            rules.EXTEND: _("延长%(name)s同志预备期"),
            rules.CANCEL: _("取消%(name)s同志预备党员资格"),
        }[outcome]
        _vote(actor, case, details, on, label % {"name": case.person_name}, errors, draft)
    if number in (4, 8, 13, 17, 18, 24):
        draft.details["decision_ref"] = _text(details, "decision_ref", REF_LIMIT, errors)
    return draft


@transaction.atomic
def step_record(
    *, actor, case: DevelopmentCase, step: int, date: dt.date, notes: str = "", **details
) -> DevelopmentCase:
    """Record step `step` (2–25) of a case on `date`; returns the case as it stands afterwards.

    409 (`TransitionNotAllowed`, with the rule and its article) for a step out of order or against a rule;
    422 (`ValidationFailed`) for bad input; 403 when the actor's role may not take this step. Steps 13, 16,
    17, 18 and 24 belong to the 基层党委 (county admin or committee officer); the others to the branch.
    """
    if not isinstance(step, int) or isinstance(step, bool) or step not in rules.STEPS:
        raise ValidationFailed.field("step", _("步骤应为 1 至 25 的整数"))
    unknown = set(details) - ACCEPTED.get(step, set())
    if unknown:
        raise ValidationFailed(
            _("第%(n)d步不接受这些信息：%(fields)s") % {"n": step, "fields": "、".join(sorted(unknown))},
            [{"field": name, "message": _("此步骤不使用该项")} for name in sorted(unknown)],
        )
    case = lock(case)
    follow_member(actor, case)
    if step in rules.COMMITTEE_STEPS:
        require_approver(actor, case.org)
    else:
        require_manager(actor, case.org)
    if date is None:
        raise ValidationFailed.field("date", _("请填写日期"))
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ValidationFailed.field("date", _("日期格式应为 YYYY-MM-DD"))
    if date > today():
        raise ValidationFailed.field("date", _("日期不能晚于今天"))
    if not isinstance(notes or "", str):
        raise ValidationFailed.field("notes", _("请输入文字"))
    notes = (notes or "").strip()
    if len(notes) > NOTES_LIMIT:
        raise ValidationFailed.field("notes", _("情况记录最多 %(n)d 字") % {"n": NOTES_LIMIT})
    if step in NOTES_REQUIRED and not notes:
        raise ValidationFailed.field("notes", _("请填写考察情况"))
    outcome = details.get("outcome") or ""
    if step in (23, 24) and (not isinstance(outcome, str) or (outcome and outcome not in rules.OUTCOMES)):
        raise ValidationFailed.field("outcome", _("讨论结果应为 confirm、extend 或 cancel"))
    if step == 23 and outcome not in rules.OUTCOMES:
        raise ValidationFailed.field(
            "outcome", _("请选择讨论结果：转为正式党员、延长预备期或取消预备党员资格")
        )

    cfg = rule_config()
    state = selectors.case_state(case)
    placement = _check(state, step, date, details, cfg)
    errors = FieldErrors()
    draft = _prepare(actor, case, step, date, details, errors)
    errors.raise_if_any()

    before = snapshot(case)
    if placement.replaces:
        CaseStep.objects.filter(case=case, current=True, step__in=placement.replaces).update(current=False)
        if 13 in placement.replaces:
            case.notice_starts_on = case.notice_ends_on = None
    try:
        with transaction.atomic():
            record = CaseStep.objects.create(
                case=case,
                step=step,
                date=date,
                decided_by=draft.decided_by,
                body=draft.body,
                outcome=draft.outcome,
                late=placement.late,
                notes=notes,
                details=draft.details,
                meeting=draft.meeting,
                vote=draft.vote,
                created_by=actor,
            )
    except IntegrityError:  # a concurrent request recorded the same step a moment ago
        raise TransitionNotAllowed(
            _("%(step)s刚刚已由他人登记，请刷新后查看") % {"step": rules.step_label(step)}
        ) from None
    CaseStepPerson.objects.bulk_create(
        [
            CaseStepPerson(step=record, role=role, member=member, name=name)
            for role, member, name in draft.people
        ]
    )
    _apply(actor, case, record, draft, state, cfg)
    if placement.closes:
        CaseStep.objects.filter(case=case, current=True, step__in=placement.closes).update(current=False)
    case.save()
    audit.record(
        actor=actor,
        action="transition",
        obj=case,
        org=case.org,
        summary=_("发展党员：%(name)s %(step)s（%(day)s）")
        % {"name": case.person_name, "step": rules.step_label(step), "day": _day(date)},
        before=before,
        after={
            **snapshot(case),
            "step": step,
            "step_date": date,
            "outcome": draft.outcome,
            "step_id": record.pk,
        },
    )
    return case


def _check(
    state: rules.CaseState, step: int, date: dt.date, details: dict, cfg: rules.Config
) -> rules.Placement:
    months = details.get("extension_months")
    if months is not None and (isinstance(months, bool) or not isinstance(months, int)):
        raise ValidationFailed.field("extension_months", _("延长的月数应为整数"))
    notice = details.get("notice_starts_on")
    submitted = details.get("submitted_on")
    for name, value in (("notice_starts_on", notice), ("submitted_on", submitted)):
        if value is not None and not isinstance(value, dt.date):
            raise ValidationFailed.field(name, _("日期格式应为 YYYY-MM-DD"))
    try:
        return rules.check_step(
            state,
            rules.StepInput(
                step=step,
                on=date,
                outcome=details.get("outcome") or "",
                extension_months=months,
                submitted_on=submitted,
                notice_starts_on=notice,
                reason=(details.get("reason") or "") if isinstance(details.get("reason"), str) else "",
            ),
            cfg,
        )
    except rules.StepRefused as exc:
        if exc.source:
            raise TransitionNotAllowed(
                exc.message, [{"field": exc.field or "step", "message": exc.message}]
            ) from None
        raise ValidationFailed.field(exc.field or "step", exc.message) from None


def _apply(actor, case: DevelopmentCase, record: CaseStep, draft: Draft, state: rules.CaseState, cfg) -> None:
    """What a recorded step changes on the case (and on the member record)."""
    number, on = record.step, record.date
    if number == 3:
        case.stage, case.activist_on = rules.ACTIVIST, on
    elif number == 7:
        case.stage, case.candidate_on = rules.CANDIDATE, on
    elif number == 13:
        start = draft.notice_starts_on
        last = rules.notice_last_day(start, cfg.notice_working_days, cfg.holidays, cfg.extra_workdays)
        case.notice_starts_on, case.notice_ends_on = start, last
        record.details.update(notice_starts_on=_day(start), notice_ends_on=_day(last))
        record.save(update_fields=["details"])
    elif number == 17:
        _admit(actor, case, record)
    elif number == 19 and draft.details.get("party_group_id"):
        group = Organization.objects.get(pk=draft.details["party_group_id"])
        member_records.member_update(actor=actor, member=case.member, party_group=group)
    elif number == 24:
        _decide_conversion(actor, case, record)


def _admit(actor, case: DevelopmentCase, record: CaseStep) -> None:
    """Step 17: probation starts on the 支部大会 date (细则 第32条) and the member record is created."""
    vote_step = CaseStep.objects.filter(case=case, step=15, current=True).order_by("-date").first()
    admitted_on = vote_step.date
    ends_on = rules.probation_end(admitted_on)
    member = member_records.member_create(
        actor=actor,
        org=case.org,
        name=case.person_name,
        id_number=case.id_number,
        category=Category.PROBATIONARY,
        joined_on=admitted_on,
        ethnicity=case.ethnicity,
        education=case.education,
        occupation=case.occupation,
        work_unit=case.work_unit,
        phone=case.phone or "",
    )
    case.stage, case.member = rules.PROBATIONARY, member
    case.admitted_on, case.probation_ends_on = admitted_on, ends_on
    record.details.update(
        probation_starts_on=_day(admitted_on), probation_ends_on=_day(ends_on), member_id=member.pk
    )
    record.save(update_fields=["details"])


def _decide_conversion(actor, case: DevelopmentCase, record: CaseStep) -> None:
    """Step 24: the approved outcome of the 转正 discussion takes effect."""
    decided = CaseStep.objects.filter(case=case, step=23, current=True).order_by("-date").first()
    outcome = decided.outcome
    record.outcome = outcome
    member = Member.objects.select_for_update().get(pk=case.member_id)
    if member.status in GONE_STATUSES:
        raise TransitionNotAllowed(
            _("该党员已%(status)s，不能再审批转正") % {"status": member.get_status_display()}
        )
    if outcome == rules.CONFIRM:
        converted_on = rules.conversion_date(case.probation_ends_on)
        before = audit.snapshot(member, member_records.AUDIT_FIELDS)
        member.category, member.converted_on = Category.FULL, converted_on
        member.save(update_fields=["category", "converted_on", "updated_at"])
        audit.record(
            actor=actor,
            action="update",
            obj=member,
            org=member.org,
            summary=_("预备党员转正：%(name)s，转正日期 %(day)s（党龄自预备期满之日起算）")
            % {"name": member.name, "day": _day(converted_on)},
            before=before,
            after=audit.snapshot(member, member_records.AUDIT_FIELDS),
        )
        case.stage, case.converted_on = rules.FULL, converted_on
        record.details.update(converted_on=_day(converted_on))
    elif outcome == rules.EXTEND:
        months = decided.details["extension_months"]
        case.extended, case.extension_months = True, months
        case.probation_ends_on = rules.probation_end(case.admitted_on, months)
        record.details.update(extension_months=months, probation_ends_on=_day(case.probation_ends_on))
    else:
        member_status.status_change_record(
            actor=actor,
            member=member,
            kind=StatusChangeKind.LEAVE,
            exit_kind=ExitKind.PROBATION_CANCELLED,
            effective_on=record.date,
            reason=_("支部大会 %(vote)s 讨论决定取消预备党员资格，%(org)s批准")
            % {"vote": _day(decided.date), "org": record.decided_by.name},
            approved_by=record.decided_by.name[:100],
            decision_ref=record.details.get("decision_ref", ""),
        )
        case.stage, case.closed_on = rules.CANCELLED, record.date
        case.close_reason = str(rules.OUTCOMES[rules.CANCEL])
    record.save(update_fields=["outcome", "details"])
