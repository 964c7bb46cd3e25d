"""The whole way from application to archive through the services, and what each outcome does to the member record."""

import datetime as dt

import pytest

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, StatusChange
from dangjian.recruitment import rules
from dangjian.recruitment.models import CaseStep, DevelopmentCase

from ._flow import TIMETABLE

pytestmark = pytest.mark.django_db


def test_a_case_goes_from_application_to_archive_and_the_person_becomes_a_full_member(flow):
    """GIVEN an application WHEN every step is recorded in time THEN the person is a full member whose
    党龄 counts from the end of probation, one year after the 支部大会 vote."""
    case = flow.new_case(
        person_name="张小明", education="21", occupation="02", work_unit="甲村", phone="13900001111"
    )
    assert case.stage == "applicant" and case.steps.get().step == 1
    case = flow.to(case, 3)
    assert (case.stage, case.activist_on) == ("activist", TIMETABLE[3])
    for number in range(4, 8):
        case = flow.step(case, number)
    assert (case.stage, case.candidate_on) == ("candidate", TIMETABLE[7])
    for number in range(8, 14):
        case = flow.step(case, number)
    assert (case.notice_starts_on, case.notice_ends_on) == (dt.date(2025, 5, 12), dt.date(2025, 5, 16))
    for number in range(14, 18):
        case = flow.step(case, number)
    case.refresh_from_db()
    member = case.member
    assert case.stage == "probationary"
    assert case.admitted_on == TIMETABLE[15] and case.probation_ends_on == dt.date(2026, 5, 20)
    assert (member.category, member.joined_on, member.org_id) == ("probationary", TIMETABLE[15], case.org_id)
    assert (member.name, member.id_number, member.phone) == ("张小明", case.id_number, "13900001111")
    assert (member.education, member.occupation, member.work_unit) == ("21", "02", "甲村")
    approval = case.steps.get(step=17)
    assert approval.decided_by == flow.county.town_a
    assert approval.details["probation_starts_on"] == "2025-05-20"
    assert approval.details["probation_ends_on"] == "2026-05-20"
    for number in range(18, 26):
        case = flow.step(case, number)
    case.refresh_from_db()
    member = Member.objects.get(pk=case.member_id)
    assert case.stage == "full" and case.converted_on == dt.date(2026, 5, 20)
    assert (member.category, member.converted_on) == ("full", dt.date(2026, 5, 20))
    assert rules.party_age(member.converted_on, dt.date(2027, 5, 19)) == 0
    assert rules.party_age(member.converted_on, dt.date(2027, 5, 20)) == 1
    assert sorted(set(case.steps.values_list("step", flat=True))) == list(range(1, 26))


def test_conversion_approved_late_still_dates_from_the_end_of_probation(flow):
    """党章 第7条 and 共产党员网 Q&A: the organization's delay does not cost the member 党龄."""
    case = flow.to(flow.new_case(), 23)
    late = dt.date(2026, 9, 30)  # more than three months after the vote of 20 May 2026
    case = flow.step(case, 24, late, reason="党委会议推迟")
    member = Member.objects.get(pk=case.member_id)
    assert member.converted_on == dt.date(2026, 5, 20) and case.converted_on == dt.date(2026, 5, 20)
    assert case.steps.get(step=24).late is True
    assert rules.party_age(member.converted_on, dt.date(2027, 5, 20)) == 1


def test_late_conversion_approval_without_a_reason_is_refused(flow):
    from dangjian.core.errors import TransitionNotAllowed

    case = flow.to(flow.new_case(), 23)
    with pytest.raises(TransitionNotAllowed, match="逾期原因"):
        flow.step(case, 24, dt.date(2026, 8, 21))
    flow.step(case, 24, dt.date(2026, 8, 20))  # exactly three months: in time
    assert Member.objects.get(pk=case.member_id).category == "full"


def test_extension_moves_probation_on_and_conversion_comes_after_it(flow):
    """Step 23 extend (6–12 months) approved at 24: probation ends later; 22–24 are done again; a second
    extension is refused (党章 第7条)."""
    case = flow.to(flow.new_case(), 22)
    meeting = flow.assembly(TIMETABLE[23])
    case = flow.step(case, 23, meeting=meeting, yes=9, outcome="extend", extension_months=6)
    case = flow.step(case, 24)
    case.refresh_from_db()
    assert case.extended and case.extension_months == 6
    assert case.probation_ends_on == dt.date(2026, 11, 20)
    assert case.stage == "probationary"
    assert Member.objects.get(pk=case.member_id).category == "probationary"
    assert not CaseStep.objects.filter(case=case, step__in=[22, 23, 24], current=True).exists()
    assert CaseStep.objects.filter(case=case, step__in=[22, 23, 24], current=False).count() == 3

    from dangjian.core.errors import TransitionNotAllowed

    case = flow.step(case, 22, dt.date(2026, 11, 1))
    second = flow.assembly(dt.date(2026, 11, 20))
    with pytest.raises(TransitionNotAllowed, match="只能延长一次"):
        flow.step(
            case, 23, meeting=second, yes=9, outcome="extend", extension_months=6, on=dt.date(2026, 11, 20)
        )
    case = flow.step(case, 23, dt.date(2026, 11, 20), meeting=second, yes=9, outcome="confirm")
    case = flow.step(case, 24, dt.date(2026, 12, 1))
    member = Member.objects.get(pk=case.member_id)
    assert (member.category, member.converted_on) == ("full", dt.date(2026, 11, 20))


def test_cancellation_ends_the_case_and_keeps_the_members_history(flow):
    """Cancel at 23 + approval at 24: the member leaves with 取消预备党员资格; the record stays (probationary, left)."""
    case = flow.to(flow.new_case(), 21)
    meeting = flow.assembly(dt.date(2026, 1, 15))  # before probation ends: cancellation may come at any time
    case = flow.step(case, 23, dt.date(2026, 1, 15), meeting=meeting, yes=9, outcome="cancel")
    case = flow.step(case, 24, dt.date(2026, 2, 1))
    case.refresh_from_db()
    member = Member.objects.get(pk=case.member_id)
    assert (case.stage, case.closed_on) == ("cancelled", dt.date(2026, 2, 1))
    assert (member.status, member.category, member.joined_on) == ("left", "probationary", TIMETABLE[15])
    change = StatusChange.objects.get(member=member)
    assert (change.kind, change.exit_kind, change.effective_on) == (
        "leave",
        "probation_cancelled",
        dt.date(2026, 2, 1),
    )
    assert change.approved_by == flow.county.town_a.name
    assert DevelopmentCase.objects.filter(pk=case.pk).exists()


def test_every_step_is_audited_once_on_the_case(flow):
    case = flow.to(flow.new_case(), 10)
    entries = AuditEntry.objects.filter(object_type="recruitment.developmentcase", object_id=str(case.pk))
    assert entries.count() == 10  # the application, then steps 2–10
    assert "第10步" in entries.order_by("-id").first().summary
    assert case.id_number not in str(list(entries.values_list("before", "after")))
