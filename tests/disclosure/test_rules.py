"""The board's rules at their edges: an item is public from its publishing day through its closing day, never
when withdrawn; it changes only before it goes live; a withdrawal is for what is or will be public."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.disclosure import rules

PUBLISH = dt.date(2026, 5, 1)
EXPIRES = dt.date(2026, 5, 31)
TODAY = dt.date(2026, 4, 15)


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (PUBLISH - dt.timedelta(days=1), False),
        (PUBLISH, True),
        (EXPIRES, True),
        (EXPIRES + dt.timedelta(days=1), False),
    ],
)
def test_an_item_is_shown_from_its_publishing_day_through_its_closing_day(today, shown):
    assert rules.is_shown(PUBLISH, EXPIRES, False, today) is shown


@pytest.mark.parametrize("today", [PUBLISH, EXPIRES, PUBLISH + dt.timedelta(days=10)])
def test_a_withdrawn_item_is_never_shown(today):
    assert rules.is_shown(PUBLISH, EXPIRES, True, today) is False
    assert rules.item_state(PUBLISH, EXPIRES, True, today) == rules.WITHDRAWN


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (PUBLISH - dt.timedelta(days=1), rules.SCHEDULED),
        (PUBLISH, rules.LIVE),
        (EXPIRES, rules.LIVE),
        (EXPIRES + dt.timedelta(days=1), rules.EXPIRED),
    ],
)
def test_the_state_follows_the_dates(today, state):
    assert rules.item_state(PUBLISH, EXPIRES, False, today) == state


@pytest.mark.parametrize(
    ("today", "allowed"),
    [(PUBLISH - dt.timedelta(days=1), True), (PUBLISH, False), (PUBLISH + dt.timedelta(days=1), False)],
)
def test_an_item_changes_only_before_it_goes_live(today, allowed):
    assert rules.may_update(PUBLISH, False, today) is allowed
    assert rules.may_update(PUBLISH, True, PUBLISH - dt.timedelta(days=5)) is False


@pytest.mark.parametrize(
    ("today", "allowed"),
    [(PUBLISH - dt.timedelta(days=3), True), (EXPIRES, True), (EXPIRES + dt.timedelta(days=1), False)],
)
def test_a_withdrawal_takes_down_what_is_or_will_be_public(today, allowed):
    assert rules.may_withdraw(EXPIRES, False, today) is allowed
    assert rules.may_withdraw(EXPIRES, True, today) is False


@pytest.mark.parametrize(
    ("publish_on", "expires_on", "fields"),
    [
        (TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=5), {"publish_on"}),
        (TODAY, TODAY + dt.timedelta(days=5), set()),
        (TODAY, TODAY, {"expires_on"}),
        (TODAY, TODAY + dt.timedelta(days=1), set()),
        (TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=2), {"expires_on"}),
        (TODAY, TODAY + dt.timedelta(days=rules.MAX_PERIOD_DAYS), set()),
        (TODAY, TODAY + dt.timedelta(days=rules.MAX_PERIOD_DAYS + 1), {"expires_on"}),
    ],
)
def test_the_period_must_start_today_or_later_and_end_after_it_starts(publish_on, expires_on, fields):
    assert set(rules.period_problems(publish_on, expires_on, TODAY)) == fields


dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(deadline=None)  # pure and fast, but the shared machine may pause any example
@given(publish_on=dates, length=st.integers(min_value=1, max_value=800), today=dates, withdrawn=st.booleans())
def test_shown_exactly_when_the_state_is_live(publish_on, length, today, withdrawn):
    expires_on = publish_on + dt.timedelta(days=length)
    shown = rules.is_shown(publish_on, expires_on, withdrawn, today)
    assert shown == (rules.item_state(publish_on, expires_on, withdrawn, today) == rules.LIVE)
    if rules.may_update(publish_on, withdrawn, today):
        assert rules.item_state(publish_on, expires_on, withdrawn, today) == rules.SCHEDULED
