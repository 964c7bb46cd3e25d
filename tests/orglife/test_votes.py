"""Votes at a 党员大会 or 支委会: the platform works out who votes, the quorum and the outcome.

甲村党支部 has 9 full members (8 + 李华) and 2 probationary members: 9 have a vote.
"""

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.orglife import rules, selectors, services
from dangjian.orglife.models import Vote

from ._meetings import audit_count, days, everyone, held, host_mobile, members_of, seat_committee

pytestmark = pytest.mark.django_db


def assembly(county, personas, present: int, *, leave: int = 0):
    """A held 党员大会 of 甲村 with `present` full members present and `leave` on leave."""
    full = members_of(county.village_a1, "full")
    probationary = members_of(county.village_a1, "probationary")
    attendees = everyone(full[:present]) + everyone(full[present : present + leave], "leave")
    attendees += everyone(probationary)  # present, but they have no vote
    return held(personas.secretary, county.village_a1, "assembly", attendees=attendees)


def vote(personas, meeting, yes, no=0, abstain=0, **extra):
    return services.vote_record(
        actor=personas.secretary,
        meeting=meeting,
        motion="接收张三为预备党员",
        yes=yes,
        no=no,
        abstain=abstain,
        **extra,
    )


def test_probationary_members_have_no_vote_and_are_not_counted(county, personas):
    meeting = assembly(county, personas, present=6)
    result = vote(personas, meeting, yes=6)
    assert (result.eligible, result.should_attend, result.present) == (9, 9, 6)
    assert result.quorum_met and result.passed
    assert result.rule == rules.ASSEMBLY_VOTE


@pytest.mark.parametrize(("present", "quorum"), [(4, False), (5, True)])
def test_the_quorum_is_more_than_half_of_those_who_should_attend(county, personas, present, quorum):
    result = vote(personas, assembly(county, personas, present=present), yes=present)
    assert result.quorum_met is quorum


def test_an_inquorate_meeting_passes_nothing_even_unanimously(county, personas):
    result = vote(personas, assembly(county, personas, present=4), yes=4)
    assert not result.quorum_met and not result.passed
    assert any("不足法定人数" in line for line in result.reasons)


@pytest.mark.parametrize(("yes", "passed"), [(4, False), (5, True)])
def test_yes_must_exceed_half_of_should_attend_not_of_present(county, personas, yes, passed):
    # 6 present of 9: 4 yes is a majority of those present, but not more than half of 9.
    result = vote(personas, assembly(county, personas, present=6), yes=yes, no=6 - yes)
    assert result.passed is passed


def test_written_opinions_of_absent_voters_count_at_an_assembly(county, personas):
    meeting = assembly(county, personas, present=6, leave=3)
    without = vote(personas, meeting, yes=4, no=2)
    with_written = vote(personas, meeting, yes=4, no=2, written_yes=1)
    assert not without.passed and with_written.passed
    assert any("书面" in line for line in with_written.reasons)


def test_written_opinions_cannot_exceed_the_absent_voters(county, personas):
    meeting = assembly(county, personas, present=8, leave=1)
    with pytest.raises(ValidationFailed) as excinfo:
        vote(personas, meeting, yes=5, written_yes=2)
    assert excinfo.value.errors[0]["field"] == "written_yes"


def test_excluded_members_reduce_should_attend(county, personas):
    # RULES.md 第30条: 2 members abroad ≥ 6 months left out with consent → 应到 7, 4 present is a quorum.
    meeting = assembly(county, personas, present=4)
    plain = vote(personas, meeting, yes=4)
    reduced = vote(personas, meeting, yes=4, excluded=2)
    assert (plain.should_attend, plain.quorum_met) == (9, False)
    assert (reduced.should_attend, reduced.quorum_met, reduced.passed) == (7, True, True)


def test_excluded_cannot_exceed_the_eligible(county, personas):
    with pytest.raises(ValidationFailed) as excinfo:
        vote(personas, assembly(county, personas, present=0), yes=0, excluded=10)
    assert excinfo.value.errors[0]["field"] == "excluded"


def test_excluding_present_members_is_impossible(county, personas):
    with pytest.raises(ValidationFailed) as excinfo:
        vote(personas, assembly(county, personas, present=8), yes=5, excluded=2)
    assert excinfo.value.errors[0]["field"] == "present"


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"yes": 5, "no": 1, "abstain": 1}, "yes"),  # 7 ballots, 6 present
        ({"yes": -1}, "yes"),
        ({"yes": 1, "no": -2}, "no"),
        ({"yes": "5"}, "yes"),
        ({"yes": True}, "yes"),
    ],
)
def test_impossible_figures_are_refused_and_nothing_is_stored(county, personas, figures, field):
    meeting = assembly(county, personas, present=6)
    before = (Vote.objects.count(), audit_count())
    with pytest.raises(ValidationFailed) as excinfo:
        vote(personas, meeting, **figures)
    assert excinfo.value.errors[0]["field"] == field
    assert (Vote.objects.count(), audit_count()) == before


def test_a_vote_is_stored_with_its_reasons_and_audited(county, personas):
    meeting = assembly(county, personas, present=7)
    before = audit_count()
    result = vote(personas, meeting, yes=6, no=1)
    stored = Vote.objects.get(pk=result.pk)
    assert stored.reasons == result.reasons and len(stored.reasons) == 2
    assert stored.created_by == personas.secretary
    assert audit_count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.object_type, entry.object_id, entry.action) == ("orglife.vote", str(stored.pk), "create")
    assert entry.after["passed"] is True and entry.org_id == county.village_a1.pk


def test_a_mobile_guest_present_at_the_host_does_not_vote_there(county, personas):
    guest = members_of(county.village_b1, "full")[0]
    host_mobile(guest, county.village_a1)
    meeting = assembly(county, personas, present=4)
    services.attendance_set(
        actor=personas.secretary,
        meeting=meeting,
        entries=everyone(members_of(county.village_a1, "full")[:4]) + everyone([guest]),
    )
    result = vote(personas, meeting, yes=4)
    assert (result.eligible, result.present, result.quorum_met) == (9, 4, False)


def test_a_mobile_member_keeps_the_vote_at_home(county, personas):
    away = members_of(county.village_a1, "full")[0]
    host_mobile(away, county.village_b1)
    away.status = "mobile"
    away.save()
    assert away in selectors.vote_body(assembly(county, personas, present=1))


# --- the 支委会 ---------------------------------------------------------------------------------------------


def test_a_committee_vote_counts_the_committee_only(county, personas):
    committee = seat_committee(county.village_a1, size=5)
    others = members_of(county.village_a1, "full")[5:]
    meeting = held(
        personas.secretary,
        county.village_a1,
        "committee",
        attendees=everyone(committee[:3]) + everyone(others),  # others attend without a vote (列席)
    )
    result = vote(personas, meeting, yes=3)
    assert (result.rule, result.eligible, result.present) == (rules.COMMITTEE_VOTE, 5, 3)
    assert result.quorum_met and result.passed


def test_a_committee_with_half_present_cannot_decide(county, personas):
    committee = seat_committee(county.village_a1, size=4)
    meeting = held(personas.secretary, county.village_a1, "committee", attendees=everyone(committee[:2]))
    result = vote(personas, meeting, yes=2)
    assert not result.quorum_met and not result.passed
    assert selectors.committee_quorum(meeting) == (4, 2, False)


def test_a_group_leader_is_not_on_the_committee(county, personas):
    committee = seat_committee(county.village_a1, size=3)
    leader = members_of(county.village_a1, "full")[4]
    from dangjian.orgs.models import LeadershipPosition

    LeadershipPosition.objects.create(
        org=county.village_a1,
        post="group_leader",
        member=leader,
        person_name=leader.name,
        started_on=days(-90),
    )
    meeting = held(personas.secretary, county.village_a1, "committee", attendees=everyone(committee))
    assert {m.pk for m in selectors.vote_body(meeting)} == {m.pk for m in committee}


def test_written_opinions_do_not_count_at_a_committee(county, personas):
    committee = seat_committee(county.village_a1, size=3)
    meeting = held(personas.secretary, county.village_a1, "committee", attendees=everyone(committee[:2]))
    with pytest.raises(ValidationFailed) as excinfo:
        vote(personas, meeting, yes=2, written_yes=1)
    assert excinfo.value.errors[0]["field"] == "written_yes"


def test_an_election_needs_four_fifths_present(county, personas):
    # 9 should attend: 7 present is 7/9 < 4/5 → not valid; 8 present → valid, winner > half of present.
    short = vote(personas, assembly(county, personas, present=7), yes=7, rule=rules.ELECTION_VOTE)
    enough = vote(personas, assembly(county, personas, present=8), yes=5, rule=rules.ELECTION_VOTE)
    assert not short.quorum_met and not short.passed
    assert enough.quorum_met and enough.passed


def test_the_rule_must_fit_the_meeting(county, personas):
    with pytest.raises(ValidationFailed) as excinfo:
        vote(personas, assembly(county, personas, present=6), yes=6, rule=rules.COMMITTEE_VOTE)
    assert excinfo.value.errors[0]["field"] == "rule"


# --- where and when a vote may be taken ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["lecture", "themed_day", "appraisal", "life_meeting"])
def test_only_an_assembly_or_committee_votes(county, personas, kind):
    meeting = held(personas.secretary, county.village_a1, kind)
    with pytest.raises(ValidationFailed) as excinfo:
        vote(personas, meeting, yes=0)
    assert excinfo.value.errors[0]["field"] == "meeting"


def test_a_planned_or_cancelled_meeting_takes_no_vote(county, personas):
    meeting = services.meeting_create(
        actor=personas.secretary,
        org=county.village_a1,
        kind="assembly",
        held_on=days(2),
        topic="计划",
        state="planned",
    )
    with pytest.raises(TransitionNotAllowed):
        vote(personas, meeting, yes=0)
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="改期")
    with pytest.raises(TransitionNotAllowed):
        vote(personas, meeting, yes=0)


def test_the_motion_is_required(county, personas):
    meeting = assembly(county, personas, present=6)
    with pytest.raises(ValidationFailed) as excinfo:
        services.vote_record(actor=personas.secretary, meeting=meeting, motion=" ", yes=6)
    assert excinfo.value.errors[0]["field"] == "motion"


def test_a_vote_about_a_member_names_them(county, personas):
    meeting = assembly(county, personas, present=6)
    probationary = members_of(county.village_a1, "probationary")[0]
    result = services.vote_record(
        actor=personas.secretary, meeting=meeting, motion="预备党员转正", yes=6, subject=probationary
    )
    assert (result.subject, result.subject_name) == (probationary, probationary.name)
    stranger = members_of(county.village_b1)[0]
    with pytest.raises(ValidationFailed) as excinfo:
        services.vote_record(
            actor=personas.secretary, meeting=meeting, motion="转正", yes=6, subject=stranger
        )
    assert excinfo.value.errors[0]["field"] == "subject"


def test_a_vote_about_an_applicant_names_them_by_text(county, personas):
    result = services.vote_record(
        actor=personas.secretary,
        meeting=assembly(county, personas, present=6),
        motion="接收为预备党员",
        yes=6,
        subject_name="王小明",
    )
    assert result.subject is None and result.subject_name == "王小明"


def test_outsiders_may_not_record_a_vote(county, personas):
    meeting = assembly(county, personas, present=6)
    for who in ("secretary_b", "member", "reviewer"):
        with pytest.raises(PermissionDenied):
            services.vote_record(actor=getattr(personas, who), meeting=meeting, motion="事项", yes=1)
    assert Vote.objects.count() == 0
