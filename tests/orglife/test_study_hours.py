"""Study hours (RULES.md 105, 108): 党课 and training attended count; 32 hours a year for a member, 56 for a
secretary or committee member; a training that spans New Year is shared between the years by days."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.orglife import rules
from dangjian.orglife import selectors_compliance as selectors
from tests.factories import make_member

from ._compliance import TODAY, YEAR, appoint, meeting, members_of

# --- the rules ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("is_cadre", "hours"), [(False, 32), (True, 56)])
def test_a_member_needs_32_hours_and_a_cadre_56(is_cadre, hours):
    assert rules.required_hours(is_cadre) == hours
    assert rules.required_hours(is_cadre, member_hours=40, cadre_hours=60) == (60 if is_cadre else 40)


def test_a_day_counts_eight_hours_and_half_a_day_four():
    assert rules.hours_for(days=2, half_days=1, hours=3) == 23


def test_a_training_over_new_year_is_shared_by_days():
    shares = rules.split_hours_by_year(dt.date(2025, 12, 30), dt.date(2026, 1, 2), 32)
    assert shares == {2025: 16, 2026: 16}
    assert rules.split_hours_by_year(dt.date(2026, 12, 31), dt.date(2027, 1, 1), 16) == {2026: 8, 2027: 8}


@settings(deadline=None)  # pure rules: a loaded machine must not fail them on time
@given(
    start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    length=st.integers(min_value=0, max_value=800),
    hours=st.floats(min_value=0, max_value=500, allow_nan=False),
)
def test_the_shares_of_a_training_add_up_to_its_hours(start, length, hours):
    end = start + dt.timedelta(days=length)
    shares = rules.split_hours_by_year(start, end, hours)
    assert set(shares) == set(range(start.year, end.year + 1))
    assert sum(shares.values()) == pytest.approx(hours, abs=1e-6)
    assert all(share >= 0 for share in shares.values())


def test_a_training_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        rules.split_hours_by_year(dt.date(2026, 2, 2), dt.date(2026, 2, 1), 8)


# --- the selector -------------------------------------------------------------------------------------------------


def hours_of(user, root, year=YEAR, today=TODAY) -> dict[int, selectors.MemberHours]:
    return {
        p.member_id: p for p in selectors.study_hours_within(user=user, root=root, year=year, today=today)
    }


def test_only_members_present_at_held_lectures_and_trainings_get_hours(personas, county):
    first, second, third, fourth = members_of(county.village_a1)[:4]
    branch = county.village_a1
    meeting(branch, "lecture", dt.date(YEAR, 3, 1), present=[first], leave=[second], absent=[third], hours=3)
    meeting(branch, "training", dt.date(YEAR, 4, 1), present=[first, fourth], hours=8)
    meeting(branch, "lecture", dt.date(YEAR, 6, 1), present=[first, second], hours=3, state="planned")
    meeting(branch, "lecture", dt.date(YEAR, 2, 1), present=[first, second], hours=3, state="cancelled")
    meeting(branch, "themed_day", dt.date(YEAR, 2, 1), present=[first, second], hours=4)  # not study
    meeting(branch, "lecture", dt.date(YEAR - 1, 11, 1), present=[second], hours=3)  # last year
    found = hours_of(personas.secretary, branch)
    assert found[first.pk].hours == Decimal("11.0")
    assert found[second.pk].hours == Decimal("0")
    assert found[third.pk].hours == Decimal("0")
    assert found[fourth.pk].hours == Decimal("8.0")
    assert hours_of(personas.secretary, branch, year=YEAR - 1)[second.pk].hours == Decimal("3.0")


def test_a_training_over_new_year_counts_its_share_in_each_year(personas, county):
    person = members_of(county.village_a1)[0]
    meeting(
        county.town_a,
        "training",
        dt.date(YEAR - 1, 12, 30),
        ends_on=dt.date(YEAR, 1, 2),
        present=[person],
        hours=32,
    )
    assert hours_of(personas.admin, county.root, year=YEAR - 1)[person.pk].hours == Decimal("16.0")
    assert hours_of(personas.admin, county.root, year=YEAR)[person.pk].hours == Decimal("16.0")
    summary, sessions = selectors.member_study_hours(person, YEAR, TODAY)
    assert summary.hours == Decimal("16.0") and [s.hours for s in sessions] == [Decimal("16.0")]


def test_a_training_of_several_days_inside_the_year_counts_whole(personas, county):
    person = members_of(county.village_a1)[0]
    meeting(
        county.town_a,
        "training",
        dt.date(YEAR, 3, 2),
        ends_on=dt.date(YEAR, 3, 4),
        present=[person],
        hours=24,
    )
    assert hours_of(personas.admin, county.root)[person.pk].hours == Decimal("24.0")


@pytest.mark.parametrize(
    ("post", "ended_on", "cadre"),
    [
        ("secretary", None, True),
        ("deputy_secretary", None, True),
        ("organization", None, True),
        ("member", None, True),
        ("group_leader", None, False),  # a 党小组组长 is not on the team
        ("secretary", dt.date(YEAR, 1, 31), False),  # left the post before today
    ],
)
def test_secretaries_and_committee_members_need_56(personas, county, post, ended_on, cadre):
    person = members_of(county.village_a1)[0]
    appoint(county.village_a1, person, post, ended_on=ended_on)
    found = hours_of(personas.admin, county.root)[person.pk]
    assert found.is_cadre is cadre
    assert found.required == (56 if cadre else 32)


def test_a_post_on_a_township_committee_makes_a_cadre_too(personas, county):
    person = members_of(county.village_a1)[0]
    appoint(county.town_a, person, "member")
    assert hours_of(personas.admin, county.root)[person.pk].is_cadre


def test_a_past_year_judges_the_post_held_on_its_last_day(personas, county):
    stayed, left, came = members_of(county.village_a1)[:3]
    appoint(county.village_a1, stayed, "secretary", started_on=dt.date(YEAR - 3, 1, 1))
    appoint(
        county.village_a1,
        left,
        "member",
        started_on=dt.date(YEAR - 3, 1, 1),
        ended_on=dt.date(YEAR - 1, 6, 1),
    )
    appoint(county.village_a1, came, "member", started_on=dt.date(YEAR, 2, 1))
    last_year = hours_of(personas.admin, county.root, year=YEAR - 1)
    assert (
        last_year[stayed.pk].is_cadre and not last_year[left.pk].is_cadre and not last_year[came.pk].is_cadre
    )
    this_year = hours_of(personas.admin, county.root, year=YEAR)
    assert this_year[came.pk].is_cadre


@pytest.mark.parametrize(
    ("hours", "is_cadre", "below", "short"),
    [
        ("31.9", False, True, "0.1"),
        ("32", False, False, "0"),
        ("32.5", False, False, "0"),
        ("55.5", True, True, "0.5"),
        ("56", True, False, "0"),
    ],
)
def test_the_requirement_is_met_at_exactly_32_or_56_hours(personas, county, hours, is_cadre, below, short):
    person = members_of(county.village_b1)[0]
    if is_cadre:
        appoint(county.village_b1, person, "secretary")
    meeting(county.village_b1, "lecture", dt.date(YEAR, 3, 1), present=[person], hours=hours)
    found = hours_of(personas.admin, county.root)[person.pk]
    assert (found.below, found.short) == (below, Decimal(short))


@settings(deadline=None)  # pure rules: a loaded machine must not fail them on time
@given(tenths=st.integers(min_value=0, max_value=1200), is_cadre=st.booleans())
def test_below_and_short_follow_the_requirement(tenths, is_cadre):
    hours = Decimal(tenths) / 10
    person = selectors.MemberHours(1, "张伟", 1, "支部", hours, rules.required_hours(is_cadre), is_cadre)
    assert person.below == (hours < person.required)
    assert person.short == max(Decimal(0), person.required - hours)
    assert person.hours + person.short >= person.required


def test_the_requirement_follows_the_settings(personas, county, settings):
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "STUDY_HOURS_MEMBER": 24, "STUDY_HOURS_CADRE": 40}
    person = members_of(county.village_b1)[0]
    meeting(county.village_b1, "lecture", dt.date(YEAR, 3, 1), present=[person], hours=24)
    found = hours_of(personas.admin, county.root)[person.pk]
    assert (found.required, found.below) == (24, False)


def test_a_member_attending_elsewhere_keeps_the_hours(personas, county):
    person = members_of(county.village_a1)[0]
    meeting(county.village_b1, "lecture", dt.date(YEAR, 3, 1), present=[person], hours=2)
    assert hours_of(personas.officer, county.town_a)[person.pk].hours == Decimal("2.0")


def test_the_list_keeps_to_the_subtree_and_to_counted_members(personas, county):
    gone = make_member(county.village_a1, name="已转出", status="transferred_out")
    found = hours_of(personas.officer, county.town_a)
    assert gone.pk not in found
    assert {p.org_id for p in found.values()} == {county.village_a1.pk, county.village_a2.pk}
    assert len(found) == 11 + 3
    assert hours_of(personas.secretary_b, county.town_a) == {}  # outside the secretary's scope


def test_a_party_groups_list_holds_its_members(personas, county):
    people = members_of(county.village_a1)[:2]
    for person in people:
        person.party_group = county.group_a1
        person.save(update_fields=["party_group"])
    assert set(hours_of(personas.secretary, county.group_a1)) == {p.pk for p in people}


def test_the_list_is_ordered_by_organization_then_surname_strokes(personas, county):
    ordered = selectors.study_hours_within(user=personas.officer, root=county.town_a, year=YEAR, today=TODAY)
    orgs = [p.org_id for p in ordered]
    assert orgs == sorted(orgs, key=[county.village_a1.pk, county.village_a2.pk].index)


@pytest.mark.parametrize("driven_by", ["members", "sessions"])
def test_many_or_few_members_give_the_same_hours(personas, county, monkeypatch, driven_by):
    """The attendance is read from the members when they are few and from the year's sessions when they are
    many; both ways credit the same hours (a New Year training split, absentees and other kinds left out)."""
    monkeypatch.setattr(selectors, "_members_first", lambda where: driven_by == "members")
    first, second = members_of(county.village_a1)[:2]
    meeting(county.village_a1, "lecture", dt.date(YEAR, 3, 1), present=[first], absent=[second], hours=3)
    meeting(
        county.town_a,
        "training",
        dt.date(YEAR - 1, 12, 31),
        ends_on=dt.date(YEAR, 1, 1),
        present=[first, second],
        hours=16,
    )
    meeting(county.village_a1, "themed_day", dt.date(YEAR, 4, 1), present=[first, second], hours=4)
    meeting(
        county.village_b1, "lecture", dt.date(YEAR, 5, 1), present=members_of(county.village_b1)[:1], hours=2
    )
    found = hours_of(personas.officer, county.town_a)
    assert (found[first.pk].hours, found[second.pk].hours) == (Decimal("11.0"), Decimal("8.0"))
    assert all(p.hours == 0 for p in found.values() if p.member_id not in (first.pk, second.pk))
