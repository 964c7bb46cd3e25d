"""members.rules: admission age (细则 第5条) and the conversion window (党章 第7条) at their edges."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from dangjian.members import rules


def test_eighteenth_birthday_is_the_first_day_one_may_join():
    birth = dt.date(2000, 5, 17)
    assert not rules.old_enough_to_join(birth, dt.date(2018, 5, 16))
    assert rules.old_enough_to_join(birth, dt.date(2018, 5, 17))


def test_born_on_29_february_comes_of_age_on_1_march():
    birth = dt.date(2004, 2, 29)
    assert rules.coming_of_age(birth) == dt.date(2022, 3, 1)
    assert not rules.old_enough_to_join(birth, dt.date(2022, 2, 28))
    assert rules.old_enough_to_join(birth, dt.date(2022, 3, 1))


@given(st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2008, 12, 31)))
def test_coming_of_age_agrees_with_old_enough_to_join(birth):
    adult = rules.coming_of_age(birth)
    assert rules.old_enough_to_join(birth, adult)
    assert not rules.old_enough_to_join(birth, adult - dt.timedelta(days=1))


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2025, 12, 31)))
def test_conversion_lies_one_to_two_years_after_joining(joined):
    one_year, two_years = rules.add_months(joined, 12), rules.add_months(joined, 24)
    assert rules.conversion_date_fits(joined, one_year)
    assert rules.conversion_date_fits(joined, two_years)
    assert not rules.conversion_date_fits(joined, one_year - dt.timedelta(days=1))
    assert not rules.conversion_date_fits(joined, two_years + dt.timedelta(days=1))
