"""The Word documents of member development, filled from `doc_templates/*.docx` with docxtpl.

- 发展党员工作全程纪实表 (`record`): the person and every step with its date, people, bodies and votes;
- 谈话记录 (`talk`, step 2; `committee_talk`, step 16);
- 入党积极分子备案报告 (`activist_filing`, step 4) and 发展对象备案报告 (`candidate_filing`, step 8);
- 发展对象公示 (`notice`, step 13; one candidate, or every candidate of a branch noticed on a day);
- 支部大会决议 (`resolution`, step 15: 接收预备党员; `conversion_resolution`, step 23);
- 审批意见 (`approval`, step 17, with the probation's start and end; `conversion_approval`, step 24).

Each document is a plain-value context (`context_for`) that feeds both the .docx and the print-friendly
page, so the two never disagree. A county may replace a template, keeping its `{{ … }}` fields (listed in
`doc_templates/build_templates.py`). No document carries the full ID number or the phone.
"""

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rules, selectors
from .conf import rule_config
from .models import CaseStep, DevelopmentCase, PersonRole

TEMPLATES = Path(__file__).resolve().parent / "doc_templates"


@dataclass(frozen=True)
class Document:
    kind: str
    title: str  # lazily translated
    template: str  # file name under doc_templates/ (also the print page's name)
    step: int | None  # the step whose current record the document reports (None: the whole case)


DOCUMENTS = {
    d.kind: d
    for d in (
        Document("record", gettext_lazy("发展党员工作全程纪实表"), "process_record", None),
        Document("talk", gettext_lazy("谈话记录"), "talk_record", 2),
        Document("activist_filing", gettext_lazy("入党积极分子备案报告"), "filing_report", 4),
        Document("candidate_filing", gettext_lazy("发展对象备案报告"), "filing_report", 8),
        Document("notice", gettext_lazy("发展对象公示"), "public_notice", 13),
        Document("resolution", gettext_lazy("支部大会决议"), "assembly_resolution", 15),
        Document("committee_talk", gettext_lazy("党委派人谈话记录"), "talk_record", 16),
        Document("approval", gettext_lazy("审批意见"), "approval", 17),
        Document("conversion_resolution", gettext_lazy("转正决议"), "assembly_resolution", 23),
        Document("conversion_approval", gettext_lazy("转正审批意见"), "approval", 24),
    )
}
DOCUMENTS_OF_STEP = {d.step: d for d in DOCUMENTS.values() if d.step is not None}


def chinese_date(value: dt.date | None) -> str:
    if not value:
        return ""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}


def _month(value: dt.date | None) -> str:
    return _("%(y)d年%(m)d月") % {"y": value.year, "m": value.month} if value else ""


def _iso(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def available(case: DevelopmentCase, recorded_steps: set[int]) -> list[Document]:
    """The documents a case can produce now: the process record, and one per recorded step that has one."""
    return [d for d in DOCUMENTS.values() if d.step is None or d.step in recorded_steps]


def _record_or_404(case: DevelopmentCase, step: int) -> CaseStep:
    record = (
        CaseStep.objects.filter(case=case, step=step, current=True)
        .select_related("decided_by", "vote", "meeting", "created_by")
        .prefetch_related("people")
        .order_by("-date", "-id")
        .first()
    )
    if record is None:
        raise Http404(_("%(step)s尚未登记，还不能生成该文书") % {"step": rules.step_label(step)})
    return record


def _people(record: CaseStep | None, role: str) -> list[str]:
    if record is None:
        return []
    return [p.name for p in record.people.all() if p.role == role]


def person(case: DevelopmentCase) -> dict:
    """The person's particulars as they appear on every form."""
    return {
        "name": case.person_name,
        "gender": case.get_gender_display(),
        "birth": _month(case.birth_date),
        "ethnicity": _(case.get_ethnicity_display()),  # code tables: marked with gettext_noop
        "education": _(case.get_education_display()) if case.education else "",
        "occupation": _(case.get_occupation_display()) if case.occupation else "",
        "work_unit": case.work_unit,
        "org_name": case.org.name,
        "applied_on": chinese_date(case.applied_on),
        "activist_on": chinese_date(case.activist_on),
        "candidate_on": chinese_date(case.candidate_on),
        "admitted_on": chinese_date(case.admitted_on),
        "probation_ends_on": chinese_date(case.probation_ends_on),
        "converted_on": chinese_date(case.converted_on),
        "stage": str(rules.STAGE_LABELS.get(case.stage, case.stage)),
    }


def vote_text(vote) -> dict:
    """A 支部大会 vote's figures and outcome as the resolution and the process record state them."""
    if vote is None:
        return {}
    written = vote.written_yes + vote.written_no
    return {
        "eligible": vote.eligible,
        "should_attend": vote.should_attend,
        "present": vote.present,
        "yes": vote.yes,
        "no": vote.no,
        "abstain": vote.abstain,
        "written_yes": vote.written_yes,
        "written_no": vote.written_no,
        "written": written,
        "yes_total": vote.yes + vote.written_yes,
        "outcome": _("通过") if vote.passed else (_("未通过") if vote.quorum_met else _("不足法定人数")),
        "reasons": _("；").join(vote.reasons),
        "summary": _(
            "有表决权的正式党员 %(eligible)d 名，应到会 %(should)d 名，实到会 %(present)d 名；"
            "赞成 %(yes)d 票，反对 %(no)d 票，弃权 %(abstain)d 票"
        )
        % {
            "eligible": vote.eligible,
            "should": vote.should_attend,
            "present": vote.present,
            "yes": vote.yes + vote.written_yes,
            "no": vote.no + vote.written_no,
            "abstain": vote.abstain,
        }
        + (_("（含未到会党员书面意见 %(n)d 份）") % {"n": written} if written else ""),
    }


def _step_people(record: CaseStep) -> str:
    parts = []
    for role, label in PersonRole.choices:
        names = _people(record, role)
        if names:
            parts.append(f"{label}：{'、'.join(names)}")
    return _("；").join(parts)


def _step_body(record: CaseStep) -> str:
    parts = []
    if record.body:
        parts.append(record.get_body_display())
    if record.decided_by_id and (record.step in rules.COMMITTEE_STEPS or record.step in (4, 8, 11)):
        parts.append(record.decided_by.name)
    if record.meeting_id:
        parts.append(
            _("%(day)s %(kind)s")
            % {"day": chinese_date(record.meeting.held_on), "kind": record.meeting.get_kind_display()}
        )
    return _("；").join(parts)


def _step_facts(record: CaseStep) -> str:
    """What a step record says besides date, body and people: vote, outcome, training, notice, notes."""
    details = record.details or {}
    parts = []
    if record.vote_id:
        parts.append(vote_text(record.vote)["summary"])
    if record.outcome:
        parts.append(str(rules.OUTCOMES.get(record.outcome, record.outcome)))
    if details.get("extension_months"):
        parts.append(_("延长预备期 %(n)s 个月") % {"n": details["extension_months"]})
    if record.step == 10:
        parts.append(_("审查合格") if details.get("passed", True) else _("审查不合格"))
        if details.get("conclusion"):
            parts.append(details["conclusion"])
    if record.step == 11:
        parts.append(
            _("培训 %(days)s 天、%(hours)s 学时")
            % {"days": details.get("days", 0), "hours": details.get("hours", 0)}
        )
    if details.get("notice_starts_on"):
        parts.append(
            _("公示 %(start)s 至 %(end)s")
            % {
                "start": chinese_date(_iso(details.get("notice_starts_on"))),
                "end": chinese_date(_iso(details.get("notice_ends_on"))),
            }
        )
    if details.get("probation_starts_on"):
        parts.append(
            _("预备期 %(start)s 至 %(end)s")
            % {
                "start": chinese_date(_iso(details["probation_starts_on"])),
                "end": chinese_date(_iso(details.get("probation_ends_on"))),
            }
        )
    if details.get("decision_ref"):
        parts.append(_("文号：%(ref)s") % {"ref": details["decision_ref"]})
    if details.get("reason"):
        parts.append(_("逾期原因：%(reason)s") % {"reason": details["reason"]})
    if record.late:
        parts.append(_("逾期办理"))
    if record.notes:
        parts.append(record.notes)
    if not record.current:
        parts.append(_("（此记录已被重新办理的记录取代）"))
    return _("；").join(parts)


def record_context(case: DevelopmentCase) -> dict:
    """发展党员工作全程纪实表: the person, then each of the 25 steps with every record it has."""
    records = selectors.case_steps(case)
    by_step: dict[int, list[CaseStep]] = {}
    for record in records:
        by_step.setdefault(record.step, []).append(record)
    rows = []
    for number, spec in rules.STEPS.items():
        found = by_step.get(number) or [None]
        for record in found:
            rows.append(
                {
                    "number": number,
                    "phase": spec.phase_title,
                    "title": str(spec.title),
                    "source": str(spec.source),
                    "date": chinese_date(record.date) if record else "",
                    "body": _step_body(record) if record else "",
                    "people": _step_people(record) if record else "",
                    "facts": _step_facts(record) if record else _("未办理"),
                }
            )
    return {
        "title": str(DOCUMENTS["record"].title),
        **person(case),
        "extended": _("是（%(n)s 个月）") % {"n": case.extension_months} if case.extended else _("否"),
        "closed": (
            _("%(day)s 终止：%(reason)s") % {"day": chinese_date(case.closed_on), "reason": case.close_reason}
            if case.closed_on
            else ""
        ),
        "steps": rows,
        "printed_on": chinese_date(timezone.localdate()),
    }


def talk_context(case: DevelopmentCase, record: CaseStep) -> dict:
    committee = record.step == 16
    role = PersonRole.INTERVIEWER if committee else PersonRole.TALKER
    return {
        "title": _("党委派人谈话记录") if committee else _("入党申请人谈话记录"),
        **person(case),
        "talk_date": chinese_date(record.date),
        "talker": "、".join(_people(record, role)) or (record.details or {}).get("talker_name", ""),
        "talker_label": _("谈话的党委委员或组织员") if committee else _("谈话人"),
        "purpose": (
            _("受%(org)s委派，在审批前同发展对象谈话，了解其入党动机和对党的认识（细则 第23条）")
            % {"org": record.decided_by.name if record.decided_by_id else _("上级党委")}
            if committee
            else _("收到入党申请书后一个月内派人同入党申请人谈话，了解基本情况（细则 第7条）")
        ),
        "content": record.notes or _("（谈话内容未登记）"),
        "printed_on": chinese_date(timezone.localdate()),
    }


def filing_context(case: DevelopmentCase, record: CaseStep) -> dict:
    activist = record.step == 4
    decision = selectors_current(case, 3 if activist else 7)
    mentors = _people(selectors_current(case, 5), PersonRole.MENTOR)
    sponsors = _people(selectors_current(case, 9), PersonRole.SPONSOR)
    body = decision.get_body_display() if decision and decision.body else _("支委会")
    what = _("入党积极分子") if activist else _("发展对象")
    return {
        "title": _("关于确定%(name)s同志为%(what)s的备案报告") % {"name": case.person_name, "what": what},
        **person(case),
        "to": record.decided_by.name if record.decided_by_id else _("上级党委"),
        "what": what,
        "decided_on": chinese_date(decision.date) if decision else "",
        "body": body,
        "text": _("%(org)s%(body)s于 %(day)s 研究，确定%(name)s同志为%(what)s。现将有关情况报上，请予备案。")
        % {
            "org": case.org.name,
            "body": body,
            "day": chinese_date(decision.date) if decision else "",
            "name": case.person_name,
            "what": what,
        },
        "mentors": "、".join(mentors),
        "sponsors": "、".join(sponsors),
        "decision_ref": (record.details or {}).get("decision_ref", ""),
        "report_date": chinese_date(record.date),
        "source": str(rules.STEPS[record.step].source),
        "printed_on": chinese_date(timezone.localdate()),
    }


def selectors_current(case: DevelopmentCase, step: int) -> CaseStep | None:
    return (
        CaseStep.objects.filter(case=case, step=step, current=True)
        .select_related("decided_by", "vote", "meeting")
        .prefetch_related("people")
        .order_by("-date", "-id")
        .first()
    )


def _candidate_row(case: DevelopmentCase) -> dict:
    return {**person(case), "sponsors": "、".join(_people(selectors_current(case, 9), PersonRole.SPONSOR))}


def notice_context(cases: list[DevelopmentCase], *, branch=None) -> dict:
    """发展对象公示 for one candidate or for every candidate of a branch noticed together."""
    if not cases:
        raise Http404(_("没有正在公示的发展对象"))
    first = cases[0]
    branch = branch or first.org
    pre_review = selectors_current(first, 13)
    committee = (
        pre_review.decided_by if pre_review and pre_review.decided_by_id else selectors.approving_org(branch)
    )
    names = "、".join(c.person_name for c in cases)
    start, end = first.notice_starts_on, first.notice_ends_on
    days = rule_config().notice_working_days
    return {
        "title": _("关于%(names)s同志拟发展为中共预备党员的公示")
        % {
            "names": names
            if len(cases) <= 3
            else _("%(first)s等%(n)d名") % {"first": first.person_name, "n": len(cases)}
        },
        "org_name": branch.name,
        "committee": committee.name if committee else "",
        "candidates": [_candidate_row(c) for c in cases],
        "count": len(cases),
        "starts_on": chinese_date(start),
        "ends_on": chinese_date(end),
        "working_days": days,
        "text": _(
            "根据《中国共产党发展党员工作细则》有关规定，经党支部委员会审查、上级党委预审，拟将下列同志"
            "作为预备党员发展对象，现予以公示。"
        ),
        "period": _("公示时间：%(start)s 至 %(end)s（%(n)d 个工作日）。")
        % {"start": chinese_date(start), "end": chinese_date(end), "n": days},
        "contact": _(
            "公示期间，党员和群众可以通过来电、来信、来访等方式，向%(branch)s或%(committee)s反映公示对象"
            "在政治、思想、工作、作风等方面的情况和问题。反映情况要实事求是，以个人名义反映的请署真实姓名。"
        )
        % {"branch": branch.name, "committee": committee.name if committee else _("上级党委")},
        "issued_on": chinese_date(start),
        "printed_on": chinese_date(timezone.localdate()),
    }


RESOLUTION_DECISIONS = {
    15: gettext_lazy("支部大会同意接收%(name)s同志为中共预备党员，报上级党委审批。"),
    rules.CONFIRM: gettext_lazy("支部大会同意%(name)s同志按期转为中共正式党员，报上级党委审批。"),
    rules.EXTEND: gettext_lazy("支部大会同意延长%(name)s同志的预备期 %(months)s 个月，报上级党委审批。"),
    rules.CANCEL: gettext_lazy("支部大会同意取消%(name)s同志的预备党员资格，报上级党委审批。"),
}


def resolution_context(case: DevelopmentCase, record: CaseStep) -> dict:
    admission = record.step == 15
    figures = vote_text(record.vote)
    key = 15 if admission else record.outcome
    months = (record.details or {}).get("extension_months", "")
    if admission:
        subject = _("接收%(name)s同志为中共预备党员") % {"name": case.person_name}
    else:
        subject = {
            rules.CONFIRM: _("%(name)s同志转为中共正式党员"),
            rules.EXTEND: _("延长%(name)s同志预备期"),
            rules.CANCEL: _("取消%(name)s同志预备党员资格"),
        }[record.outcome] % {"name": case.person_name}
    sponsors = _people(selectors_current(case, 9), PersonRole.SPONSOR)
    return {
        "title": _("中共%(org)s支部大会关于%(subject)s的决议") % {"org": case.org.name, "subject": subject},
        **person(case),
        "meeting_date": chinese_date(record.date),
        "sponsors": "、".join(sponsors),
        "opening": _("%(day)s，%(org)s召开支部大会，讨论%(subject)s的问题。")
        % {"day": chinese_date(record.date), "org": case.org.name, "subject": subject},
        "figures": figures,
        "tally": _(
            "应到会有表决权的正式党员 %(should)d 名，实到会 %(present)d 名，超过应到会人数的半数，符合规定人数。"
            "经无记名投票表决，赞成 %(yes)d 票，反对 %(no)d 票，弃权 %(abstain)d 票。"
        )
        % {
            "should": figures.get("should_attend", 0),
            "present": figures.get("present", 0),
            "yes": figures.get("yes_total", 0),
            "no": (figures.get("no", 0) + figures.get("written_no", 0)),
            "abstain": figures.get("abstain", 0),
        },
        "written": _("其中未到会党员书面表决 %(n)d 票。") % {"n": figures["written"]}
        if figures.get("written")
        else "",
        "decision": str(RESOLUTION_DECISIONS[key]) % {"name": case.person_name, "months": months},
        "reasons": figures.get("reasons", ""),
        "notes": record.notes,
        "printed_on": chinese_date(timezone.localdate()),
    }


def approval_context(case: DevelopmentCase, record: CaseStep) -> dict:
    admission = record.step == 17
    details = record.details or {}
    vote = selectors_current(case, 15 if admission else 23)
    approver = record.decided_by.name if record.decided_by_id else ""
    if admission:
        start, end = _iso(details.get("probation_starts_on")), _iso(details.get("probation_ends_on"))
        decision = _(
            "同意接收%(name)s同志为中共预备党员，预备期一年，自 %(start)s 起至 %(end)s 止。"
            "党龄从转为正式党员之日算起，党籍和交纳党费自支部大会通过之日起计算。"
        ) % {"name": case.person_name, "start": chinese_date(start), "end": chinese_date(end)}
        subject = _("接收%(name)s同志为中共预备党员") % {"name": case.person_name}
    else:
        start, end = case.admitted_on, case.probation_ends_on
        outcome = record.outcome or (vote.outcome if vote else "")
        if outcome == rules.CONFIRM:
            decision = _("同意%(name)s同志按期转为中共正式党员，党龄自 %(day)s 算起。") % {
                "name": case.person_name,
                "day": chinese_date(_iso(details.get("converted_on")) or case.converted_on),
            }
        elif outcome == rules.EXTEND:
            decision = _("同意延长%(name)s同志的预备期 %(n)s 个月，预备期至 %(end)s 止。") % {
                "name": case.person_name,
                "n": details.get("extension_months", ""),
                "end": chinese_date(_iso(details.get("probation_ends_on"))),
            }
        else:
            decision = _("同意取消%(name)s同志的预备党员资格。") % {"name": case.person_name}
        subject = _("%(name)s同志转正") % {"name": case.person_name}
    return {
        "title": _("中共%(org)s关于%(subject)s的审批意见") % {"org": approver, "subject": subject},
        **person(case),
        "to": case.org.name,
        "approver": approver,
        "text": _("你支部 %(day)s 支部大会关于%(subject)s的决议收悉。经 %(approved)s 党委会议审议：")
        % {
            "day": chinese_date(vote.date) if vote else "",
            "subject": subject,
            "approved": chinese_date(record.date),
        },
        "decision": decision,
        "probation_starts_on": chinese_date(start),
        "probation_ends_on": chinese_date(end),
        "decision_ref": details.get("decision_ref", ""),
        "approved_on": chinese_date(record.date),
        "late_reason": details.get("reason", ""),
        "printed_on": chinese_date(timezone.localdate()),
    }


def context_for(case: DevelopmentCase, kind: str) -> tuple[Document, dict]:
    """The document `kind` of a case and its context; 404 for an unknown kind or a step not yet recorded."""
    document = DOCUMENTS.get(kind)
    if document is None:
        raise Http404(_("没有这种文书"))
    if document.step is None:
        return document, record_context(case)
    record = _record_or_404(case, document.step)
    if document.template == "talk_record":
        return document, talk_context(case, record)
    if document.template == "filing_report":
        return document, filing_context(case, record)
    if document.template == "public_notice":
        if not case.notice_starts_on:
            raise Http404(_("尚未登记公示"))
        return document, notice_context([case])
    if document.template == "assembly_resolution":
        if record.vote_id is None:
            raise Http404(_("该步骤没有表决记录"))
        return document, resolution_context(case, record)
    return document, approval_context(case, record)


# Long texts are set as docxtpl Listings so that line breaks survive in Word.
MULTILINE = ("content", "reasons", "notes", "text", "decision", "contact")


def render_docx(template: str, context: dict) -> bytes:
    from docxtpl import DocxTemplate, Listing

    values = dict(context)
    for name in MULTILINE:
        if isinstance(values.get(name), str):
            values[name] = Listing(values[name])
    document = DocxTemplate(TEMPLATES / f"{template}.docx")
    document.render(values, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def content_disposition(name: str, fallback: str) -> str:
    return f"attachment; filename=\"{fallback}.docx\"; filename*=UTF-8''{quote(name)}"
