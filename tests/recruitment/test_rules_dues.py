"""What a case is due for (`dues_of`), the window of the due list and the reminder levels (plain values)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.recruitment import rules
from dangjian.recruitment.rules import Recorded

from .test_rules_order import DATES, state_after

D = dt.date


def codes(state, today):
    return {(d.code, d.due_on) for d in rules.dues_of(state, today)}


def test_an_applicant_is_due_a_talk_within_a_month():
    assert codes(state_after(1), D(2024, 1, 9)) == {(rules.TALK, D(2024, 2, 8))}
    assert codes(state_after(2), D(2024, 1, 21)) == set()


@pytest.mark.parametrize(
    ("today", "overdue"), [(D(2024, 2, 7), False), (D(2024, 2, 8), False), (D(2024, 2, 9), True)]
)
def test_the_talk_is_overdue_the_day_after_its_month(today, overdue):
    (due,) = rules.dues_of(state_after(1), today)
    assert due.overdue(today) is overdue


def test_activist_reviews_fall_due_six_months_after_the_last():
    assert codes(state_after(5), D(2024, 6, 1)) == {(rules.ACTIVIST_REVIEW, D(2024, 9, 1))}
    state = state_after(6)
    assert codes(state, D(2024, 10, 1)) == {(rules.ACTIVIST_REVIEW, D(2025, 3, 1))}
    later = state_after(6, steps=(*state.steps, Recorded(6, D(2025, 2, 10))))
    assert codes(later, D(2025, 2, 11)) == {(rules.ACTIVIST_REVIEW, D(2025, 8, 10))}


def test_a_running_notice_is_shown_but_never_late():
    state = state_after(13)
    assert codes(state, D(2025, 5, 14)) == {(rules.NOTICE_RUNNING, D(2025, 5, 16))}
    assert codes(state, D(2025, 5, 17)) == set()
    (due,) = rules.dues_of(state, D(2025, 5, 16))
    assert not due.overdue(D(2025, 5, 16)) and rules.reminder_level(due, D(2025, 5, 16), 7) is None


@pytest.mark.parametrize(
    ("today", "overdue", "lapsed"),
    [
        (D(2025, 8, 20), False, False),
        (D(2025, 8, 21), True, False),
        (D(2025, 11, 20), True, False),
        (D(2025, 11, 21), True, True),
    ],
)
def test_approval_is_due_three_months_after_the_vote_and_lapses_after_six(today, overdue, lapsed):
    (due,) = rules.dues_of(state_after(16), today)
    assert (due.code, due.due_on, due.last_on) == (rules.APPROVAL, D(2025, 8, 20), D(2025, 11, 20))
    assert due.overdue(today) is overdue and due.lapsed(today) is lapsed


def test_conversion_is_due_when_probation_ends_and_its_approval_three_months_after_the_vote():
    assert codes(state_after(21), D(2026, 5, 1)) == {(rules.CONVERSION, D(2026, 5, 20))}
    assert codes(state_after(23), D(2026, 6, 1)) == {(rules.CONVERSION_APPROVAL, D(2026, 8, 20))}
    assert codes(state_after(24), D(2026, 6, 11)) == set()


def test_closed_cases_are_due_for_nothing():
    for stage in (rules.WITHDRAWN, rules.CANCELLED, rules.FULL):
        assert rules.dues_of(state_after(1, stage=stage), D(2024, 6, 1)) == []


@pytest.mark.parametrize(("days", "shown"), [(29, False), (30, True)])
def test_the_window_holds_what_falls_due_within_the_days_asked(days, shown):
    due = rules.Due(rules.TALK, 2, D(2024, 2, 8))
    assert rules.in_window(due, D(2024, 1, 9), days) is shown


@given(offset=st.integers(min_value=-60, max_value=60), before=st.integers(min_value=0, max_value=30))
def test_reminder_levels(offset, before):
    today = D(2025, 6, 1)
    due = rules.Due(rules.CONVERSION, 23, today + dt.timedelta(days=offset))
    level = rules.reminder_level(due, today, before)
    if offset < 0:
        assert level == rules.WARNING
    elif offset <= before:
        assert level == rules.REMINDER
    else:
        assert level is None


def test_due_items_carry_their_rule():
    (due,) = rules.dues_of(state_after(21), D(2026, 5, 1))
    assert due.source == "细则 第32条" and "转正" in due.title
    assert DATES[21] < due.due_on
