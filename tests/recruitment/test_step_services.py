"""Recording steps: who may, the details each step needs, votes, authority to approve, re-votes (services)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.orglife.models import Vote
from dangjian.orgs.models import LeadershipPosition
from dangjian.recruitment import selectors, services
from dangjian.recruitment.models import CaseStep, DevelopmentCase

from ..factories import make_member, make_members, make_org
from ._flow import TIMETABLE

pytestmark = pytest.mark.django_db
D = dt.date


def unchanged(case, steps_before, audit_before):
    fresh = DevelopmentCase.objects.get(pk=case.pk)
    assert CaseStep.objects.filter(case=case).count() == steps_before
    assert AuditEntry.objects.count() == audit_before
    return fresh


# --- who may record ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("actor", "allowed"), [("secretary", True), ("officer", True), ("admin", True)])
def test_branch_steps_are_recorded_by_the_branch_or_above(flow, personas, actor, allowed):
    case = flow.to(flow.new_case(), 1)
    flow.step(case, 2, actor=getattr(personas, actor), talker_name="王书记")
    assert case.steps.filter(step=2).exists()


@pytest.mark.parametrize("actor", ["secretary_b", "member", "reviewer"])
def test_others_may_not_record_steps(flow, personas, actor):
    case = flow.to(flow.new_case(), 1)
    with pytest.raises(PermissionDenied):
        flow.step(case, 2, actor=getattr(personas, actor), talker_name="王书记")


@pytest.mark.parametrize("step", [13, 16, 17])
def test_committee_steps_are_not_for_the_branch_secretary(flow, personas, step):
    case = flow.to(flow.new_case(), step - 1)
    with pytest.raises(PermissionDenied, match="上级党委"):
        flow.step(case, step, actor=personas.secretary, **flow.details_for(step, case, TIMETABLE[step]))


# --- input ------------------------------------------------------------------------------------------------------


def test_a_future_date_unknown_details_and_bad_steps_are_422(flow, personas):
    case = flow.to(flow.new_case(), 1)
    flow.at(D(2024, 1, 10))
    for kwargs, field in [
        ({"step": 2, "date": D(2024, 1, 11), "talker_name": "王"}, "date"),
        ({"step": 2, "date": D(2024, 1, 10), "talker_name": "王", "colour": "red"}, "colour"),
        ({"step": 26, "date": D(2024, 1, 10)}, "step"),
        ({"step": 2, "date": D(2024, 1, 10)}, "talker_name"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            services.step_record(actor=personas.secretary, case=case, **kwargs)
        assert any(e["field"] == field for e in caught.value.errors), (kwargs, caught.value.errors)
    assert CaseStep.objects.filter(case=case).count() == 1


def test_a_refused_step_says_the_rule_and_changes_nothing(flow):
    case = flow.to(flow.new_case(), 6)
    steps, audits = CaseStep.objects.filter(case=case).count(), AuditEntry.objects.count()
    with pytest.raises(TransitionNotAllowed) as caught:
        flow.step(case, 7, D(2025, 2, 28))
    assert "细则 第13条" in caught.value.message and "2025-03-01" in caught.value.message
    assert unchanged(case, steps, audits).stage == "activist"


# --- mentors, sponsors, review, training --------------------------------------------------------------------------


def test_mentors_are_one_or_two_full_members_within_reach(flow, county):
    case = flow.to(flow.new_case(), 4)
    probationer = Member.objects.filter(org=county.village_a1, category="probationary").first()
    with pytest.raises(TransitionNotAllowed, match="预备党员，不能担任培养联系人"):
        flow.step(case, 5, mentors=[probationer])
    with pytest.raises(TransitionNotAllowed, match="1 至 2 名"):
        flow.step(case, 5, mentors=flow.voters()[:3])
    with pytest.raises(ValidationFailed):
        flow.step(case, 5, mentors=[Member.objects.filter(org=county.village_b1).first()])
    case = flow.step(case, 5, mentors=flow.voters()[:1])
    person = case.steps.get(step=5).people.get()
    assert (person.role, person.member, person.name) == ("mentor", flow.voters()[0], flow.voters()[0].name)


def test_sponsors_are_two_full_members_in_good_standing(flow, county):
    case = flow.to(flow.new_case(), 8)
    suspended = make_member(county.village_a1, name="停权", status="suspended")
    for sponsors, message in [
        (flow.voters()[:1], "2 名不同的正式党员"),
        ([flow.voters()[0], suspended], "党籍状态不正常"),
    ]:
        with pytest.raises(TransitionNotAllowed, match=message):
            flow.step(case, 9, sponsors=sponsors)
    case = flow.step(case, 9, sponsors=flow.voters()[:2])
    assert case.steps.get(step=9).people.filter(role="sponsor").count() == 2


def test_political_review_needs_a_conclusion_and_a_failed_one_stops_admission(flow):
    case = flow.to(flow.new_case(), 9)
    with pytest.raises(ValidationFailed, match="结论"):
        flow.step(case, 10, conclusion="")
    case = flow.step(case, 10, conclusion="其父有严重问题，不宜发展", passed=False)
    case = flow.step(case, 11)
    with pytest.raises(TransitionNotAllowed, match="政治审查未通过"):
        flow.step(case, 12)


@pytest.mark.parametrize(
    ("details", "ok"),
    [({"days": 2}, False), ({"hours": 23}, False), ({"days": 3}, True), ({"hours": 24}, True)],
)
def test_training_is_at_least_three_days_or_24_hours(flow, details, ok):
    case = flow.to(flow.new_case(), 10)
    if ok:
        flow.step(case, 11, **details)
    else:
        with pytest.raises(TransitionNotAllowed, match="细则 第17条"):
            flow.step(case, 11, **details)


def test_a_branch_with_a_committee_decides_in_the_committee(flow, county):
    for index, member in enumerate(flow.voters()[:3]):
        LeadershipPosition.objects.create(
            org=county.village_a1,
            post="secretary" if index == 0 else "member",
            member=member,
            person_name=member.name,
            started_on=D(2023, 1, 1),
        )
    case = flow.to(flow.new_case(), 2)
    with pytest.raises(TransitionNotAllowed, match="应由支委会"):
        flow.step(case, 3, body="assembly")
    case = flow.step(case, 3, body="")
    assert case.steps.get(step=3).body == "committee"


def test_without_a_committee_the_assembly_decides(flow):
    case = flow.to(flow.new_case(), 3)
    assert case.steps.get(step=3).body == "assembly"


# --- the public notice and the 支部大会 vote ---------------------------------------------------------------------


def test_the_notice_runs_five_working_days_and_the_vote_waits_for_it(flow):
    case = flow.to(flow.new_case(), 12)
    case = flow.step(case, 13, D(2025, 5, 15), notice_starts_on=D(2025, 5, 15))  # a Thursday
    assert (case.notice_starts_on, case.notice_ends_on) == (D(2025, 5, 15), D(2025, 5, 21))
    case = flow.step(case, 14, D(2025, 5, 16))
    meeting = flow.assembly(D(2025, 5, 21))
    with pytest.raises(TransitionNotAllowed, match="公示期满"):
        flow.step(case, 15, D(2025, 5, 21), meeting=meeting, yes=9)
    assert not Vote.objects.exists()
    meeting = flow.assembly(D(2025, 5, 22))
    case = flow.step(case, 15, D(2025, 5, 22), meeting=meeting, yes=9)
    assert case.steps.get(step=15).vote.passed


def test_holidays_from_the_settings_lengthen_the_notice(flow, settings):
    settings.DANGJIAN_RULES = {
        **settings.DANGJIAN_RULES,
        "DEVELOPMENT_HOLIDAYS": ["2025-05-13", "2025-05-14"],
    }
    case = flow.to(flow.new_case(), 13)
    assert case.notice_ends_on == D(2025, 5, 20)


@pytest.mark.parametrize(
    ("present", "yes", "written_yes", "passes"),
    [
        (4, 4, 0, False),  # 4 of 9 present: no quorum
        (5, 5, 0, True),  # 5 of 9 present, 5 yes > 4.5
        (9, 4, 0, False),  # 4 yes of 9 should-attend: not carried
        (5, 3, 2, True),  # absent members' written opinions count (细则 第21条)
        (5, 3, 1, False),
    ],
)
def test_the_admission_vote_through_the_real_vote_function(flow, present, yes, written_yes, passes):
    case = flow.to(flow.new_case(), 14)
    meeting = flow.assembly(TIMETABLE[15], present=present)
    steps, audits = CaseStep.objects.filter(case=case).count(), AuditEntry.objects.count()
    if passes:
        case = flow.step(case, 15, meeting=meeting, yes=yes, written_yes=written_yes)
        record = case.steps.get(step=15)
        assert record.vote.passed and record.vote.subject_name == case.person_name
        assert record.details["should_attend"] == 9 and record.details["present"] == present
    else:
        with pytest.raises(TransitionNotAllowed, match="细则 第21条"):
            flow.step(case, 15, meeting=meeting, yes=yes, written_yes=written_yes)
        assert not Vote.objects.exists()
        unchanged(case, steps, audits)


def test_the_vote_is_taken_at_a_held_assembly_of_the_branch_on_the_steps_date(flow, county, personas):
    from dangjian.orglife import services as orglife_services

    case = flow.to(flow.new_case(), 14)
    elsewhere = flow.assembly(TIMETABLE[15], org=county.village_a2)
    committee = orglife_services.meeting_create(
        actor=personas.secretary, org=county.village_a1, kind="lecture", held_on=TIMETABLE[15], topic="党课"
    )
    other_day = flow.assembly(D(2025, 5, 19))
    for meeting, field in [
        (elsewhere, "meeting"),
        (committee, "meeting"),
        (other_day, "date"),
        (None, "meeting"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            flow.step(case, 15, meeting=meeting, yes=9)
        assert any(e["field"] == field for e in caught.value.errors)


def test_one_vote_serves_one_person(flow):
    first = flow.to(flow.new_case(), 14)
    second = flow.to(flow.new_case(person_name="李四"), 14)
    meeting = flow.assembly(TIMETABLE[15])
    flow.step(first, 15, meeting=meeting, yes=9)
    flow.step(second, 15, meeting=meeting, yes=9)
    votes = list(Vote.objects.filter(meeting=meeting).order_by("id"))
    assert [v.subject_name for v in votes] == ["张小明", "李四"]
    assert {s.vote_id for s in CaseStep.objects.filter(step=15)} == {v.pk for v in votes}


# --- the approving body -------------------------------------------------------------------------------------------


def test_a_township_committee_approves_its_villages(flow, county):
    case = flow.to(flow.new_case(), 17)
    assert case.steps.get(step=17).decided_by == county.town_a


def test_the_county_committee_may_not_approve_a_village_recruit(flow, county, personas):
    case = flow.to(flow.new_case(), 16)
    with pytest.raises(TransitionNotAllowed, match="农村发展党员应由乡镇党委审批"):
        flow.step(case, 17, actor=personas.admin, decided_by=county.root)


def test_a_general_branch_may_not_approve(flow, county, personas):
    general = make_org(name="甲镇机关党总支", kind="general_branch", domain="organ", parent=county.town_a)
    branch = make_org(name="镇政府党支部", kind="branch", domain="organ", parent=general)
    make_members(branch, full=5)
    case = flow.new_case(org=branch)
    case = DevelopmentCase.objects.get(pk=case.pk)
    case = _through_to(flow, case, 16, branch)
    with pytest.raises(TransitionNotAllowed, match="党总支没有审批"):
        flow.step(case, 17, decided_by=general)
    case = flow.step(case, 17)
    assert case.steps.get(step=17).decided_by == county.town_a


def test_a_village_committee_under_a_township_may_not_approve(flow, county):
    village_committee = make_org(name="丁村党委", kind="committee", domain="rural", parent=county.town_a)
    branch = make_org(name="丁村第一党支部", kind="branch", domain="rural", parent=village_committee)
    make_members(branch, full=5)
    case = _through_to(flow, flow.new_case(org=branch), 16, branch)
    with pytest.raises(TransitionNotAllowed, match="没有审批权限"):
        flow.step(case, 17, decided_by=village_committee)
    assert flow.step(case, 17).steps.get(step=17).decided_by == county.town_a


def test_the_approver_must_be_above_the_branch(flow, county, personas):
    case = flow.to(flow.new_case(), 16)
    with pytest.raises(ValidationFailed):
        flow.step(case, 17, actor=personas.admin, decided_by=county.town_b)


def _through_to(flow, case, last, branch):
    """Steps 2..last for a case of another branch (its own members vote and sponsor)."""
    voters = flow.voters(branch)
    for number in range(2, last + 1):
        details = flow.details_for(number, case, TIMETABLE[number])
        if number in (5, 9):
            details = {"mentors" if number == 5 else "sponsors": voters[:2]}
        if number == 15:
            details = {"meeting": flow.assembly(TIMETABLE[15], org=branch), "yes": len(voters)}
        case = flow.step(case, number, **details)
    return case


# --- approval timing, late submission, re-votes --------------------------------------------------------------------


def test_approval_between_three_and_six_months_needs_a_reason(flow):
    case = flow.to(flow.new_case(), 16)
    with pytest.raises(TransitionNotAllowed, match="特殊情况"):
        flow.step(case, 17, D(2025, 9, 1))
    case = flow.step(case, 17, D(2025, 9, 1), reason="党委换届推迟")
    record = case.steps.get(step=17)
    assert record.late and record.details["reason"] == "党委换届推迟"
    assert case.admitted_on == TIMETABLE[15]


def test_a_resolution_sent_up_late_is_voted_again_and_probation_starts_at_the_new_vote(flow):
    case = flow.to(flow.new_case(), 15)
    with pytest.raises(TransitionNotAllowed, match="重新提交支部大会讨论"):
        flow.step(case, 16, D(2025, 9, 1), submitted_on=D(2025, 8, 25), interviewer_name="组织员")
    revote_on = D(2025, 9, 2)
    case = flow.step(case, 15, revote_on, meeting=flow.assembly(revote_on), yes=9)
    assert CaseStep.objects.filter(case=case, step=15).count() == 2
    assert CaseStep.objects.get(case=case, step=15, current=True).date == revote_on
    case = flow.step(case, 16, D(2025, 9, 10), submitted_on=D(2025, 9, 5), interviewer_name="组织员")
    case = flow.step(case, 17, D(2025, 9, 20))
    assert case.admitted_on == revote_on and case.probation_ends_on == D(2026, 9, 2)
    assert case.member.joined_on == revote_on


def test_a_vote_older_than_six_months_restarts_from_the_branch_review(flow):
    case = flow.to(flow.new_case(), 15)
    with pytest.raises(TransitionNotAllowed, match="第12步"):
        flow.step(case, 15, D(2025, 11, 21), meeting=flow.assembly(D(2025, 11, 21)), yes=9)
    case = flow.step(case, 12, D(2025, 11, 21))
    assert set(CaseStep.objects.filter(case=case, current=True).values_list("step", flat=True)) == set(
        range(1, 13)
    )
    assert case.notice_starts_on is None
    case = flow.step(case, 13, D(2025, 11, 24), notice_starts_on=D(2025, 11, 24))
    case = flow.step(case, 14, D(2025, 11, 25))
    case = flow.step(case, 15, D(2025, 12, 2), meeting=flow.assembly(D(2025, 12, 2)), yes=9)
    case = flow.step(case, 16, D(2025, 12, 5), submitted_on=D(2025, 12, 3), interviewer_name="组织员")
    case = flow.step(case, 17, D(2025, 12, 10))
    assert case.admitted_on == D(2025, 12, 2)


def test_approval_creates_no_member_when_the_person_is_already_registered(flow, county):
    case = flow.to(flow.new_case(), 16)
    registered = make_member(county.village_a2, name="张小明", joined_on=D(2020, 1, 1))
    Member.objects.filter(pk=registered.pk).update(id_number=case.id_number, id_hash=case.id_hash)
    with pytest.raises(ValidationFailed, match="已登记"):
        flow.step(case, 17)
    fresh = DevelopmentCase.objects.get(pk=case.pk)
    assert fresh.stage == "candidate" and fresh.member_id is None
    assert not CaseStep.objects.filter(case=case, step=17).exists()


# --- after admission -------------------------------------------------------------------------------------------


def test_placing_in_a_party_group_updates_the_member_record(flow, county):
    case = flow.to(flow.new_case(), 18)
    case = flow.step(case, 19, party_group=county.group_a1)
    assert Member.objects.get(pk=case.member_id).party_group == county.group_a1
    with pytest.raises(ValidationFailed):
        flow.step(flow.to(flow.new_case(person_name="李四"), 18), 19, party_group=county.village_a2)


def test_the_conversion_vote_is_on_the_probationary_member(flow):
    case = flow.to(flow.new_case(), 23)
    vote = case.steps.get(step=23).vote
    assert vote.subject_id == case.member_id and vote.passed


def test_conversion_is_refused_for_a_member_who_has_left_meanwhile(flow, personas):
    from dangjian.members.services import status

    case = flow.to(flow.new_case(), 23)
    flow.at(D(2026, 6, 1))
    status.status_change_record(
        actor=personas.secretary,
        member=case.member,
        kind="death",
        effective_on=D(2026, 5, 30),
        reason="病故",
    )
    with pytest.raises(TransitionNotAllowed, match="去世"):
        flow.step(case, 24)


@pytest.mark.parametrize(
    ("months", "ends_on"), [(5, None), (6, D(2026, 11, 20)), (12, D(2027, 5, 20)), (13, None)]
)
def test_the_extension_voted_is_six_to_twelve_months(flow, months, ends_on):
    case = flow.to(flow.new_case(), 22)
    meeting = flow.assembly(TIMETABLE[23])
    details = {"meeting": meeting, "yes": 9, "outcome": "extend", "extension_months": months}
    if ends_on:
        case = flow.step(case, 23, **details)
        case = flow.step(case, 24)
        assert case.probation_ends_on == ends_on
    else:
        with pytest.raises(TransitionNotAllowed, match="党章 第7条"):
            flow.step(case, 23, **details)
        assert not Vote.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"date": "2024-01-20", "talker_name": "王"}, "date"),
        ({"date": D(2024, 1, 20), "talker_name": 5}, "talker_name"),
        ({"date": D(2024, 1, 20), "talker_name": "王", "notes": ["x"]}, "notes"),
    ],
)
def test_values_of_the_wrong_type_are_422_not_500(flow, personas, kwargs, field):
    case = flow.new_case()
    flow.at(D(2024, 1, 20))
    with pytest.raises(ValidationFailed) as caught:
        services.step_record(actor=personas.secretary, case=case, step=2, **kwargs)
    assert any(e["field"] == field for e in caught.value.errors)


def test_wrong_types_for_people_and_outcome_are_422(flow):
    case = flow.to(flow.new_case(), 4)
    with pytest.raises(ValidationFailed):
        flow.step(case, 5, mentors=flow.voters()[0])
    case = flow.to(flow.new_case(person_name="李四"), 22)
    with pytest.raises(ValidationFailed):
        flow.step(case, 23, meeting=flow.assembly(TIMETABLE[23]), yes=9, outcome=["confirm"])


def test_a_transferred_probationer_takes_the_case_to_the_new_branch(flow, personas, county, client, api_for):
    """GIVEN a probationary member transferred from 甲村 to 丙村 WHEN 丙村 records the next step THEN the case
    moves to 丙村 (audited), 丙村 holds the conversion vote, and 甲村 no longer sees the case."""
    from dangjian.members.services import transfers

    case = flow.to(flow.new_case(), 21)
    flow.at(D(2026, 1, 10))
    letter = transfers.transfer_issue(actor=personas.secretary, member=case.member, to_org=county.village_b1)
    transfers.transfer_receive(actor=personas.secretary_b, transfer=letter)
    assert client.get(f"/api/v1/development/cases/{case.pk}", **api_for("secretary_b")).status_code == 200
    (item,) = selectors.due_within(user=personas.secretary_b, today=D(2026, 5, 1))
    assert item.org_id == county.village_b1.pk and item.code == "conversion"
    case = flow.step(case, 22, D(2026, 5, 6), actor=personas.secretary_b)
    assert case.org == county.village_b1 and case.org_path == county.village_b1.path
    assert AuditEntry.objects.filter(action="move", object_id=str(case.pk)).count() == 1
    assert client.get(f"/api/v1/development/cases/{case.pk}", **api_for("secretary")).status_code == 404
    voters = flow.voters(county.village_b1)
    meeting = flow.assembly(TIMETABLE[23], org=county.village_b1)
    case = flow.step(
        case, 23, actor=personas.secretary_b, meeting=meeting, yes=len(voters), outcome="confirm"
    )
    case = flow.step(case, 24, actor=personas.admin)
    assert case.steps.get(step=24, current=True).decided_by == county.town_b
    assert Member.objects.get(pk=case.member_id).category == "full"
