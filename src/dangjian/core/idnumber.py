"""Resident identity numbers (公民身份号码), GB 11643-1999: 18 characters, ISO 7064 MOD 11-2 check digit."""

import datetime as dt
import re

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# First two digits: provinces 11–15, 21–23, 31–37, 41–46, 50–54, 61–65; 71 Taiwan, 81/82 HK/Macao.
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)
_SHAPE = re.compile(r"[1-9]\d{16}[\dX]")


class InvalidIdNumber(ValueError):
    """Raised with a message (gettext, Chinese by default) saying what is wrong."""


def check_digit(first17: str) -> str:
    # GB 11643-1999 §5: weighted sum mod 11 mapped onto 1 0 X 9 8 7 6 5 4 3 2.
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize(value: str) -> str:
    return value.strip().upper()


def parse(value: str, *, today: dt.date | None = None) -> tuple[dt.date, str]:
    """Validate an 18-digit number; return (birth date, gender 'male'|'female') or raise InvalidIdNumber."""
    number = normalize(value)
    if not _SHAPE.fullmatch(number):
        raise InvalidIdNumber(_("公民身份号码应为18位，前17位为数字，最后一位为数字或X"))
    if number[:2] not in PROVINCE_PREFIXES:
        raise InvalidIdNumber(_("公民身份号码的地址码无效"))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber(_("公民身份号码中的出生日期无效")) from None
    if birth > (today or dt.date.today()) or birth.year < 1900:
        raise InvalidIdNumber(_("公民身份号码中的出生日期无效"))
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber(_("公民身份号码校验码错误"))
    gender = "male" if int(number[16]) % 2 else "female"
    return birth, gender


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except InvalidIdNumber:
        return False
    return True


def build(area: str, birth: dt.date, sequence: int) -> str:
    """Compose a valid number from a 6-digit area code, birth date and 3-digit sequence (odd = male)."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
