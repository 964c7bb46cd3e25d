"""The single rules of member development at their edges: one day before, on, and after (plain values)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.orgs.rules import add_months
from dangjian.recruitment import rules

D = dt.date
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))
ONE = dt.timedelta(days=1)


# --- 细则 第5条: eighteen on the day of the application -------------------------------------------------------


@pytest.mark.parametrize(
    ("applied_on", "ok"), [(D(2024, 4, 1), False), (D(2024, 4, 2), True), (D(2024, 4, 3), True)]
)
def test_an_applicant_must_be_eighteen_on_the_day_of_application(applied_on, ok):
    assert rules.old_enough_to_apply(D(2006, 4, 2), applied_on) is ok


def test_someone_born_on_29_february_may_apply_from_1_march():
    assert not rules.old_enough_to_apply(D(2004, 2, 29), D(2022, 2, 28))
    assert rules.old_enough_to_apply(D(2004, 2, 29), D(2022, 3, 1))


@given(birth=st.dates(min_value=D(1950, 1, 1), max_value=D(2010, 12, 31)))
def test_the_eighteenth_birthday_is_the_first_day_one_may_apply(birth):
    from dangjian.members.rules import coming_of_age

    adult = coming_of_age(birth)
    assert rules.old_enough_to_apply(birth, adult)
    assert not rules.old_enough_to_apply(birth, adult - ONE)


# --- 细则 第7条: the talk within a month ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("applied_on", "due"),
    [(D(2025, 1, 15), D(2025, 2, 15)), (D(2025, 1, 31), D(2025, 2, 28)), (D(2024, 12, 31), D(2025, 1, 31))],
)
def test_the_talk_is_due_a_month_after_the_application(applied_on, due):
    assert rules.talk_due(applied_on) == due


# --- 细则 第13条: one full year as an activist ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "complete"), [(D(2025, 2, 28), False), (D(2025, 3, 1), True), (D(2025, 3, 2), True)]
)
def test_an_activist_becomes_a_candidate_after_exactly_one_year_at_the_earliest(on, complete):
    assert rules.activist_year_complete(D(2024, 3, 1), on) is complete


def test_an_activist_of_29_february_completes_the_year_on_28_february():
    assert rules.candidate_earliest(D(2024, 2, 29)) == D(2025, 2, 28)
    assert not rules.activist_year_complete(D(2024, 2, 29), D(2025, 2, 27))


@given(activist_on=days)
def test_the_activist_year_edge_holds_for_every_date(activist_on):
    earliest = rules.candidate_earliest(activist_on)
    assert rules.activist_year_complete(activist_on, earliest)
    assert not rules.activist_year_complete(activist_on, earliest - ONE)
    assert 365 <= (earliest - activist_on).days <= 366


@pytest.mark.parametrize(("months", "earliest"), [(0, D(2025, 1, 10)), (6, D(2025, 7, 10))])
def test_a_local_wait_between_application_and_activist_is_a_setting(months, earliest):
    assert rules.activist_earliest(D(2025, 1, 10), months) == earliest


# --- 细则 第11条: half-yearly reviews -----------------------------------------------------------------------


def test_activist_reviews_are_due_every_six_months_from_the_last_one():
    assert rules.next_review_due(D(2024, 3, 1), None) == D(2024, 9, 1)
    assert rules.next_review_due(D(2024, 3, 1), D(2024, 8, 20)) == D(2025, 2, 20)


# --- 细则 第8条: the deciding body --------------------------------------------------------------------------


def test_the_branch_committee_decides_and_without_one_the_branch_assembly():
    assert rules.deciding_body(True) == rules.BODY_COMMITTEE
    assert rules.deciding_body(False) == rules.BODY_ASSEMBLY


# --- 细则 第9条 and 第14条: mentors and sponsors -------------------------------------------------------------


def person(pk, category="full", status="active"):
    return rules.PersonFacts(f"党员{pk}", category, status, pk)


@pytest.mark.parametrize(("count", "ok"), [(0, False), (1, True), (2, True), (3, False)])
def test_one_or_two_full_members_mentor_an_activist(count, ok):
    assert rules.mentor_count_ok(count) is ok
    assert (rules.mentor_problems([person(i) for i in range(count)]) == []) is ok


@pytest.mark.parametrize(
    ("sponsors", "ok"),
    [
        ([person(1), person(2)], True),
        ([person(1)], False),
        ([person(1), person(2), person(3)], False),
        ([person(1), person(1)], False),
        ([person(1), person(2, category="probationary")], False),
        ([person(1), person(2, status="suspended")], False),
        ([person(1), person(2, status="lost_contact")], False),
        ([person(1), person(2, status="left")], False),
        ([person(1), person(2, status="mobile")], True),
    ],
)
def test_sponsors_are_exactly_two_different_full_members_in_good_standing(sponsors, ok):
    assert (rules.sponsor_problems(sponsors) == []) is ok


def test_a_probationary_mentor_is_refused_by_name():
    problems = rules.mentor_problems([person(1, category="probationary")])
    assert problems == ["党员1是预备党员，不能担任培养联系人"]


# --- 细则 第17条: training ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_", "hours", "ok"),
    [
        (2, 0, False),
        (3, 0, True),
        (4, 0, True),
        (0, 23, False),
        (0, 24, True),
        (0, 25, True),
        (2.5, 23.5, False),
    ],
)
def test_short_training_is_three_days_or_twenty_four_hours(days_, hours, ok):
    assert rules.training_sufficient(days_, hours) is ok


@given(st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=500))
def test_training_is_enough_exactly_when_one_of_the_two_measures_is(days_, hours):
    assert rules.training_sufficient(days_, hours) == (days_ >= 3 or hours >= 24)


# --- RULES.md 第50条 [LOCAL]: the public notice in working days -----------------------------------------------


def test_five_working_days_from_a_monday_end_on_friday():
    assert rules.notice_last_day(D(2025, 5, 12), 5) == D(2025, 5, 16)


def test_a_notice_starting_on_thursday_skips_the_weekend():
    assert rules.notice_last_day(D(2025, 5, 15), 5) == D(2025, 5, 21)


def test_a_notice_starting_on_saturday_counts_from_monday():
    assert rules.notice_last_day(D(2025, 5, 17), 5) == D(2025, 5, 23)


def test_holidays_are_skipped_and_adjusted_working_weekends_count():
    # 2025 National Day: 1–8 October off; Saturday 11 October is a working day (调休).
    holidays = frozenset(D(2025, 10, d) for d in range(1, 9))
    workdays = frozenset({D(2025, 10, 11)})
    assert rules.notice_last_day(D(2025, 9, 30), 5, holidays, workdays) == D(2025, 10, 13)
    assert rules.notice_last_day(D(2025, 9, 30), 5) == D(2025, 10, 6)


@given(start=days, working_days=st.integers(min_value=1, max_value=20))
def test_a_notice_holds_exactly_the_asked_working_days(start, working_days):
    last = rules.notice_last_day(start, working_days)
    span = [start + dt.timedelta(days=n) for n in range((last - start).days + 1)]
    assert sum(1 for day in span if rules.is_working_day(day)) == working_days
    assert rules.is_working_day(last)


@pytest.mark.parametrize(("vote_on", "over"), [(D(2025, 5, 16), False), (D(2025, 5, 17), True)])
def test_the_assembly_may_discuss_the_day_after_the_notice_ends(vote_on, over):
    assert rules.notice_over(D(2025, 5, 16), vote_on) is over


# --- 细则 第24条: approval within 3 months, never beyond 6 --------------------------------------------------


@pytest.mark.parametrize(
    ("approved_on", "timing"),
    [
        (D(2025, 8, 19), rules.IN_TIME),
        (D(2025, 8, 20), rules.IN_TIME),
        (D(2025, 8, 21), rules.SPECIAL),
        (D(2025, 11, 20), rules.SPECIAL),
        (D(2025, 11, 21), rules.TOO_LATE),
    ],
)
def test_approval_is_due_in_three_months_and_never_beyond_six(approved_on, timing):
    assert rules.approval_timing(D(2025, 5, 20), approved_on) == timing


@given(vote_on=days, offset=st.integers(min_value=0, max_value=400))
def test_approval_timing_follows_the_month_edges(vote_on, offset):
    approved_on = vote_on + dt.timedelta(days=offset)
    expected = (
        rules.IN_TIME
        if approved_on <= add_months(vote_on, 3)
        else rules.SPECIAL
        if approved_on <= add_months(vote_on, 6)
        else rules.TOO_LATE
    )
    assert rules.approval_timing(vote_on, approved_on) == expected


@pytest.mark.parametrize(
    ("submitted_on", "outcome"),
    [
        (D(2025, 8, 20), rules.IN_TIME),
        (D(2025, 8, 21), rules.REDELIBERATE),
        (D(2025, 11, 20), rules.REDELIBERATE),
        (D(2025, 11, 21), rules.REDO),
    ],
)
def test_a_resolution_sent_up_late_is_deliberated_again_or_redone(submitted_on, outcome):
    assert rules.resubmission(D(2025, 5, 20), submitted_on, 3, 6) == outcome


def test_the_local_resubmission_limits_can_be_switched_off():
    assert rules.resubmission(D(2025, 5, 20), D(2026, 5, 20), 0, 0) == rules.IN_TIME
    assert rules.resubmission(D(2025, 5, 20), D(2026, 5, 20), 3, 0) == rules.REDELIBERATE


# --- who may approve (细则 第24条; 共产党员网 Q&A; 农村条例) ------------------------------------------------------


@pytest.mark.parametrize(
    ("approver", "parent", "case_domain", "ok"),
    [
        (("committee", "township"), ("committee", "organ"), "rural", True),  # 乡镇党委 for a village
        (("committee", "township"), ("committee", "organ"), "community", True),
        (("general_branch", "rural"), ("committee", "township"), "rural", False),  # 党总支
        (("general_branch", "organ"), ("committee", "organ"), "organ", False),
        (("committee", "rural"), ("committee", "township"), "rural", False),  # 村党委 under a 乡镇党委
        (("committee", "community"), ("committee", "township"), "community", False),  # 社区党委
        (("committee", "organ"), None, "rural", False),  # the county committee for a village: 乡镇党委 only
        (("committee", "organ"), ("committee", "organ"), "organ", True),  # 机关党委
        (("working_committee", "organ"), ("committee", "organ"), "organ", True),  # 机关工委
        (("committee", "soe"), ("working_committee", "organ"), "soe", True),
        (("branch", "rural"), ("committee", "township"), "rural", False),
        (("group", "rural"), ("branch", "rural"), "rural", False),
    ],
)
def test_who_may_approve_admissions(approver, parent, case_domain, ok):
    parent_kind, parent_domain = parent if parent else (None, None)
    assert rules.may_approve(approver[0], approver[1], parent_kind, parent_domain, case_domain) is ok
    refusal = rules.approval_refusal(approver[0], approver[1], parent_kind, parent_domain, case_domain)
    assert (refusal is None) is ok
    if refusal:
        assert "细则 第24条" in refusal


def test_a_general_branch_is_told_it_has_no_authority():
    assert "党总支没有审批" in rules.approval_refusal(
        "general_branch", "rural", "committee", "township", "rural"
    )


# --- probation, extension, conversion (党章 第7条; 细则 第32–34条) --------------------------------------------


def test_probation_is_one_year_from_the_vote():
    assert rules.probation_end(D(2025, 5, 20)) == D(2026, 5, 20)
    assert rules.probation_end(D(2024, 2, 29)) == D(2025, 2, 28)
    assert rules.probation_end(D(2025, 5, 20), 6) == D(2026, 11, 20)


@pytest.mark.parametrize(
    ("on", "ok"), [(D(2026, 5, 19), False), (D(2026, 5, 20), True), (D(2026, 5, 21), True)]
)
def test_conversion_is_not_discussed_before_probation_ends(on, ok):
    assert rules.conversion_discussable(D(2026, 5, 20), on) is ok


@pytest.mark.parametrize(
    ("months", "extended", "ok"),
    [
        (5, False, False),
        (6, False, True),
        (12, False, True),
        (13, False, False),
        (None, False, False),
        (6, True, False),
    ],
)
def test_probation_is_extended_once_by_six_to_twelve_months(months, extended, ok):
    assert (rules.extension_problem(months, extended) is None) is ok


@given(st.integers(min_value=-5, max_value=30), st.booleans())
def test_extension_limits_for_any_number(months, extended):
    assert (rules.extension_problem(months, extended) is None) == (not extended and 6 <= months <= 12)


@pytest.mark.parametrize(
    ("approved_on", "timing"),
    [(D(2026, 8, 20), rules.IN_TIME), (D(2026, 8, 21), rules.TOO_LATE)],
)
def test_conversion_is_approved_within_three_months(approved_on, timing):
    assert rules.conversion_approval_timing(D(2026, 5, 20), approved_on) == timing


def test_conversion_is_dated_from_the_end_of_probation_whenever_approved():
    assert rules.conversion_date(D(2026, 5, 20)) == D(2026, 5, 20)


@pytest.mark.parametrize(
    ("today", "years"), [(D(2027, 5, 19), 0), (D(2027, 5, 20), 1), (D(2036, 5, 20), 10), (D(2026, 1, 1), 0)]
)
def test_party_age_counts_full_years_from_conversion(today, years):
    assert rules.party_age(D(2026, 5, 20), today) == years
