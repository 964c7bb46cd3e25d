"""Recording organizational life: planning, recording, holding, cancelling and editing meetings."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.orglife import services
from dangjian.orglife.models import Meeting, MeetingKind, MeetingState

from ._meetings import audit_count, days, everyone, held, members_of, seat_committee

pytestmark = pytest.mark.django_db


def field_of(excinfo) -> set[str]:
    return {error["field"] for error in excinfo.value.errors}


# --- every kind can be recorded ---------------------------------------------------------------------------

KIND_EXTRAS = {
    "assembly": {},
    "lecture": {"lecturer": "王书记", "hours": Decimal("2.5")},
    "themed_day": {"themed_items": ["study", "service"], "themed_extra": "清理河道"},
    "life_meeting": {"held_as": "assembly"},
    "appraisal": {},
    "training": {"lecturer": "县委党校", "hours": 16, "ends_on": days(-1)},
}


@pytest.mark.parametrize("kind", list(KIND_EXTRAS))
def test_each_branch_meeting_kind_is_recorded_with_its_own_fields(county, personas, kind):
    before = audit_count()
    meeting = services.meeting_create(
        actor=personas.secretary,
        org=county.village_a1,
        kind=kind,
        held_on=days(-2),
        topic="本月会议",
        place="村部会议室",
        host="李书记",
        recorder="王委员",
        minutes="会议记录正文",
        **KIND_EXTRAS[kind],
    )
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    assert meeting.org_path == county.village_a1.path
    assert meeting.created_by == personas.secretary
    for name, value in KIND_EXTRAS[kind].items():
        assert getattr(meeting, name) == value
    assert audit_count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.object_type, entry.object_id) == (
        "create",
        "orglife.meeting",
        str(meeting.pk),
    )


def test_a_branch_committee_meeting_needs_a_committee_in_office(county, personas):
    with pytest.raises(ValidationFailed) as excinfo:
        held(personas.secretary, county.village_a1, "committee")
    assert field_of(excinfo) == {"kind"}
    seat_committee(county.village_a1)
    meeting = held(personas.secretary, county.village_a1, "committee")
    assert meeting.kind == MeetingKind.COMMITTEE


def test_a_group_meeting_belongs_to_the_party_group_and_not_to_the_branch(county, personas):
    with pytest.raises(ValidationFailed) as excinfo:
        held(personas.secretary, county.village_a1, "group")
    assert field_of(excinfo) == {"kind"}
    meeting = held(personas.secretary, county.group_a1, "group")
    assert meeting.org == county.group_a1
    assert meeting.org_path == county.group_a1.path


def test_a_party_group_records_no_assembly(county, personas):
    with pytest.raises(ValidationFailed) as excinfo:
        held(personas.secretary, county.group_a1, "assembly")
    assert "党小组" in excinfo.value.message


def test_a_talk_needs_two_participants_present(county, personas):
    one, two = members_of(county.village_a1)[:2]
    with pytest.raises(ValidationFailed) as excinfo:
        held(personas.secretary, county.village_a1, "talk", attendees=everyone([one]))
    assert field_of(excinfo) == {"attendees"}
    talk = held(personas.secretary, county.village_a1, "talk", attendees=everyone([one, two]))
    assert talk.attendees.count() == 2


def test_a_talk_round_may_hold_several_participants(county, personas):
    people = members_of(county.village_a1)[:4]
    talk = held(personas.secretary, county.village_a1, "talk", attendees=everyone(people))
    assert talk.attendees.filter(attendance="present").count() == 4


def test_a_planned_talk_may_wait_for_its_participants(county, personas):
    talk = services.meeting_create(
        actor=personas.secretary,
        org=county.village_a1,
        kind="talk",
        held_on=days(3),
        topic="谈心谈话",
        state="planned",
    )
    assert talk.state == MeetingState.PLANNED


# --- field rules -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        ("assembly", {"hours": 2}, "hours"),
        ("assembly", {"lecturer": "王老师"}, "lecturer"),
        ("assembly", {"themed_items": ["study"]}, "themed_items"),
        ("themed_day", {"themed_items": ["sing"]}, "themed_items"),
        ("assembly", {"held_as": "assembly"}, "held_as"),
        ("life_meeting", {"held_as": ""}, "held_as"),
        ("life_meeting", {"held_as": "lecture"}, "held_as"),
        ("life_meeting", {"held_as": "committee"}, "held_as"),  # no committee in office
        ("lecture", {"hours": -1}, "hours"),
        ("lecture", {"hours": 201}, "hours"),
        ("lecture", {"hours": "abc"}, "hours"),
        ("assembly", {"ends_on": days(-1)}, "ends_on"),
        ("training", {"ends_on": days(-5)}, "ends_on"),  # before the start
        ("assembly", {"topic": "  "}, "topic"),
        ("assembly", {"topic": "长" * 201}, "topic"),
        ("assembly", {"place": "地" * 101}, "place"),
    ],
)
def test_fields_that_do_not_fit_the_kind_are_refused_and_nothing_is_stored(
    county, personas, kind, extra, field
):
    before = (Meeting.objects.count(), audit_count())
    values = {"held_on": days(-3), "topic": "会议", **extra}
    with pytest.raises(ValidationFailed) as excinfo:
        services.meeting_create(actor=personas.secretary, org=county.village_a1, kind=kind, **values)
    assert field in field_of(excinfo)
    assert (Meeting.objects.count(), audit_count()) == before


def test_every_wrong_field_is_reported_at_once(county, personas):
    with pytest.raises(ValidationFailed) as excinfo:
        services.meeting_create(
            actor=personas.secretary,
            org=county.village_a1,
            kind="assembly",
            held_on=days(1),
            topic="",
            hours=3,
        )
    assert field_of(excinfo) == {"topic", "held_on", "hours"}


def test_a_held_meeting_cannot_lie_in_the_future_nor_a_plan_in_the_past(county, personas):
    with pytest.raises(ValidationFailed) as excinfo:
        services.meeting_create(
            actor=personas.secretary, org=county.village_a1, kind="assembly", held_on=days(1), topic="会"
        )
    assert field_of(excinfo) == {"held_on"}
    with pytest.raises(ValidationFailed) as excinfo:
        services.meeting_create(
            actor=personas.secretary,
            org=county.village_a1,
            kind="assembly",
            held_on=days(-1),
            topic="会",
            state="planned",
        )
    assert field_of(excinfo) == {"held_on"}
    today_meeting = services.meeting_create(
        actor=personas.secretary, org=county.village_a1, kind="assembly", held_on=days(0), topic="会"
    )
    assert today_meeting.held_on == days(0)


def test_a_new_meeting_is_either_planned_or_held(county, personas):
    with pytest.raises(ValidationFailed) as excinfo:
        services.meeting_create(
            actor=personas.secretary,
            org=county.village_a1,
            kind="assembly",
            held_on=days(1),
            topic="会",
            state="cancelled",
        )
    assert field_of(excinfo) == {"state"}


def test_a_dissolved_organization_records_only_what_it_held_before(county, personas):
    branch = county.village_a2
    branch.dissolved_on = days(-10)
    branch.save()
    with pytest.raises(ValidationFailed):
        held(personas.officer, branch, "assembly")
    earlier = services.meeting_create(
        actor=personas.officer, org=branch, kind="assembly", held_on=days(-20), topic="会"
    )
    assert earlier.pk


# --- who may write --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "org", "allowed"),
    [
        ("admin", "village_b1", True),
        ("officer", "village_a1", True),
        ("officer", "village_a2", True),
        ("officer", "village_b1", False),
        ("secretary", "village_a1", True),
        ("secretary", "group_a1", True),
        ("secretary", "village_a2", False),
        ("secretary_b", "village_a1", False),
        ("member", "village_a1", False),
        ("reviewer", "village_a1", False),
    ],
)
def test_who_may_record_a_meeting(county, personas, who, org, allowed):
    kind = "group" if org == "group_a1" else "assembly"
    target = getattr(county, org)
    before = (Meeting.objects.count(), audit_count())
    if allowed:
        assert held(getattr(personas, who), target, kind).pk
        assert (Meeting.objects.count(), audit_count()) == (before[0] + 1, before[1] + 1)
    else:
        with pytest.raises(PermissionDenied):
            held(getattr(personas, who), target, kind)
        assert (Meeting.objects.count(), audit_count()) == before


def test_a_branch_secretary_above_whose_branch_is_a_township_may_not_write_for_the_township(county, personas):
    with pytest.raises(PermissionDenied):
        held(personas.secretary, county.town_a, "lecture", hours=2)


# --- transitions -----------------------------------------------------------------------------------------------


def plan(actor, org, kind="assembly", **extra):
    return services.meeting_create(
        actor=actor, org=org, kind=kind, held_on=days(5), topic="第一季度党员大会", state="planned", **extra
    )


def test_a_planned_meeting_is_held_with_its_record(county, personas):
    meeting = plan(personas.secretary, county.village_a1)
    people = members_of(county.village_a1)
    before = audit_count()
    services.meeting_hold(
        actor=personas.secretary,
        meeting=meeting,
        held_on=days(0),
        minutes="讨论了三项议题",
        resolutions="一致同意",
        attendees=everyone(people[:5]) + everyone(people[5:6], "leave"),
    )
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    assert meeting.held_on == days(0)
    assert meeting.minutes == "讨论了三项议题"
    assert meeting.attendees.filter(attendance="present").count() == 5
    assert meeting.attendees.filter(attendance="leave").count() == 1
    assert audit_count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.before["state"] == "planned" and entry.after["state"] == "held"


def test_a_meeting_cannot_be_held_on_a_day_still_to_come(county, personas):
    meeting = plan(personas.secretary, county.village_a1)
    with pytest.raises(ValidationFailed) as excinfo:
        services.meeting_hold(actor=personas.secretary, meeting=meeting)  # planned for days(5)
    assert field_of(excinfo) == {"held_on"}
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED


def test_a_held_meeting_cannot_be_held_again_nor_cancelled(county, personas):
    meeting = held(personas.secretary, county.village_a1)
    before = audit_count()
    with pytest.raises(TransitionNotAllowed) as excinfo:
        services.meeting_hold(actor=personas.secretary, meeting=meeting)
    assert "已于" in excinfo.value.message
    with pytest.raises(TransitionNotAllowed) as excinfo:
        services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="天气")
    assert "不能取消" in excinfo.value.message
    assert audit_count() == before
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD


def test_a_planned_meeting_is_cancelled_with_a_reason(county, personas):
    meeting = plan(personas.secretary, county.village_a1)
    with pytest.raises(ValidationFailed) as excinfo:
        services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason=" ")
    assert field_of(excinfo) == {"reason"}
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="暴雨预警，改期召开")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED
    assert meeting.cancel_reason == "暴雨预警，改期召开"


def test_a_cancelled_meeting_is_final(county, personas):
    meeting = plan(personas.secretary, county.village_a1)
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="改期")
    before = audit_count()
    for attempt in (
        lambda: services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="再取消"),
        lambda: services.meeting_hold(actor=personas.secretary, meeting=meeting, held_on=days(0)),
        lambda: services.meeting_update(actor=personas.secretary, meeting=meeting, topic="新主题"),
        lambda: services.attendance_set(actor=personas.secretary, meeting=meeting, entries=[]),
    ):
        with pytest.raises(TransitionNotAllowed):
            attempt()
    assert audit_count() == before


def test_updating_a_record_is_audited_with_before_and_after(county, personas):
    meeting = held(personas.secretary, county.village_a1)
    services.meeting_update(actor=personas.secretary, meeting=meeting, minutes="补充记录", place="村部")
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "update"
    assert entry.before["minutes"] == "" and entry.after["minutes"] == "补充记录"
    meeting.refresh_from_db()
    assert meeting.place == "村部"


def test_an_update_that_changes_nothing_writes_no_audit_entry(county, personas):
    meeting = held(personas.secretary, county.village_a1)
    before = audit_count()
    services.meeting_update(actor=personas.secretary, meeting=meeting, topic=meeting.topic)
    assert audit_count() == before


def test_an_update_keeps_the_rules(county, personas):
    meeting = held(personas.secretary, county.village_a1)
    with pytest.raises(ValidationFailed):
        services.meeting_update(actor=personas.secretary, meeting=meeting, held_on=days(2))
    with pytest.raises(ValidationFailed):
        services.meeting_update(actor=personas.secretary, meeting=meeting, hours=3)


def test_a_plan_cannot_be_moved_into_the_past(county, personas):
    meeting = plan(personas.secretary, county.village_a1)
    with pytest.raises(ValidationFailed):
        services.meeting_update(actor=personas.secretary, meeting=meeting, held_on=days(-3))
    services.meeting_update(actor=personas.secretary, meeting=meeting, held_on=days(9))
    meeting.refresh_from_db()
    assert meeting.held_on == days(9)


def test_a_committee_meeting_stays_editable_after_the_committee_left_office(county, personas):
    seat_committee(county.village_a1)
    meeting = held(personas.secretary, county.village_a1, "committee")
    county.village_a1.positions.update(ended_on=days(0))
    services.meeting_update(actor=personas.secretary, meeting=meeting, minutes="补记")
    meeting.refresh_from_db()
    assert meeting.minutes == "补记"


def test_org_path_follows_the_organization_when_the_record_is_saved(county, personas):
    meeting = held(personas.secretary, county.village_a1)
    Meeting.objects.filter(pk=meeting.pk).update(org_path="stale/")
    meeting.refresh_from_db()
    services.meeting_update(actor=personas.secretary, meeting=meeting, place="新地点")
    meeting.refresh_from_db()
    assert meeting.org_path == county.village_a1.path


def test_a_training_spanning_new_year_is_one_meeting_with_an_end_date(county, personas):
    start = dt.date(days(-400).year, 12, 30)
    meeting = services.meeting_create(
        actor=personas.officer,
        org=county.town_a,
        kind="training",
        held_on=start,
        ends_on=start + dt.timedelta(days=3),
        topic="冬训",
        hours=24,
    )
    assert meeting.ends_on.year == start.year + 1
