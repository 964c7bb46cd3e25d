"""Recording a step (2–25) of a case: the step's own form, what it will compute shown before submitting (the
vote's eligible / should-attend / present, the notice's last working day, the probation's dates), and the
service's answer after.

A step the service refuses shows the rule and its article at the top of the form (409) and changes nothing;
bad input comes back next to its field (422). The 基层党委's steps (13, 16, 17, 18, 24) are for the county
admin and committee officers only (403 for a branch secretary).
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.pages import bound, submit
from dangjian.orglife import rules as orglife_rules
from dangjian.orglife import selectors as orglife_selectors
from dangjian.orglife.models import MeetingKind
from dangjian.orgs.rules import add_months

from . import rules, selectors, selectors_pages, services
from .conf import rule_config
from .documents import DOCUMENTS_OF_STEP
from .forms_steps import MEETING_STEPS, VOTE_FIGURES, StepChoices, StepForm
from .models import DevelopmentCase
from .views_common import case_crumbs


def _choices(user, case: DevelopmentCase, step: int) -> StepChoices:
    choices = StepChoices()
    if step in MEETING_STEPS:
        if step in rules.VOTE_STEPS:
            kinds = (MeetingKind.ASSEMBLY,)
        else:
            kinds = (MeetingKind.COMMITTEE, MeetingKind.ASSEMBLY)
        choices.meetings = selectors_pages.held_meetings(case, kinds)
    if step in rules.BODY_STEPS:
        choices.expected_body = rules.deciding_body(selectors.has_committee(case.org))
    if step in (5, 9):
        choices.full_members = selectors_pages.branch_full_members(case)
    if step == 9:
        mentors = selectors_pages.current_record(case, 5)
        choices.default_people = [p.member for p in mentors.people.all() if p.member_id] if mentors else []
    if step in (2, 16):
        choices.people = selectors_pages.scope_members(user, case)
    if step in (4, 8, 11, 13, 16, 17, 18, 24):
        choices.deciders = selectors_pages.deciders(case)
        if step == 18:
            approval = selectors_pages.current_record(case, 17)
            choices.default_decider = (
                approval.decided_by.parent if approval and approval.decided_by_id else None
            )
        else:
            choices.default_decider = selectors.approving_org(case.org)
    if step == 19:
        choices.groups = selectors_pages.party_groups(case)
    return choices


def _facts(case: DevelopmentCase, step: int, today: dt.date) -> list[tuple[str, str]]:
    """What the platform already knows or will compute for this step, shown above the form."""
    cfg = rule_config()
    facts: list[tuple[str, str]] = []
    spec = rules.STEPS[step]
    facts.append((_("办理主体"), str(rules.DECIDERS[spec.decider])))
    facts.append((_("依据"), str(spec.source)))
    if spec.documents:
        facts.append((_("形成材料"), "、".join(str(d) for d in spec.documents)))
    if step == 2:
        facts.append(
            (_("应谈话日期"), _("%(day)s 前（收到申请一个月内）") % {"day": rules.talk_due(case.applied_on)})
        )
    if step == 7 and case.activist_on:
        facts.append((_("最早可确定为发展对象"), str(rules.candidate_earliest(case.activist_on))))
    if step == 13:
        facts.append(
            (_("公示期"), _("%(n)d 个工作日（本地规定，可在设置中调整）") % {"n": cfg.notice_working_days})
        )
    if step == 15 and case.notice_ends_on:
        facts.append((_("公示结束"), str(case.notice_ends_on)))
    if step in (16, 17):
        vote = selectors_pages.current_record(case, 15)
        if vote:
            facts.append((_("支部大会通过"), str(vote.date)))
            facts.append(
                (
                    _("审批期限"),
                    _("%(in_time)s 前（3 个月）；特殊情况最迟 %(last)s（6 个月）")
                    % {
                        "in_time": add_months(vote.date, rules.APPROVAL_MONTHS),
                        "last": add_months(vote.date, rules.APPROVAL_MAX_MONTHS),
                    },
                )
            )
            if step == 17:
                facts.append(
                    (
                        _("预备期"),
                        _("%(start)s 起至 %(end)s 止（自支部大会通过之日起一年，细则 第32条）")
                        % {"start": vote.date, "end": rules.probation_end(vote.date)},
                    )
                )
    if step == 23 and case.probation_ends_on:
        facts.append((_("预备期满"), str(case.probation_ends_on)))
    if step == 24:
        decided = selectors_pages.current_record(case, 23)
        if decided:
            facts.append((_("支部大会讨论结果"), f"{decided.date} {decided.get_outcome_display()}"))
            facts.append(
                (_("审批期限"), _("%(day)s 前（3 个月，细则 第34条）") % {"day": add_months(decided.date, 3)})
            )
            if decided.outcome == rules.CONFIRM and case.probation_ends_on:
                facts.append(
                    (
                        _("转正日期"),
                        _("%(day)s（预备期满之日，党龄自此算起）") % {"day": case.probation_ends_on},
                    )
                )
    return facts


def _case_and_step(request, pk, step) -> tuple[DevelopmentCase, int]:
    case = selectors.get_case_or_404(request.user, pk)
    if step not in rules.STEPS or step == rules.FIRST_STEP:
        raise Http404(_("没有这个步骤"))
    if step in rules.COMMITTEE_STEPS and not selectors_pages.may_take(request.user, step):
        raise PermissionDenied(_("此步骤由具有审批权限的上级党委办理，党支部不能登记"))
    return case, step


@login_required
def step_record(request, pk, step):
    case, step = _case_and_step(request, pk, step)
    today = timezone.localdate()
    choices = _choices(request.user, case, step)
    initial = {"date": today}
    if step in rules.VOTE_STEPS:
        initial = {}
    form = StepForm(
        bound(request),
        case=case,
        step=step,
        choices=choices,
        initial=initial,
        preview_url=reverse("recruitment:step_preview", args=[case.pk, step]),
    )

    def record(_data):
        return services.step_record(actor=request.user, case=case, step=step, **form.details())

    result, status, refusal = submit(request, form, record)
    if result is not None:
        messages.success(request, _success_message(result, step))
        return redirect(reverse("recruitment:case_detail", args=[case.pk]) + "?tab=steps")
    spec = rules.STEPS[step]
    state = selectors.case_state(case)
    not_now = (
        selectors_pages.step_refusal(state, step, today, rule_config()) if request.method == "GET" else None
    )
    context = {
        "case": case,
        "step": step,
        "spec": spec,
        "form": form,
        "facts": _facts(case, step, today),
        "refusal": refusal,
        "not_now": not_now,
        "vote_step": step in rules.VOTE_STEPS,
        "vote_figures": VOTE_FIGURES if step in rules.VOTE_STEPS else (),
        "figures": _figures(case, form) if step in rules.VOTE_STEPS else None,
        "notice_end": _notice_end(form) if step == 13 else None,
        "document": DOCUMENTS_OF_STEP.get(step),
        "crumbs": case_crumbs(case, (rules.step_label(step), None)),
    }
    return render(request, "recruitment/step_form.html", context, status=status)


def _success_message(case: DevelopmentCase, step: int) -> str:
    label = rules.step_label(step)
    record = selectors_pages.current_record(case, step)
    if step in rules.VOTE_STEPS and record and record.vote_id:
        return _("已登记%(step)s：表决通过。%(reasons)s") % {
            "step": label,
            "reasons": "；".join(record.vote.reasons),
        }
    if step == 13 and case.notice_ends_on:
        return _("已登记%(step)s，公示期 %(start)s 至 %(end)s") % {
            "step": label,
            "start": case.notice_starts_on,
            "end": case.notice_ends_on,
        }
    if step == 17:
        return _("已登记%(step)s：%(name)s为预备党员，预备期 %(start)s 至 %(end)s，党员档案已建立") % {
            "step": label,
            "name": case.person_name,
            "start": case.admitted_on,
            "end": case.probation_ends_on,
        }
    if step == 24 and record:
        return _("已登记%(step)s：%(outcome)s") % {"step": label, "outcome": record.get_outcome_display()}
    return _("已登记%(step)s") % {"step": label}


# --- what the form computes before submitting ----------------------------------------------------------------


def _figures(case: DevelopmentCase, form: StepForm, meeting_id=None, excluded=None) -> dict | None:
    """The vote's figures for the chosen meeting: eligible, should attend, present, and the thresholds."""
    source = form.data if form.is_bound else {}
    meeting_id = meeting_id if meeting_id is not None else source.get("meeting")
    meeting = (
        selectors_pages.branch_meeting(case, meeting_id, (MeetingKind.ASSEMBLY,)) if meeting_id else None
    )
    if meeting is None:
        return None
    shown = orglife_selectors.vote_figures(meeting, orglife_rules.ASSEMBLY_VOTE)
    raw = excluded if excluded is not None else source.get("excluded")
    try:
        excluded_n = max(0, min(int(raw or 0), shown.eligible))
    except (TypeError, ValueError):
        excluded_n = 0
    should = shown.eligible - excluded_n
    return {
        "meeting": meeting,
        "eligible": shown.eligible,
        "excluded": excluded_n,
        "should_attend": should,
        "present": shown.present,
        "absent": should - shown.present if should >= shown.present else 0,
        "quorum_needs": should // 2 + 1,
        "quorum_met": orglife_rules.more_than_half(shown.present, should),
        "yes_needs": should // 2 + 1,
        "voters_present": shown.voters_present,
        "voters_absent": shown.voters_absent,
    }


def _notice_end(form: StepForm, raw=None) -> dict | None:
    source = form.data if form.is_bound else {}
    raw = raw if raw is not None else source.get("notice_starts_on")
    try:
        start = dt.date.fromisoformat(str(raw))
    except (TypeError, ValueError):
        return None
    cfg = rule_config()
    return {
        "start": start,
        "end": rules.notice_last_day(start, cfg.notice_working_days, cfg.holidays, cfg.extra_workdays),
        "days": cfg.notice_working_days,
    }


@login_required
def step_preview(request, pk, step):
    """htmx: the vote figures of the chosen meeting (steps 15, 23) or the notice's last day (step 13)."""
    case, step = _case_and_step(request, pk, step)
    form = StepForm(None, case=case, step=step, choices=StepChoices())
    if step in rules.VOTE_STEPS:
        context = {
            "case": case,
            "figures": _figures(case, form, request.GET.get("meeting") or "", request.GET.get("excluded")),
        }
        return render(request, "recruitment/step_form.html#vote-figures", context)
    if step == 13:
        context = {"notice_end": _notice_end(form, request.GET.get("notice_starts_on"))}
        return render(request, "recruitment/step_form.html#notice-end", context)
    raise Http404(_("此步骤没有预览"))
