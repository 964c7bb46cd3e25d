"""Reading meetings: scope, filters, the large-subtree path on SQLite, the list's cards, the calendar."""

import pytest

from dangjian.orglife import selectors, services
from dangjian.orglife.models import Meeting

from ._meetings import days, held

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(county, personas):
    """Meetings in three branches of two townships, a plan ahead, an overdue plan and a cancelled plan."""
    made = {
        "a1": held(personas.secretary, county.village_a1, held_on=days(-3)),
        "a1_lecture": held(personas.secretary, county.village_a1, "lecture", hours=2, held_on=days(-40)),
        "a2": held(personas.officer, county.village_a2, held_on=days(-2)),
        "b1": held(personas.secretary_b, county.village_b1, held_on=days(-1)),
        "plan": services.meeting_create(
            actor=personas.secretary,
            org=county.village_a1,
            kind="assembly",
            held_on=days(6),
            topic="计划",
            state="planned",
        ),
    }
    overdue = Meeting.objects.create(
        org=county.village_a2,
        org_path=county.village_a2.path,
        kind="lecture",
        state="planned",
        held_on=days(-5),
        topic="过期",
    )
    made["overdue"] = overdue
    return made


def ids(queryset) -> list[int]:
    return [m.pk for m in queryset]


def test_each_user_reads_the_meetings_of_their_subtree(county, personas, spread):
    assert set(ids(selectors.meetings_within(user=personas.admin))) == {m.pk for m in spread.values()}
    assert set(ids(selectors.meetings_within(user=personas.secretary))) == {
        spread["a1"].pk,
        spread["a1_lecture"].pk,
        spread["plan"].pk,
    }
    assert ids(selectors.meetings_within(user=personas.secretary_b)) == [spread["b1"].pk]
    assert ids(selectors.meetings_within(user=personas.member)) == []
    assert ids(selectors.meetings_within(user=personas.reviewer)) == []


@pytest.mark.parametrize("large", [False, True])
def test_a_large_subtree_reads_the_same_meetings_in_the_same_order(
    county, personas, spread, monkeypatch, large
):
    if large:
        monkeypatch.setattr(selectors, "LARGE_SUBTREE", 1)
    everything = ids(selectors.meetings_within(user=personas.admin))
    assert everything == [
        m.pk for m in sorted(spread.values(), key=lambda m: (m.held_on, m.pk), reverse=True)
    ]
    town_a = ids(selectors.meetings_within(user=personas.admin, root=county.town_a))
    assert spread["b1"].pk not in town_a and spread["a2"].pk in town_a
    assert ids(selectors.meetings_within(user=personas.officer)) == town_a


def test_filters(county, personas, spread):
    def find(**filters):
        return set(ids(selectors.meetings_within(user=personas.admin, **filters)))

    assert find(kind="lecture") == {spread["a1_lecture"].pk, spread["overdue"].pk}
    assert find(state="planned") == {spread["plan"].pk, spread["overdue"].pk}
    assert find(date_from=days(-3), date_to=days(-2)) == {spread["a1"].pk, spread["a2"].pk}
    assert find(q="计划") == {spread["plan"].pk}


@pytest.mark.parametrize("large", [False, True])
def test_the_cards_count_this_month_plans_ahead_and_overdue_plans(
    county, personas, spread, monkeypatch, large
):
    if large:
        monkeypatch.setattr(selectors, "LARGE_SUBTREE", 1)
    today = days(0)
    cards = selectors.meeting_counts(user=personas.admin, today=today)
    this_month = sum(
        1
        for m in spread.values()
        if m.state == "held" and (m.held_on.year, m.held_on.month) == (today.year, today.month)
    )
    assert cards == {"held_this_month": this_month, "planned_ahead": 1, "planned_overdue": 1}
    assert selectors.meeting_counts(user=personas.secretary_b, today=today)["planned_overdue"] == 0


def test_the_calendar_shows_a_few_meetings_a_day_and_counts_the_rest(county, personas, monkeypatch):
    day = days(-1)
    made = [held(personas.secretary, county.village_a1, held_on=day, topic=f"会{i}") for i in range(6)]
    weeks = selectors.calendar_month(user=personas.secretary, year=day.year, month=day.month, per_day=4)
    cell = next(d for week in weeks for d in week if d.day == day)
    assert (cell.total, len(cell.meetings), cell.more) == (6, 4, 2)
    assert [m.pk for m in cell.meetings] == [m.pk for m in made[:4]]


def test_the_calendar_puts_plans_first_and_leaves_out_cancelled_meetings(county, personas):
    day = days(3)
    services.meeting_create(
        actor=personas.secretary,
        org=county.village_a1,
        kind="lecture",
        held_on=day,
        topic="党课",
        state="planned",
    )
    cancelled = services.meeting_create(
        actor=personas.secretary,
        org=county.village_a1,
        kind="assembly",
        held_on=day,
        topic="取消",
        state="planned",
    )
    services.meeting_cancel(actor=personas.secretary, meeting=cancelled, reason="改期")
    weeks = selectors.calendar_month(user=personas.secretary, year=day.year, month=day.month)
    cell = next(d for week in weeks for d in week if d.day == day)
    assert [m.topic for m in cell.meetings] == ["党课"] and cell.total == 1
    assert all(len(week) == 7 and week[0].day.weekday() == 0 for week in weeks)


def test_the_calendar_shows_meetings_before_talks(county, personas):
    day = days(-1)
    people = list(county.village_a1.members.order_by("id")[:2])
    talks = [
        held(
            personas.secretary,
            county.village_a1,
            "talk",
            held_on=day,
            attendees=[{"member": m} for m in people],
        )
        for _ in range(4)
    ]
    lecture = held(personas.secretary, county.village_a1, "lecture", hours=2, held_on=day)
    weeks = selectors.calendar_month(user=personas.secretary, year=day.year, month=day.month, per_day=4)
    cell = next(d for week in weeks for d in week if d.day == day)
    assert [m.pk for m in cell.meetings] == [lecture.pk] + [t.pk for t in talks[:3]]
