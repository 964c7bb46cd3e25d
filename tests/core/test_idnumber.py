"""core.idnumber: GB 11643-1999 check digit, birth date and gender."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core import idnumber
from dangjian.core.idnumber import InvalidIdNumber


def test_known_valid_number_from_the_standard():
    # The worked example of GB 11643-1999 appendix: 11010519491231002X.
    assert idnumber.parse("11010519491231002X") == (dt.date(1949, 12, 31), "female")


def test_lower_case_x_and_spaces_are_normalized():
    assert idnumber.is_valid(" 11010519491231002x ")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002", "18位"),
        ("1101051949123100221", "18位"),
        ("A1010519491231002X", "18位"),
        ("99010519491231002X", "地址码"),
        ("110105194913310028", "出生日期"),
        ("110105194902300025", "出生日期"),
        ("110105194912310021", "校验码"),
    ],
)
def test_invalid_numbers_say_what_is_wrong_in_chinese(value, message):
    with pytest.raises(InvalidIdNumber, match=message):
        idnumber.parse(value)


def test_birth_date_in_the_future_is_refused():
    number = idnumber.build("341825", dt.date(2030, 1, 1), 11)
    with pytest.raises(InvalidIdNumber, match="出生日期"):
        idnumber.parse(number, today=dt.date(2026, 11, 28))


@given(
    st.sampled_from(["110105", "341825", "341802", "650102", "820000"]),
    st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2008, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_built_numbers_parse_back_to_their_birth_date_and_gender(area, birth, sequence):
    number = idnumber.build(area, birth, sequence)
    assert idnumber.parse(number) == (birth, "male" if sequence % 2 else "female")


@given(
    st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2008, 12, 31)),
    st.integers(0, 999),
    st.integers(0, 16),
    st.integers(1, 9),
)
def test_changing_any_single_digit_breaks_the_check(birth, sequence, position, delta):
    number = idnumber.build("341825", birth, sequence)
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    tampered = "".join(digits)
    assert idnumber.check_digit(tampered[:17]) != tampered[17]
