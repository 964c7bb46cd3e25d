"""The transfer rules of members.rules at their edges (RULES.md 第95、98条)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.members import rules
from dangjian.orgs.rules import add_months

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@pytest.mark.parametrize(("months", "allowed"), [(0, False), (1, True), (3, True), (6, True), (7, False)])
def test_validity_is_between_one_month_and_the_maximum(months, allowed):
    issued = dt.date(2026, 3, 15)
    if allowed:
        assert rules.transfer_valid_until(issued, months, max_months=6) == add_months(issued, months)
    else:
        with pytest.raises(rules.RuleViolation, match="1 至 6 个月"):
            rules.transfer_valid_until(issued, months, max_months=6)


def test_validity_from_the_end_of_a_month_keeps_to_the_last_day():
    assert rules.transfer_valid_until(dt.date(2026, 11, 30), 3, max_months=6) == dt.date(2027, 2, 28)


@given(issued=days, months=st.integers(min_value=1, max_value=6))
def test_a_valid_letter_runs_at_least_four_weeks_per_month_and_never_past_the_maximum(issued, months):
    until = rules.transfer_valid_until(issued, months, max_months=6)
    assert until > issued
    assert 28 * months <= (until - issued).days <= 31 * months
    assert until <= add_months(issued, 6)


@given(issued=days, dues=days)
def test_dues_must_be_paid_up_to_the_month_of_transfer(issued, dues):
    expected = dues.year * 12 + dues.month >= issued.year * 12 + issued.month
    assert rules.dues_paid_for_transfer(dues, issued) is expected


@pytest.mark.parametrize(
    ("dues", "paid"),
    [(dt.date(2026, 2, 28), False), (dt.date(2026, 3, 1), True), (dt.date(2026, 4, 1), True)],
)
def test_dues_paid_edge_is_the_first_day_of_the_transfer_month(dues, paid):
    assert rules.dues_paid_for_transfer(dues, dt.date(2026, 3, 31)) is paid


@given(until=days, delta=st.integers(min_value=-400, max_value=400))
def test_a_letter_expires_the_day_after_its_validity(until, delta):
    assert rules.transfer_expired(until, until + dt.timedelta(days=delta)) is (delta > 0)
