"""Who may be listed at a meeting, and how attendance is recorded."""

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.core.errors import ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members.models import MobileState
from dangjian.orglife import selectors, services
from dangjian.orglife.models import MeetingAttendee

from ..factories import make_member
from ._meetings import appoint, audit_count, days, everyone, held, host_mobile, members_of

pytestmark = pytest.mark.django_db


def test_a_branch_lists_its_own_members(county, personas):
    meeting = held(personas.secretary, county.village_a1)
    people = members_of(county.village_a1)
    services.attendance_set(actor=personas.secretary, meeting=meeting, entries=everyone(people))
    assert meeting.attendees.count() == len(people)


def test_a_member_of_another_branch_cannot_be_listed_and_nothing_changes(county, personas):
    meeting = held(personas.officer, county.village_a1, attendees=everyone(members_of(county.village_a1)[:2]))
    stranger = members_of(county.village_a2)[0]
    before = (list(meeting.attendees.values_list("member_id", "attendance")), audit_count())
    with pytest.raises(ValidationFailed) as excinfo:
        services.attendance_set(
            actor=personas.officer,
            meeting=meeting,
            entries=everyone(members_of(county.village_a1)[:3]) + everyone([stranger]),
        )
    assert stranger.name in excinfo.value.message
    assert excinfo.value.errors[0]["field"] == "entries"
    assert (list(meeting.attendees.values_list("member_id", "attendance")), audit_count()) == before


def test_a_party_group_lists_the_members_assigned_to_it(county, personas):
    people = members_of(county.village_a1)
    for member in people[:3]:
        member.party_group = county.group_a1
        member.save()
    meeting = held(personas.secretary, county.group_a1, "group")
    services.attendance_set(actor=personas.secretary, meeting=meeting, entries=everyone(people[:3]))
    with pytest.raises(ValidationFailed):
        services.attendance_set(actor=personas.secretary, meeting=meeting, entries=everyone(people[3:4]))


def test_a_mobile_member_attends_at_the_host_organization(county, personas):
    """GIVEN a member of 丙村 working away and hosted by 甲村
    WHEN 甲村 records a meeting
    THEN the member may be listed there, without a vote."""
    guest = members_of(county.village_b1, "full")[0]
    host_mobile(guest, county.village_a1)
    meeting = held(personas.secretary, county.village_a1)
    services.attendance_set(actor=personas.secretary, meeting=meeting, entries=everyone([guest]))
    assert meeting.attendees.get().member == guest
    assert guest not in selectors.vote_body(meeting)
    row = next(c for c in selectors.meeting_people(meeting) if c.member == guest)
    assert row.role == selectors.GUEST and not row.votes


def test_a_mobile_member_who_has_returned_is_no_longer_listed_at_the_host(county, personas):
    guest = members_of(county.village_b1, "full")[0]
    record = host_mobile(guest, county.village_a1)
    record.state = MobileState.RETURNED
    record.save()
    meeting = held(personas.secretary, county.village_a1)
    with pytest.raises(ValidationFailed):
        services.attendance_set(actor=personas.secretary, meeting=meeting, entries=everyone([guest]))


def test_a_committee_lists_its_direct_members_and_its_team(county, personas):
    cadre = make_member(county.town_a, name="赵镇长")
    team = members_of(county.village_a1, "full")[0]
    appoint(county.town_a, team, "secretary")
    meeting = held(personas.officer, county.town_a, "lecture", hours=2)
    services.attendance_set(actor=personas.officer, meeting=meeting, entries=everyone([cadre, team]))
    assert meeting.attendees.count() == 2
    with pytest.raises(ValidationFailed):
        services.attendance_set(
            actor=personas.officer, meeting=meeting, entries=everyone(members_of(county.village_a1)[1:2])
        )


def test_members_who_left_are_not_listed(county, personas):
    gone = members_of(county.village_a1)[0]
    gone.status = "deceased"
    gone.save()
    meeting = held(personas.secretary, county.village_a1)
    with pytest.raises(ValidationFailed):
        services.attendance_set(actor=personas.secretary, meeting=meeting, entries=everyone([gone]))


def test_someone_already_recorded_may_stay_after_leaving_the_branch(county, personas):
    people = members_of(county.village_a1)[:2]
    meeting = held(personas.secretary, county.village_a1, attendees=everyone(people))
    moved = people[0]
    moved.org, moved.org_path = county.village_a2, county.village_a2.path
    moved.save()
    services.attendance_set(actor=personas.secretary, meeting=meeting, entries=everyone(people, "leave"))
    assert set(meeting.attendees.values_list("attendance", flat=True)) == {"leave"}


def test_attendance_replaces_the_list_and_is_audited_once(county, personas):
    people = members_of(county.village_a1)
    meeting = held(personas.secretary, county.village_a1, attendees=everyone(people[:4]))
    before = audit_count()
    services.attendance_set(
        actor=personas.secretary,
        meeting=meeting,
        entries=[
            {"member_id": people[0].pk, "attendance": "present"},
            {"member_id": people[1].pk, "attendance": "leave", "note": "外出务工"},
            {"member": people[5], "attendance": "absent"},
        ],
    )
    rows = dict(meeting.attendees.values_list("member_id", "attendance"))
    assert rows == {people[0].pk: "present", people[1].pk: "leave", people[5].pk: "absent"}
    assert MeetingAttendee.objects.get(meeting=meeting, member=people[1]).note == "外出务工"
    assert audit_count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.before == {"attendance": {"present": 4, "leave": 0, "absent": 0}}
    assert entry.after == {"attendance": {"present": 1, "leave": 1, "absent": 1}}


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"attendance": "present"}, "entries.0.member_id"),
        ({"member_id": "x", "attendance": "present"}, "entries.0.member_id"),
        ({"member_id": 0, "attendance": "late"}, "entries.0.attendance"),
        ({"member_id": 0, "attendance": "present", "note": "长" * 101}, "entries.0.note"),
    ],
)
def test_malformed_entries_are_refused_with_their_field(county, personas, entry, field):
    meeting = held(personas.secretary, county.village_a1)
    if entry.get("member_id") == 0:
        entry = {**entry, "member_id": members_of(county.village_a1)[0].pk}
    with pytest.raises(ValidationFailed) as excinfo:
        services.attendance_set(actor=personas.secretary, meeting=meeting, entries=[entry])
    assert excinfo.value.errors[0]["field"] == field


def test_the_same_member_twice_is_refused(county, personas):
    person = members_of(county.village_a1)[0]
    meeting = held(personas.secretary, county.village_a1)
    with pytest.raises(ValidationFailed) as excinfo:
        services.attendance_set(
            actor=personas.secretary,
            meeting=meeting,
            entries=everyone([person]) + everyone([person], "leave"),
        )
    assert excinfo.value.errors[0]["field"] == "entries.1.member_id"


def test_a_held_talk_keeps_two_participants_present(county, personas):
    people = members_of(county.village_a1)[:2]
    talk = held(personas.secretary, county.village_a1, "talk", attendees=everyone(people))
    with pytest.raises(ValidationFailed):
        services.attendance_set(
            actor=personas.secretary,
            meeting=talk,
            entries=everyone(people[:1]) + everyone(people[1:], "leave"),
        )


def test_attendance_of_a_planned_meeting_may_record_leave_ahead(county, personas):
    meeting = services.meeting_create(
        actor=personas.secretary,
        org=county.village_a1,
        kind="assembly",
        held_on=days(4),
        topic="计划",
        state="planned",
    )
    person = members_of(county.village_a1)[0]
    services.attendance_set(actor=personas.secretary, meeting=meeting, entries=everyone([person], "leave"))
    assert meeting.attendees.get().attendance == "leave"


def test_outsiders_may_not_record_attendance(county, personas):
    meeting = held(personas.secretary, county.village_a1)
    for who in ("secretary_b", "member", "reviewer"):
        with pytest.raises(PermissionDenied):
            services.attendance_set(actor=getattr(personas, who), meeting=meeting, entries=[])


def test_the_attendance_form_lists_candidates_with_their_votes(county, personas):
    meeting = held(personas.secretary, county.village_a1)
    rows = selectors.meeting_people(meeting)
    assert len(rows) == len(members_of(county.village_a1))
    by_category = {(row.member.category, row.votes) for row in rows}
    assert by_category == {("full", True), ("probationary", False)}
