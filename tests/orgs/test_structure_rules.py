"""orgs.rules: the set-up rules of RULES.md section A, at their edges."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.orgs import rules
from dangjian.orgs.rules import StructureFacts, check_structure

TODAY = dt.date(2026, 11, 28)
FULL_TEAM = ("secretary", "organization", "publicity")


def codes(facts: StructureFacts, today: dt.date = TODAY) -> set[str]:
    return {finding.code for finding in check_structure(facts, today).findings}


def branch(full: int, probationary: int = 0, team=("secretary",), **extra) -> StructureFacts:
    return StructureFacts(
        kind="branch",
        domain="organ",
        is_grassroots=True,
        full_members=full,
        probationary_members=probationary,
        team_posts=tuple(team),
        **extra,
    )


# 支部条例 第20条 --------------------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=500))
def test_committee_required_exactly_from_seven_full_members(full):
    assert rules.committee_required(full) == (full >= 7)


def test_probationary_members_do_not_count_towards_the_committee_threshold():
    facts = branch(full=6, probationary=5, team=("secretary",))
    check = check_structure(facts, TODAY)
    assert check.committee_required is False
    assert "committee_missing" not in codes(facts)


def test_branch_of_seven_full_members_without_committee_is_an_error():
    assert "committee_missing" in codes(branch(full=7, team=("secretary", "deputy_secretary")))


def test_branch_of_six_full_members_with_secretary_only_is_fine():
    assert codes(branch(full=6, term_started_on=dt.date(2025, 3, 1))) == {"duties_named"}


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (3, set()),
        (5, set()),
        (6, {"committee_above_five"}),
        (7, {"committee_above_five"}),
        (8, {"committee_too_large"}),
    ],
)
def test_committee_size_three_to_five_generally_at_most_seven(size, expected):
    team = (
        "secretary",
        "deputy_secretary",
        "organization",
        "publicity",
        "discipline",
        "member",
        "member",
        "member",
    )
    found = codes(branch(full=20, team=team[:size]))
    assert found & {"committee_above_five", "committee_too_large", "committee_missing"} == expected


def test_small_branch_with_a_full_committee_is_told_it_needs_none():
    assert "committee_not_needed" in codes(branch(full=5, team=FULL_TEAM))
    assert "committee_not_needed" not in codes(branch(full=5, team=("secretary", "deputy_secretary")))


def test_branch_without_secretary_is_an_error_and_two_secretaries_too():
    assert "secretary_missing" in codes(branch(full=4, team=()))
    assert "secretary_duplicate" in codes(branch(full=9, team=("secretary", "secretary", "organization")))


def test_more_than_one_deputy_secretary_is_a_warning():
    assert "deputy_too_many" in codes(
        branch(full=9, team=("secretary", "deputy_secretary", "deputy_secretary"))
    )


# 支部条例 第4、5条 ------------------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=10))
def test_three_full_members_are_needed_for_a_single_unit_branch(full, probationary):
    found = codes(
        branch(full=full, probationary=probationary, team=("secretary",) if full < 7 else FULL_TEAM)
    )
    assert ("branch_below_three" in found) == (full < 3)


def test_joint_branch_below_three_is_expected_but_more_than_five_units_is_a_warning():
    assert "branch_below_three" not in codes(branch(full=2, unit_count=3))
    assert "joint_branch_too_many_units" not in codes(branch(full=8, team=FULL_TEAM, unit_count=5))
    assert "joint_branch_too_many_units" in codes(branch(full=8, team=FULL_TEAM, unit_count=6))


@pytest.mark.parametrize(("total", "warned"), [(50, False), (51, True)])
def test_branch_soft_cap_of_fifty_members(total, warned):
    found = codes(branch(full=total - 5, probationary=5, team=FULL_TEAM, group_count=3))
    assert ("branch_over_fifty" in found) is warned


def test_large_branch_without_party_groups_is_advised_to_form_them():
    assert "groups_advised" in codes(branch(full=30, team=FULL_TEAM))
    assert "groups_advised" not in codes(branch(full=30, team=FULL_TEAM, group_count=2))
    assert "groups_advised" not in codes(branch(full=29, team=FULL_TEAM))


def test_group_without_leader_is_flagged():
    group = StructureFacts(
        kind="group", domain="rural", is_grassroots=True, full_members=0, probationary_members=0
    )
    assert codes(group) == {"group_leader_missing"}
    led = StructureFacts(
        kind="group",
        domain="rural",
        is_grassroots=True,
        full_members=0,
        probationary_members=0,
        has_group_leader=True,
    )
    assert codes(led) == set()


# 机关条例 第5–6条; RULES.md 第14条 ---------------------------------------------------------------------------


@pytest.mark.parametrize(("total", "small"), [(49, True), (50, False)])
def test_general_branch_below_fifty_needs_approval(total, small):
    facts = StructureFacts(
        kind="general_branch",
        domain="organ",
        is_grassroots=True,
        full_members=total,
        probationary_members=0,
        team_posts=("secretary", "organization", "publicity", "discipline", "member"),
    )
    assert ("general_branch_small" in codes(facts)) is small


@pytest.mark.parametrize(
    ("size", "code"), [(4, "warning"), (5, None), (7, None), (8, "warning"), (10, "error")]
)
def test_general_branch_committee_five_to_seven_at_most_nine(size, code):
    facts = StructureFacts(
        kind="general_branch",
        domain="organ",
        is_grassroots=True,
        full_members=60,
        probationary_members=0,
        team_posts=("secretary",) + ("member",) * (size - 1),
    )
    findings = [
        f for f in check_structure(facts, TODAY).findings if f.code == "general_branch_committee_size"
    ]
    assert (findings[0].severity if findings else None) == code


@pytest.mark.parametrize(("total", "small"), [(99, True), (100, False)])
def test_basic_committee_below_hundred_needs_approval(total, small):
    facts = StructureFacts(
        kind="committee",
        domain="soe",
        is_grassroots=True,
        full_members=total,
        probationary_members=0,
        team_posts=("secretary",) + ("member",) * 6,
    )
    assert ("committee_small" in codes(facts)) is small


def test_county_level_committee_is_not_checked_as_grassroots():
    facts = StructureFacts(
        kind="committee",
        domain="organ",
        is_grassroots=False,
        full_members=40000,
        probationary_members=900,
        team_posts=(),
    )
    assert codes(facts) == set()


# 支部条例 第21条; 选举条例 第3条 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "domain", "years"),
    [
        ("branch", "rural", 5),
        ("branch", "community", 5),
        ("branch", "organ", 3),
        ("branch", "soe", 3),
        ("general_branch", "organ", 3),
        ("general_branch", "rural", 5),
        ("committee", "organ", 5),
        ("committee", "township", 5),
    ],
)
def test_term_lengths(kind, domain, years):
    assert rules.term_years(kind, domain) == years


@pytest.mark.parametrize(
    ("ends", "status"),
    [
        (dt.date(2027, 5, 29), "current"),  # the reminder window opens tomorrow
        (dt.date(2027, 5, 28), "due"),  # exactly six months ahead: remind from today
        (TODAY + dt.timedelta(days=1), "due"),
        (TODAY, "expired"),  # the term ends on this day
        (TODAY - dt.timedelta(days=366), "expired"),  # postponement of about a year is allowed
        (TODAY - dt.timedelta(days=367), "overdue"),
    ],
)
def test_term_status_edges(ends, status):
    assert rules.term_status(ends, TODAY) == status


def test_term_more_than_a_year_overdue():
    assert rules.term_status(dt.date(2025, 11, 26), TODAY) == "overdue"
    assert rules.term_status(dt.date(2025, 11, 27), TODAY) == "expired"


def test_term_findings_carry_the_end_date():
    facts = branch(full=9, team=FULL_TEAM, term_started_on=dt.date(2023, 1, 10))
    check = check_structure(facts, TODAY)
    assert check.term_ends_on == dt.date(2026, 1, 10)
    expired = [f for f in check.findings if f.code == "term_expired"]
    assert expired and "2026年01月10日" in expired[0].message


def test_team_without_recorded_election_date_is_noted():
    assert "term_unknown" in codes(branch(full=9, team=FULL_TEAM))


def test_term_override_wins():
    facts = branch(full=9, team=FULL_TEAM, term_started_on=dt.date(2022, 1, 10), term_years_override=5)
    assert check_structure(facts, TODAY).term_ends_on == dt.date(2027, 1, 10)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31)), st.integers(1, 10))
def test_term_end_is_the_same_day_years_later_or_28_february(started, years):
    ends = rules.term_end(started, years)
    assert ends.year == started.year + years
    assert (ends.month, ends.day) == (started.month, started.day) or (started.month, started.day) == (2, 29)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31)), st.integers(-36, 36))
def test_add_months_lands_in_the_right_month(day, months):
    moved = rules.add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


# 党章 第30条 --------------------------------------------------------------------------------------------------


def test_kind_nesting():
    assert rules.may_contain("committee", "branch")
    assert rules.may_contain("branch", "group")
    assert not rules.may_contain("branch", "branch")
    assert not rules.may_contain("group", "group")
    assert not rules.may_contain("general_branch", "group")


def test_every_finding_names_its_source_in_chinese():
    facts = branch(full=2, probationary=60, team=(), unit_count=1, term_started_on=dt.date(2015, 1, 1))
    for finding in check_structure(facts, TODAY).findings:
        assert finding.source and finding.message
        assert finding.severity in {"error", "warning", "info"}
