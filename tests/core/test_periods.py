"""core.periods: months, quarters and years named as the API names them."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core import periods

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


@given(days, st.sampled_from(periods.KINDS))
def test_a_day_lies_in_its_period_and_periods_tile_the_year(day, kind):
    period = periods.period_of(day, kind)
    assert day in period
    assert period.start <= day <= period.end
    following = period.next()
    assert following.start == period.end + dt.timedelta(days=1)
    assert periods.parse(period.label) == period


@given(st.integers(min_value=1990, max_value=2100), st.sampled_from(periods.KINDS))
def test_periods_of_a_year_cover_every_day_once(year, kind):
    found = periods.periods_of_year(year, kind)
    assert found[0].start == dt.date(year, 1, 1)
    assert found[-1].end == dt.date(year, 12, 31)
    for earlier, later in itertools.pairwise(found):
        assert later.start == earlier.end + dt.timedelta(days=1)


def test_labels_follow_the_api():
    assert periods.period_of(dt.date(2026, 3, 31), periods.MONTH).label == "2026-03"
    assert periods.period_of(dt.date(2026, 3, 31), periods.QUARTER).label == "2026-Q1"
    assert periods.period_of(dt.date(2026, 4, 1), periods.QUARTER).label == "2026-Q2"
    assert periods.period_of(dt.date(2026, 12, 31), periods.YEAR).label == "2026"
    assert periods.month(2024, 2).end == dt.date(2024, 2, 29)
    assert periods.month(2026, 2).end == dt.date(2026, 2, 28)


def test_has_ended_is_strictly_after_the_last_day():
    march = periods.month(2026, 3)
    assert not march.has_ended(dt.date(2026, 3, 31))
    assert march.has_ended(dt.date(2026, 4, 1))


@pytest.mark.parametrize(
    "label", ["2026-13", "2026-00", "2026-Q5", "2026-Q0", "26-01", "2026/03", "", "abcd"]
)
def test_bad_labels_are_refused(label):
    with pytest.raises(ValueError):
        periods.parse(label)
