"""民主评议党员: the grades of the members rated (优秀 at most a third)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.errors import ValidationFailed
from dangjian.members.models import Member

from .. import rules, selectors
from ..models import (
    AppraisalGrade,
    Meeting,
    MeetingKind,
    MeetingState,
)
from ._common import (
    _check_listable,
    _lock,
    _require_writer,
    _state_refusal,
)

# --- 民主评议 grades -----------------------------------------------------------------------------------------


@transaction.atomic
def grades_set(*, actor, meeting: Meeting, grades: Iterable[dict]) -> list[AppraisalGrade]:
    """The grades of a 民主评议党员 ([{member or member_id, grade, note}]); the list replaces earlier ones.

    优秀 may be given to at most a third of the members rated (中组部 民主评议 guidance, RULES.md 第28条).
    """
    _require_writer(actor, meeting.org)
    meeting = _lock(meeting)
    if meeting.kind != MeetingKind.APPRAISAL:
        raise ValidationFailed.field(
            "meeting",
            _("只有民主评议党员可以登记评议等次，本次是%(kind)s") % {"kind": meeting.get_kind_display()},
        )
    if meeting.state != MeetingState.HELD:
        raise _state_refusal(meeting, _("登记评议等次"))
    parsed, seen = [], set()
    for index, entry in enumerate(grades):
        member = entry.get("member")
        member_id = member.pk if isinstance(member, Member) else entry.get("member_id", member)
        grade = entry.get("grade")
        note = (entry.get("note") or "").strip()
        if not isinstance(member_id, int):
            raise ValidationFailed.field(f"grades.{index}.member_id", _("请指明党员"))
        if grade not in rules.GRADES:
            raise ValidationFailed.field(
                f"grades.{index}.grade", _("评议等次只能是优秀、合格、基本合格或不合格")
            )
        if len(note) > 200:
            raise ValidationFailed.field(f"grades.{index}.note", _("备注最多 200 个字"))
        if member_id in seen:
            raise ValidationFailed.field(f"grades.{index}.member_id", _("同一名党员只能评定一个等次"))
        seen.add(member_id)
        parsed.append((member_id, grade, note))
    already = set(meeting.grades.values_list("member_id", flat=True))
    _check_listable(meeting, seen, "grades", already)
    rated = len(parsed)
    excellent = sum(1 for _m, grade, _n in parsed if grade == AppraisalGrade.Grade.EXCELLENT)
    if not rules.excellent_share_ok(excellent, rated):
        raise ValidationFailed.field(
            "grades",
            _(
                "评定为优秀的党员一般不超过参评党员的三分之一：参评 %(rated)d 人，最多 %(max)d 人，现为 %(n)d 人（中组部民主评议党员指导意见）"
            )
            % {"rated": rated, "max": rated // 3, "n": excellent},
        )
    before = dict(meeting.grades.values_list("member_id", "grade"))
    meeting.grades.exclude(member_id__in=seen).delete()
    existing = {g.member_id: g for g in meeting.grades.all()}
    for member_id, grade, note in parsed:
        row = existing.get(member_id)
        if row is None:
            AppraisalGrade.objects.create(meeting=meeting, member_id=member_id, grade=grade, note=note)
        elif (row.grade, row.note) != (grade, note):
            row.grade, row.note = grade, note
            row.save(update_fields=["grade", "note"])
    tally = {grade: sum(1 for _m, g, _n in parsed if g == grade) for grade in rules.GRADES}
    audit.record(
        actor=actor,
        action="update",
        obj=meeting,
        org=meeting.org,
        summary=_("登记评议等次：优秀 %(e)d 人，合格 %(q)d 人，基本合格 %(b)d 人，不合格 %(u)d 人")
        % {
            "e": tally["excellent"],
            "q": tally["qualified"],
            "b": tally["basically_qualified"],
            "u": tally["unqualified"],
        },
        before={"grades": {str(k): v for k, v in before.items()}},
        after={"grades": {str(m): g for m, g, _n in parsed}},
    )
    return list(selectors.meeting_grades(meeting))
