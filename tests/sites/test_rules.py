"""sites.rules at their edges: phases and deadlines, weights and parts, satisfaction, working days, quotas,
plaques, 七一 commendation, re-review pass mark, bottom-rank management, and the state machine."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.sites import rules

D = Decimal

# --- phases -----------------------------------------------------------------------------------------------------


def test_default_deadlines_follow_the_seeds_calendar():
    deadlines = rules.default_deadlines(2026)
    assert deadlines.mobilization_by == dt.date(2026, 3, 31)  # 3 月下旬前
    assert deadlines.plan_due == dt.date(2026, 3, 31)  # 3 月底前上报创建计划
    assert deadlines.implementation_by == dt.date(2026, 6, 10)  # 6 月上旬前
    assert deadlines.acceptance_by == dt.date(2026, 7, 10)  # 7 月上旬前
    assert rules.deadline_problems(2026, deadlines) == []


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (dt.date(2026, 3, 31), rules.MOBILIZATION),
        (dt.date(2026, 4, 1), rules.IMPLEMENTATION),
        (dt.date(2026, 6, 10), rules.IMPLEMENTATION),
        (dt.date(2026, 6, 11), rules.ACCEPTANCE),
        (dt.date(2026, 7, 10), rules.ACCEPTANCE),
        (dt.date(2026, 7, 11), rules.FINISHED),
    ],
)
def test_phase_changes_the_day_after_each_deadline(day, phase):
    assert rules.phase_on(rules.default_deadlines(2026), day) == phase


@pytest.mark.parametrize(("day", "open_"), [(dt.date(2026, 6, 10), True), (dt.date(2026, 6, 11), False)])
def test_submission_closes_after_the_implementation_deadline(day, open_):
    assert rules.submission_open(rules.default_deadlines(2026), day) is open_


def test_deadlines_must_lie_in_the_year_and_in_order():
    good = rules.default_deadlines(2026)
    wrong_year = rules.Deadlines(
        dt.date(2025, 3, 31), good.plan_due, good.implementation_by, good.acceptance_by
    )
    assert [f for f, _m in rules.deadline_problems(2026, wrong_year)] == ["mobilization_by"]
    reversed_ = rules.Deadlines(good.mobilization_by, good.plan_due, dt.date(2026, 3, 1), good.acceptance_by)
    assert "implementation_by" in [f for f, _m in rules.deadline_problems(2026, reversed_)]
    late_plan = rules.Deadlines(
        good.mobilization_by, dt.date(2026, 6, 11), good.implementation_by, good.acceptance_by
    )
    assert [f for f, _m in rules.deadline_problems(2026, late_plan)] == ["plan_due"]
    early_acceptance = rules.Deadlines(
        good.mobilization_by, good.plan_due, good.implementation_by, dt.date(2026, 6, 9)
    )
    assert [f for f, _m in rules.deadline_problems(2026, early_acceptance)] == ["acceptance_by"]


# --- weights and parts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "ok"),
    [
        ((20, 40, 40), True),
        ((0, 0, 100), True),
        ((20, 40, 39), False),
        ((20, 40, 41), False),
        ((-1, 51, 50), False),
    ],
)
def test_weights_sum_to_one_hundred(weights, ok):
    assert (rules.weights_problem(rules.Weights(*weights)) is None) is ok


def test_normalised_scales_a_part_to_one_hundred():
    assert rules.normalised(D("17"), D("20")) == D("85.00")
    assert rules.normalised(D("2"), D("3")) == D("66.67")
    assert rules.normalised(D("1"), D("0")) == D("0.00")
    assert rules.normalised(D("25"), D("20")) == D("100.00")  # capped


def test_weighted_total_example():
    assert rules.weighted_total(D("80"), D("95"), D("90"), rules.Weights(20, 40, 40)) == D("90.00")


parts = st.decimals(min_value=0, max_value=100, places=2)


@st.composite
def weight_triples(draw):
    a = draw(st.integers(0, 100))
    b = draw(st.integers(0, 100 - a))
    return rules.Weights(a, b, 100 - a - b)


@given(parts, parts, parts, weight_triples())
def test_weighted_total_lies_between_the_smallest_and_largest_part(a, b, c, weights):
    total = rules.weighted_total(a, b, c, weights)
    assert min(a, b, c) - D("0.01") <= total <= max(a, b, c) + D("0.01")


@given(parts, weight_triples())
def test_equal_parts_give_that_part_whatever_the_weights(a, weights):
    assert rules.weighted_total(a, a, a, weights) == a


@given(parts, parts, parts, weight_triples())
def test_weighted_total_is_the_exact_weighted_mean_rounded_once(a, b, c, weights):
    exact = (Fraction(a) * weights.self + Fraction(b) * weights.mass + Fraction(c) * weights.org) / 100
    assert abs(Fraction(rules.weighted_total(a, b, c, weights)) - exact) <= Fraction(1, 200)


@given(st.integers(0, 1000), st.integers(1, 1000))
def test_normalised_is_a_share_of_one_hundred(earned, available):
    value = rules.normalised(D(earned), D(available))
    assert D(0) <= value <= D(100)
    if earned <= available:
        assert abs(Fraction(value) - Fraction(earned * 100, available)) <= Fraction(1, 200)


def test_self_part_counts_manual_and_automatic_points_over_the_catalogue():
    max_scores = {"A": D(4), "B": D(6), "C": D(10)}
    assert rules.self_part(max_scores, {"A": D(4), "B": D(3)}) == D("35.00")
    assert rules.self_part(max_scores, {"A": D(9), "B": D(6), "C": D(10)}) == D("100.00")  # never above max


def test_org_part_averages_methods_within_a_reviewer_then_reviewers():
    max_scores = {"auto": D(10), "m1": D(10), "m2": D(20)}
    auto = {"auto": D(10)}
    first = {"m1": [D(10), D(6)], "m2": [D(20)]}  # m1 mean 8
    second = {"m1": [D(4)], "m2": [D(10)]}
    # first: (10 + 8 + 20) / 40 = 95%; second: (10 + 4 + 10) / 40 = 60%; mean 77.5
    assert rules.org_part(max_scores, auto, [first, second]) == D("77.50")
    assert rules.org_part(max_scores, auto, []) is None


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["m1", "m2"]), st.lists(st.integers(0, 10).map(D), min_size=1, max_size=3)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_org_part_stays_within_zero_and_one_hundred(reviewers):
    value = rules.org_part({"m1": D(10), "m2": D(10)}, {}, reviewers)
    assert D(0) <= value <= D(100)


# --- satisfaction --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("satisfied", "answered", "met"), [(89, 100, False), (90, 100, True), (91, 100, True)]
)
def test_satisfaction_threshold_of_ninety_percent(satisfied, answered, met):
    rate = rules.satisfaction_rate(satisfied, answered)
    assert rules.satisfaction_met(rate, 90) is met


def test_no_answers_means_no_rate_and_not_met():
    assert rules.satisfaction_rate(0, 0) is None
    assert rules.satisfaction_met(None, 0) is False


@pytest.mark.parametrize(
    ("overall", "satisfied"), [("satisfied", True), ("basically_satisfied", True), ("dissatisfied", False)]
)
def test_satisfied_and_basically_satisfied_both_count(overall, satisfied):
    assert rules.is_satisfied(overall) is satisfied


@given(st.integers(0, 500), st.integers(1, 500))
def test_satisfaction_rate_is_a_share(satisfied, answered):
    rate = rules.satisfaction_rate(satisfied, answered)
    assert 0 <= rate <= 1


# --- working days ------------------------------------------------------------------------------------------------


def test_five_working_days_from_a_wednesday_end_the_next_tuesday():
    assert rules.notice_ends_on(dt.date(2026, 4, 15), 5) == dt.date(2026, 4, 21)


def test_a_notice_starting_on_saturday_counts_from_monday():
    assert rules.notice_ends_on(dt.date(2026, 4, 18), 1) == dt.date(2026, 4, 20)


def test_holidays_are_skipped_and_adjusted_weekend_days_count():
    holidays = frozenset({dt.date(2026, 5, 1), dt.date(2026, 5, 4), dt.date(2026, 5, 5)})
    extra = frozenset({dt.date(2026, 5, 9)})  # a Saturday worked in exchange
    assert rules.notice_ends_on(dt.date(2026, 4, 30), 3, holidays, extra) == dt.date(2026, 5, 7)
    assert rules.notice_ends_on(dt.date(2026, 5, 7), 3, holidays, extra) == dt.date(2026, 5, 9)


@given(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), st.integers(1, 30))
def test_a_notice_lasts_exactly_its_working_days(start, days):
    end = rules.notice_ends_on(start, days)
    counted = sum(
        1 for n in range((end - start).days + 1) if rules.is_working_day(start + dt.timedelta(days=n))
    )
    assert counted == days and rules.is_working_day(end)


@pytest.mark.parametrize(("today", "over"), [(dt.date(2026, 4, 21), False), (dt.date(2026, 4, 22), True)])
def test_designation_waits_until_the_day_after_the_notice(today, over):
    assert rules.notice_over(dt.date(2026, 4, 21), today) is over


def test_a_notice_runs_from_its_first_to_its_last_day():
    start, end = dt.date(2026, 4, 15), dt.date(2026, 4, 21)
    assert not rules.notice_running(start, end, dt.date(2026, 4, 14))
    assert rules.notice_running(start, end, start) and rules.notice_running(start, end, end)
    assert not rules.notice_running(start, end, dt.date(2026, 4, 22))


# --- quotas, plaques, commendation, re-review -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quota", "designated", "left"), [(3, 2, 1), (3, 3, 0), (3, 4, 0), (None, 0, 0), (0, 0, 0)]
)
def test_quota_left(quota, designated, left):
    assert rules.quota_left(quota, designated) == left


def test_default_quotas_are_the_seeds_forty_county_sites():
    quotas = rules.DEFAULT_QUOTAS
    assert sum(quotas.values()) == 40
    assert quotas[("township", "county")] + quotas[("rural", "county")] == 18
    assert quotas[("township", "county")] == 3 and quotas[("rural", "county")] == 15
    assert quotas[("community", "county")] == 3
    assert quotas[("soe", "county")] + quotas[("private", "county")] == 5
    assert quotas[("soe", "county")] == 2 and quotas[("private", "county")] == 3
    assert quotas[("organ", "county")] == 10 and quotas[("institution", "county")] == 4


def test_plaque_number():
    assert rules.plaque_number("示范点", 2026, "county", 7) == "示范点〔2026〕县级第007号"
    assert rules.plaque_number("旌组示", 2026, "city", 12) == "旌组示〔2026〕市级第012号"


@pytest.mark.parametrize(
    ("day", "ok"), [(dt.date(2026, 6, 30), True), (dt.date(2026, 7, 1), True), (dt.date(2026, 7, 2), False)]
)
def test_commendation_comes_before_july_first(day, ok):
    assert rules.commendation_in_time(day) is ok


@pytest.mark.parametrize(("score", "passed"), [(D("79.99"), False), (D("80"), True), (D("80.01"), True)])
def test_rereview_pass_mark(score, passed):
    assert rules.rereview_passed(score, 80) is passed


# --- bottom-rank management -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "count", "share", "expected"),
    [
        (0, 1, 0, 0),
        (1, 1, 0, 0),
        (2, 1, 0, 1),
        (5, 2, 0, 2),
        (3, 5, 0, 2),
        (10, 1, 10, 1),
        (11, 1, 10, 2),
        (10, 0, 0, 0),
    ],
)
def test_bottom_count(total, count, share, expected):
    assert rules.bottom_count(total, count, share) == expected


def test_bottom_ranked_takes_the_lowest_and_their_ties():
    scores = {"a": D(90), "b": D(70), "c": D(70), "d": D(85)}
    assert rules.bottom_ranked(scores, 1) == ["b", "c"]
    assert rules.bottom_ranked({"a": D(90), "b": D(60), "c": D(70)}, 1) == ["b"]


def test_a_tie_across_the_whole_domain_marks_no_one():
    assert rules.bottom_ranked({"a": D(80), "b": D(80)}, 1) == []


@given(
    st.dictionaries(st.integers(1, 50), st.integers(0, 100).map(D), max_size=30),
    st.integers(0, 5),
    st.integers(0, 50),
)
def test_bottom_ranked_never_marks_everyone_and_marks_the_lowest(scores, count, share):
    bottom = rules.bottom_ranked(scores, count, share)
    assert len(bottom) < max(len(scores), 1)
    if bottom:
        highest_bottom = max(scores[k] for k in bottom)
        assert all(scores[k] >= highest_bottom for k in scores if k not in bottom)


def test_rank_shares_places_between_equal_scores():
    assert rules.rank({"a": D(90), "b": D(85), "c": D(90), "d": D(80)}) == {"a": 1, "b": 3, "c": 1, "d": 4}


# --- the state machine ----------------------------------------------------------------------------------------------

STATES = ["draft", "submitted", "recommended", "evaluated", "publicized", "designated", "rejected", "revoked"]
ALLOWED = {
    ("submit", "draft"): "submitted",
    ("recommend", "submitted"): "recommended",
    ("return", "submitted"): "draft",
    ("return", "recommended"): "draft",
    ("evaluate", "recommended"): "evaluated",
    ("publicize", "evaluated"): "publicized",
    ("designate", "publicized"): "designated",
    ("reject", "submitted"): "rejected",
    ("reject", "recommended"): "rejected",
    ("reject", "evaluated"): "rejected",
    ("reject", "publicized"): "rejected",
    ("revoke", "designated"): "revoked",
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(rules.TRANSITIONS))
def test_every_action_from_every_state(action, state):
    if (action, state) in ALLOWED:
        assert rules.next_state(action, state) == ALLOWED[(action, state)]
        assert action in rules.allowed_actions(state)
    else:
        with pytest.raises(rules.TransitionRefused) as refused:
            rules.next_state(action, state)
        assert "依据" in str(refused.value)
        assert action not in rules.allowed_actions(state)


def test_final_states_allow_nothing_but_revoking_a_designated_site():
    assert rules.allowed_actions("rejected") == [] and rules.allowed_actions("revoked") == []
    assert rules.allowed_actions("designated") == ["revoke"]


def test_plan_needs_all_five_parts():
    plan = {"goals": "g", "content": "c", "schedule": "s", "measures": "m", "responsible": "r"}
    assert rules.missing_plan_fields(plan) == []
    assert rules.missing_plan_fields({**plan, "measures": "  "}) == ["measures"]
    assert rules.missing_plan_fields({}) == list(rules.PLAN_FIELDS)


@given(
    st.sampled_from(["township", "county", "city"]),
    st.sampled_from(["county_admin", "committee_officer", "branch_secretary", "member", "reviewer"]),
)
def test_only_the_organization_department_decides_county_and_city_sites(tier, role):
    expected = role == "county_admin" or (tier == "township" and role == "committee_officer")
    assert rules.may_decide(role, tier) is expected
