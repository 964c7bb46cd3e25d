"""What each kind of organization must hold and how often (RULES.md 18–28, seed part 1 二(三)), as pure rules."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.core import periods
from dangjian.orglife import rules
from dangjian.orglife.rules import OrgFacts

YEAR = 2026
MID_MAY = dt.date(YEAR, 5, 15)


def owed(facts: OrgFacts, lecture_period: str = periods.QUARTER) -> set[tuple[str, str]]:
    return {(r.meeting_kind, r.period_kind) for r in rules.requirements(facts, lecture_period)}


def branch(**extra) -> OrgFacts:
    return OrgFacts(kind="branch", **{"members": 12, "has_committee": True, **extra})


def statuses(facts: OrgFacts, held=None, today=MID_MAY, **extra) -> list[rules.PeriodStatus]:
    return rules.compliance(facts, YEAR, held or {}, today, **extra)


def items(found, kind: str) -> dict[str, rules.PeriodStatus]:
    return {s.period.label: s for s in found if s.meeting_kind == kind}


# --- who owes what --------------------------------------------------------------------------------------------


def test_a_branch_with_a_committee_owes_every_meeting_of_the_three_meetings_and_one_lesson():
    assert owed(branch()) == {
        ("assembly", "quarter"),  # 支部条例 第11条
        ("committee", "month"),  # 第12条
        ("lecture", "quarter"),  # 第15条 + the seed's quarterly standard
        ("themed_day", "month"),  # 第16条
        ("life_meeting", "year"),  # 第17条
        ("appraisal", "year"),  # 第19条
        ("talk", "year"),  # 第18条
    }


def test_a_branch_without_a_committee_owes_no_committee_meetings():
    found = owed(branch(has_committee=False))
    assert ("committee", "month") not in found
    assert ("assembly", "quarter") in found and ("themed_day", "month") in found


def test_an_empty_branch_owes_nothing():
    assert owed(branch(members=0)) == set()
    assert statuses(branch(members=0), today=dt.date(YEAR, 12, 31)) == []


def test_a_general_branch_owes_its_committee_meetings_and_the_life_meeting():
    assert owed(OrgFacts(kind="general_branch", has_committee=True, members=0)) == {
        ("committee", "month"),
        ("life_meeting", "year"),
    }
    assert owed(OrgFacts(kind="general_branch", has_committee=False)) == {("life_meeting", "year")}


@pytest.mark.parametrize("kind", ["committee", "working_committee"])
def test_a_grassroots_committee_owes_its_secretarys_yearly_lecture(kind):
    assert owed(OrgFacts(kind=kind, has_committee=True)) == {("lecture", "year")}


def test_a_county_committee_that_is_not_grassroots_owes_nothing():
    facts = OrgFacts(kind="committee", is_grassroots=False, has_committee=True, members=40)
    assert owed(facts) == set()
    assert statuses(facts, today=dt.date(YEAR + 1, 1, 1)) == []


def test_a_party_group_with_members_owes_a_monthly_group_meeting_and_an_empty_one_nothing():
    assert owed(OrgFacts(kind="group", members=5)) == {("group", "month")}
    assert owed(OrgFacts(kind="group", members=0)) == set()


@pytest.mark.parametrize("setting", [periods.MONTH, periods.QUARTER, periods.YEAR])
def test_the_branch_lecture_follows_the_local_setting(setting):
    assert ("lecture", setting) in owed(branch(), lecture_period=setting)


@pytest.mark.parametrize(("team", "has"), [(0, False), (2, False), (3, True), (5, True)])
def test_three_people_on_the_team_make_a_committee(team, has):
    assert rules.has_committee(team) is has


# --- periods: open, missed, met -------------------------------------------------------------------------------


def test_an_ended_month_without_a_meeting_is_missed_and_the_running_month_is_open():
    found = items(statuses(branch()), "themed_day")
    assert found["2026-04"].state == rules.MISSED
    assert found["2026-05"].state == rules.OPEN
    assert "2026-06" not in found  # periods that have not begun are not listed


def test_a_meeting_in_the_running_month_meets_it_and_two_count_as_two():
    held = {"themed_day": [dt.date(YEAR, 5, 2), dt.date(YEAR, 5, 9)]}
    may = items(statuses(branch(), held), "themed_day")["2026-05"]
    assert (may.state, may.required, may.held) == (rules.MET, 1, 2)


def test_the_last_day_of_a_month_still_belongs_to_it():
    found = items(statuses(branch(), today=dt.date(YEAR, 4, 30)), "themed_day")
    assert found["2026-04"].state == rules.OPEN
    found = items(statuses(branch(), today=dt.date(YEAR, 5, 1)), "themed_day")
    assert found["2026-04"].state == rules.MISSED


def test_a_quarterly_assembly_is_met_by_a_meeting_in_any_month_of_the_quarter():
    found = items(statuses(branch(), {"assembly": [dt.date(YEAR, 2, 20)]}), "assembly")
    assert found["2026-Q1"].state == rules.MET
    assert found["2026-Q2"].state == rules.OPEN


def test_meetings_of_another_year_do_not_count():
    held = {"assembly": [dt.date(YEAR - 1, 2, 20), dt.date(YEAR + 1, 2, 20)]}
    assert items(statuses(branch(), held), "assembly")["2026-Q1"].state == rules.MISSED


def test_the_fourth_quarter_and_the_year_stay_open_on_new_years_eve_and_are_missed_the_next_day():
    eve = statuses(branch(), today=dt.date(YEAR, 12, 31))
    assert items(eve, "assembly")["2026-Q4"].state == rules.OPEN
    assert items(eve, "life_meeting")["2026"].state == rules.OPEN
    after = statuses(branch(), today=dt.date(YEAR + 1, 1, 1))
    assert items(after, "assembly")["2026-Q4"].state == rules.MISSED
    assert items(after, "life_meeting")["2026"].state == rules.MISSED
    assert items(after, "appraisal")["2026"].state == rules.MISSED


def test_a_year_looked_at_later_lists_all_its_periods():
    found = statuses(branch(), today=dt.date(YEAR + 2, 3, 1))
    assert len(items(found, "themed_day")) == 12 and len(items(found, "assembly")) == 4


def test_the_due_date_is_the_last_day_of_the_period():
    found = items(statuses(branch()), "assembly")["2026-Q2"]
    assert found.due_on == dt.date(YEAR, 6, 30)


# --- set up and dissolved during the year ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("established", "march_owed", "april_owed"),
    [
        (dt.date(YEAR, 3, 1), True, True),  # on the first day: March is owed
        (dt.date(YEAR, 3, 2), False, True),  # mid-month: from the next month on
        (dt.date(YEAR, 3, 31), False, True),
        (dt.date(YEAR, 4, 1), False, True),
        (dt.date(YEAR, 4, 2), False, False),
    ],
)
def test_a_branch_set_up_mid_month_owes_from_the_next_month(established, march_owed, april_owed):
    found = items(statuses(branch(established_on=established)), "themed_day")
    assert ("2026-03" in found) is march_owed
    assert ("2026-04" in found) is april_owed


@pytest.mark.parametrize(
    ("established", "owed_q1"), [(dt.date(YEAR, 1, 1), True), (dt.date(YEAR, 1, 2), False)]
)
def test_a_quarter_is_owed_only_by_an_organization_that_existed_on_its_first_day(established, owed_q1):
    found = items(statuses(branch(established_on=established)), "assembly")
    assert ("2026-Q1" in found) is owed_q1
    assert "2026-Q2" in found


@pytest.mark.parametrize(
    ("established", "owes_year"),
    [(dt.date(YEAR, 9, 30), True), (dt.date(YEAR, 10, 1), True), (dt.date(YEAR, 10, 2), False)],
)
def test_a_branch_set_up_by_the_fourth_quarter_owes_that_years_life_meeting_and_appraisal(
    established, owes_year
):
    found = statuses(branch(established_on=established), today=dt.date(YEAR + 1, 1, 1))
    assert ("2026" in items(found, "life_meeting")) is owes_year
    assert ("2026" in items(found, "appraisal")) is owes_year


def test_a_branch_set_up_after_the_year_owes_nothing_for_it():
    assert statuses(branch(established_on=dt.date(YEAR + 1, 1, 1)), today=dt.date(YEAR + 1, 6, 1)) == []


@pytest.mark.parametrize(
    ("dissolved", "april_owed"),
    [(dt.date(YEAR, 4, 30), False), (dt.date(YEAR, 5, 1), True), (dt.date(YEAR, 4, 15), False)],
)
def test_a_dissolved_branch_owes_nothing_for_the_month_it_was_dissolved_in(dissolved, april_owed):
    found = items(statuses(branch(dissolved_on=dissolved), today=dt.date(YEAR + 1, 1, 1)), "themed_day")
    assert ("2026-04" in found) is april_owed
    assert "2026-03" in found
    assert "2026-06" not in found
    assert "2026" not in items(statuses(branch(dissolved_on=dissolved)), "life_meeting")


# --- 谈心谈话 coverage ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("talk", "state"),
    [((10, 9), rules.MISSED), ((10, 10), rules.MET), ((10, 11), rules.MET)],
)
def test_talks_are_met_when_every_member_had_one(talk, state):
    found = items(statuses(branch(), today=dt.date(YEAR + 1, 1, 5), talk=talk), "talk")["2026"]
    assert (found.required, found.held, found.state) == (talk[0], talk[1], state)


def test_talk_coverage_of_the_running_year_stays_open_until_complete():
    assert items(statuses(branch(), talk=(10, 4)), "talk")["2026"].state == rules.OPEN
    assert items(statuses(branch(), talk=(10, 10)), "talk")["2026"].state == rules.MET


def test_no_talkable_member_means_no_talk_item():
    assert items(statuses(branch(), talk=(0, 0)), "talk") == {}


def test_without_coverage_figures_one_recorded_talk_meets_the_year():
    found = items(statuses(branch(), {"talk": [dt.date(YEAR, 3, 3)]}), "talk")["2026"]
    assert (found.required, found.held, found.state) == (1, 1, rules.MET)


# --- the rate ---------------------------------------------------------------------------------------------------


def test_nothing_owed_yet_has_no_rate():
    assert rules.compliance_rate([]) is None
    only_open = statuses(branch(), today=dt.date(YEAR, 1, 10))
    assert only_open and all(s.state == rules.OPEN for s in only_open)
    assert rules.compliance_rate(only_open) is None


def test_each_item_weighs_once_however_many_members_a_talk_covers():
    """GIVEN a year looked at after it ended, everything held but the talks of a big branch (30 of 40 members)
    THEN the rate misses exactly one item, not ten members' worth."""
    held = {
        "assembly": [dt.date(YEAR, m, 5) for m in (2, 5, 8, 11)],
        "committee": [dt.date(YEAR, m, 5) for m in range(1, 13)],
        "lecture": [dt.date(YEAR, m, 6) for m in (2, 5, 8, 11)],
        "themed_day": [dt.date(YEAR, m, 1) for m in range(1, 13)],
        "life_meeting": [dt.date(YEAR, 12, 1)],
        "appraisal": [dt.date(YEAR, 12, 1)],
    }
    found = statuses(branch(members=40), held, today=dt.date(YEAR + 1, 1, 1), talk=(40, 30))
    total = 4 + 12 + 4 + 12 + 1 + 1 + 1
    assert len(found) == total
    assert rules.compliance_rate(found) == Fraction(total - 1, total)


def test_running_items_enter_the_rate_only_once_met():
    held = {"themed_day": [dt.date(YEAR, 5, 3)]}
    found = statuses(branch(has_committee=False, members=5), held, today=dt.date(YEAR, 5, 20))
    counted = [s for s in found if s.counted]
    assert all(s.period.end < dt.date(YEAR, 5, 20) or s.state == rules.MET for s in counted)
    met = sum(1 for s in counted if s.state == rules.MET)
    assert rules.compliance_rate(found) == Fraction(met, len(counted))


@settings(deadline=None)  # pure rules: a loaded machine must not fail them on time
@given(
    months=st.sets(st.integers(min_value=1, max_value=12)),
    today=st.dates(min_value=dt.date(YEAR, 1, 1), max_value=dt.date(YEAR + 1, 2, 1)),
)
def test_monthly_items_are_met_exactly_in_the_months_with_a_meeting(months, today):
    held = {"group": [dt.date(YEAR, m, 10) for m in months]}
    found = rules.compliance(OrgFacts(kind="group", members=6), YEAR, held, today)
    begun = [m for m in range(1, 13) if dt.date(YEAR, m, 1) <= today]
    assert [s.period.label for s in found] == [f"{YEAR}-{m:02d}" for m in begun]
    for status in found:
        month = status.period.start.month
        if month in months:
            assert status.state == rules.MET
        elif status.period.end < today:
            assert status.state == rules.MISSED
        else:
            assert status.state == rules.OPEN
    rate = rules.compliance_rate(found)
    counted = [s for s in found if s.counted]
    assert rate == (Fraction(sum(s.state == rules.MET for s in counted), len(counted)) if counted else None)
    if rate is not None:
        assert 0 <= rate <= 1


# --- reminders (the frequency part of reminder_level) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "level"), [(dt.date(YEAR, 5, 24), None), (dt.date(YEAR, 5, 25), "due_soon")]
)
def test_an_open_month_is_reminded_in_its_last_seven_days(today, level):
    status = items(statuses(branch(), today=today), "themed_day")["2026-05"]
    assert rules.reminder_level(status, today, days_before=7) == level


def test_a_missed_item_is_overdue_and_a_met_one_is_never_reminded():
    found = items(statuses(branch(), {"themed_day": [dt.date(YEAR, 5, 2)]}), "themed_day")
    assert rules.reminder_level(found["2026-04"], MID_MAY) == rules.OVERDUE
    assert rules.reminder_level(found["2026-05"], dt.date(YEAR, 5, 30)) is None


@settings(deadline=None)
@given(
    days=st.lists(
        st.dates(min_value=dt.date(YEAR - 1, 11, 1), max_value=dt.date(YEAR + 1, 2, 1)), max_size=40
    ),
    today=st.dates(min_value=dt.date(YEAR, 1, 1), max_value=dt.date(YEAR + 1, 1, 10)),
    established=st.none() | st.dates(min_value=dt.date(YEAR - 1, 1, 1), max_value=dt.date(YEAR, 12, 31)),
)
def test_counting_by_month_gives_the_same_items_as_listing_the_dates(days, today, established):
    kinds = ("assembly", "committee", "lecture", "themed_day", "life_meeting", "appraisal", "talk")
    held = {
        kind: [day for index, day in enumerate(days) if index % len(kinds) == k]
        for k, kind in enumerate(kinds)
    }
    by_month: dict[str, dict[int, int]] = {}
    for kind, dates in held.items():
        for day in dates:
            if day.year == YEAR:
                by_month.setdefault(kind, {})[day.month] = by_month.get(kind, {}).get(day.month, 0) + 1
    facts = branch(established_on=established)
    found = rules.compliance(facts, YEAR, held, today)
    assert found == rules.compliance_by_month(facts, YEAR, by_month, today)
    for status in found:  # each period counts exactly the dates inside it
        assert status.held == sum(1 for day in held[status.meeting_kind] if day in status.period)
