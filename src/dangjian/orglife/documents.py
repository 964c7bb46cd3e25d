"""The meeting record (会议记录) as Word, filled from `doc_templates/meeting_record.docx` with docxtpl.

A county may replace the template (keeping its `{{ … }}` fields, listed in the build script). The same
context feeds the print-friendly page, so the two never disagree.
"""

import io
from pathlib import Path
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import audit

from . import rules, selectors
from .models import AppraisalGrade, Meeting, MeetingKind, MeetingState

RECORD_TEMPLATE = Path(__file__).resolve().parent / "doc_templates" / "meeting_record.docx"

RULE_LABELS = {
    rules.ASSEMBLY_VOTE: gettext_lazy("党员大会表决"),
    rules.COMMITTEE_VOTE: gettext_lazy("支委会表决"),
    rules.ELECTION_VOTE: gettext_lazy("选举"),
}


def _chinese_date(value) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}


def vote_outcome(vote) -> str:
    if not vote.quorum_met:
        return _("不足法定人数，未能表决")
    return _("通过") if vote.passed else _("未通过")


def record_context(meeting: Meeting) -> dict:
    """Everything the record shows, as plain text values (names joined with 、)."""
    summary = selectors.attendance_summary(meeting)
    votes = selectors.meeting_votes(meeting)
    grades = list(selectors.meeting_grades(meeting)) if meeting.kind == MeetingKind.APPRAISAL else []
    grade_labels = dict(AppraisalGrade.Grade.choices)
    themed = meeting.kind == MeetingKind.THEMED_DAY
    held_as = dict(MeetingKind.choices).get(meeting.held_as, "") if meeting.held_as else ""
    tally = {grade: sum(1 for g in grades if g.grade == grade) for grade in rules.GRADES}
    return {
        "title": _("%(kind)s会议记录") % {"kind": meeting.get_kind_display()},
        "org_name": meeting.org.name,
        "kind_label": meeting.get_kind_display(),
        "state_label": "" if meeting.state == MeetingState.HELD else meeting.get_state_display(),
        "date": _chinese_date(meeting.held_on),
        "ends_on": _chinese_date(meeting.ends_on)
        if meeting.ends_on and meeting.ends_on != meeting.held_on
        else "",
        "time": f"{meeting.starts_at:%H:%M}" if meeting.starts_at else "",
        "place": meeting.place,
        "host": meeting.host,
        "recorder": meeting.recorder,
        "lecturer": meeting.lecturer,
        "hours": f"{meeting.hours.normalize():f}" if meeting.hours else "",
        "held_as_label": held_as,
        "should_attend": summary.should_attend,
        "present_count": len(summary.present),
        "present_names": _("、").join(summary.present),
        "leave_count": len(summary.leave),
        "leave_names": _("、").join(summary.leave),
        "absent_count": len(summary.absent),
        "absent_names": _("、").join(summary.absent),
        "topic": meeting.topic,
        "minutes": meeting.minutes,
        "resolutions": meeting.resolutions or _("无"),
        "themed": themed,
        "themed_done": _("、").join(str(rules.THEMED_DAY_ITEMS[c]) for c in meeting.themed_items or [])
        or _("无"),
        "themed_missing": _("、").join(
            str(rules.THEMED_DAY_ITEMS[c]) for c in rules.themed_day_missing(meeting.themed_items or [])
        ),
        "themed_extra": meeting.themed_extra,
        "votes": [
            {
                "number": index,
                "motion": vote.motion,
                "subject_name": vote.subject_name,
                "rule_label": str(RULE_LABELS.get(vote.rule, vote.rule)),
                "eligible": vote.eligible,
                "should_attend": vote.should_attend,
                "present": vote.present,
                "yes": vote.yes,
                "no": vote.no,
                "abstain": vote.abstain,
                "written_yes": vote.written_yes,
                "written_no": vote.written_no,
                "outcome": vote_outcome(vote),
                "reasons": _("；").join(vote.reasons),
            }
            for index, vote in enumerate(votes, start=1)
        ],
        "grades": [{"name": g.member.name, "grade": grade_labels[g.grade], "note": g.note} for g in grades],
        "grade_summary": _("参评 %(n)d 人：优秀 %(e)d 人，合格 %(q)d 人，基本合格 %(b)d 人，不合格 %(u)d 人")
        % {
            "n": len(grades),
            "e": tally["excellent"],
            "q": tally["qualified"],
            "b": tally["basically_qualified"],
            "u": tally["unqualified"],
        },
        "printed_on": _chinese_date(timezone.localdate()),
    }


def meeting_record_docx(meeting: Meeting) -> bytes:
    from docxtpl import DocxTemplate, Listing

    context = record_context(meeting)
    context["minutes"] = Listing(context["minutes"])
    context["resolutions"] = Listing(context["resolutions"])
    template = DocxTemplate(RECORD_TEMPLATE)
    template.render(context, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def meeting_record_export(*, actor, meeting: Meeting) -> bytes:
    """The record as Word, handed to `actor`: it names who attended, so the download is audited (export)."""
    content = meeting_record_docx(meeting)
    audit.export(
        actor=actor,
        obj=meeting,
        org=meeting.org,
        summary=_("导出会议记录（Word）：%(kind)s“%(topic)s”，列出参会人员 %(n)d 人")
        % {"kind": meeting.get_kind_display(), "topic": meeting.topic[:80], "n": meeting.attendees.count()},
    )
    return content


def filename(meeting: Meeting) -> str:
    return _("%(day)s-%(org)s-%(kind)s会议记录.docx") % {
        "day": f"{meeting.held_on:%Y%m%d}",
        "org": meeting.org.name,
        "kind": meeting.get_kind_display(),
    }


def content_disposition(meeting: Meeting) -> str:
    name = filename(meeting)
    return f"attachment; filename=\"meeting-{meeting.pk}.docx\"; filename*=UTF-8''{quote(name)}"
