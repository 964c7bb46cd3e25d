"""Demo Party members: plausible ages, dates, ID numbers, education and status for each kind of unit."""

import datetime as dt
import random
from bisect import bisect
from dataclasses import dataclass

from dangjian.core import idnumber
from dangjian.orgs.rules import add_years

from . import places
from .names import NameMaker

PROBATIONARY_SHARE = 0.05


@dataclass(frozen=True)
class Profile:
    """Who the members of one kind of unit are: age (low, mode, high), women's share, schooling, work."""

    age: tuple[int, int, int]
    female: float
    education: dict[str, float]
    occupation: dict[str, float]
    local_share: float  # ID numbers issued in 旌德 itself; the rest mostly elsewhere in 宣城
    mobile: float = 0.01  # 流动党员 among members under 55


# Education codes are members/codes.py EDUCATION (GB/T 4658-2006 groups), occupations its OCCUPATIONS.
PROFILES: dict[str, Profile] = {
    "rural": Profile(
        age=(19, 58, 95),
        female=0.22,
        education={"81": 20, "71": 36, "61": 18, "41": 6, "44": 4, "31": 9, "21": 6, "90": 1},
        occupation={"02": 82, "01": 9, "09": 9},
        local_share=0.94,
        mobile=0.08,
    ),
    "community": Profile(
        age=(20, 52, 92),
        female=0.46,
        education={"71": 16, "61": 22, "41": 8, "31": 26, "21": 26, "14": 1, "90": 1},
        occupation={"01": 25, "04": 20, "03": 15, "09": 40},
        local_share=0.85,
    ),
    "township": Profile(
        age=(22, 36, 60),
        female=0.34,
        education={"61": 4, "31": 24, "21": 62, "14": 10},
        occupation={"05": 100},
        local_share=0.7,
    ),
    "organ": Profile(
        age=(22, 42, 62),
        female=0.38,
        education={"61": 3, "31": 14, "21": 65, "14": 17, "11": 1},
        occupation={"05": 100},
        local_share=0.6,
    ),
    "retired": Profile(
        age=(58, 74, 95),
        female=0.3,
        education={"71": 8, "61": 28, "41": 24, "31": 24, "21": 16},
        occupation={"08": 100},
        local_share=0.8,
    ),
    "school": Profile(
        age=(22, 40, 62),
        female=0.56,
        education={"41": 4, "31": 18, "21": 64, "14": 13, "11": 1},
        occupation={"03": 85, "04": 15},
        local_share=0.6,
    ),
    "hospital": Profile(
        age=(22, 38, 62),
        female=0.6,
        education={"41": 6, "31": 26, "21": 52, "14": 15, "11": 1},
        occupation={"03": 85, "04": 15},
        local_share=0.6,
    ),
    "soe": Profile(
        age=(22, 41, 60),
        female=0.3,
        education={"47": 5, "61": 10, "31": 30, "21": 48, "14": 7},
        occupation={"01": 35, "03": 35, "04": 30},
        local_share=0.7,
    ),
    "private": Profile(
        age=(20, 34, 60),
        female=0.36,
        education={"44": 10, "41": 10, "61": 15, "31": 35, "21": 28, "14": 2},
        occupation={"01": 50, "03": 25, "04": 25},
        local_share=0.6,
    ),
    "social": Profile(
        age=(22, 46, 76),
        female=0.45,
        education={"61": 18, "31": 30, "21": 42, "14": 10},
        occupation={"04": 50, "03": 30, "09": 20},
        local_share=0.75,
    ),
}
# Occupations that say nothing about a workplace (farmers, retired people, others).
NO_WORK_UNIT = frozenset({"02", "08", "09"})

# GB 3304: mostly 汉族; 畲族 live in neighbouring 宁国, 回族 in every county town.
MINORITIES = {"03": 40, "22": 20, "11": 15, "06": 10, "08": 8, "15": 8, "02": 5, "10": 3}
MINORITY_SHARE = 0.012

# Mobile number segments in use (中国移动, 联通, 电信, 广电).
_SEGMENTS = (*range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 173, 175, 176, 177, 178)
PHONE_PREFIXES = tuple(str(n) for n in (*_SEGMENTS, *range(180, 190), 191, 195, 198, 199))

# (status, weight) for full members who are no longer simply 正常; the rest are active.
_OTHER_STATUSES = [
    ("transferred_out", 15),
    ("lost_contact", 4),
    ("left", 2),
    ("suspended", 1),
]


@dataclass(slots=True)
class Person:
    name: str
    gender: str
    id_number: str
    birth_date: dt.date
    ethnicity: str
    education: str
    category: str
    joined_on: dt.date
    converted_on: dt.date | None
    status: str
    phone: str
    native_place: str
    occupation: str
    degree: str


class IdNumbers:
    """Valid, unique 18-digit numbers, built from precomputed weighted sums (≈7× faster than idnumber.build)."""

    def __init__(self):
        self.used: set[int] = set()
        self._date_sums: dict[dt.date, int] = {}
        self._area_sums: dict[str, int] = {}
        self._seq_sums = [
            sum(int(c) * w for c, w in zip(f"{n:03d}", idnumber.WEIGHTS[14:], strict=True))
            for n in range(1000)
        ]

    def _weighted(self, digits: str, offset: int) -> int:
        return sum(int(c) * w for c, w in zip(digits, idnumber.WEIGHTS[offset:], strict=False))

    def make(self, rng: random.Random, area: str, birth: dt.date, male: bool) -> str:
        area_sum = self._area_sums.get(area)
        if area_sum is None:
            area_sum = self._area_sums[area] = self._weighted(area, 0)
        date_sum = self._date_sums.get(birth)
        if date_sum is None:
            date_sum = self._date_sums[birth] = self._weighted(f"{birth:%Y%m%d}", 6)
        head = f"{area}{birth:%Y%m%d}"
        for _ in range(50):
            # GB 11643 §4: an odd sequence number is a man, an even one a woman.
            seq = rng.randrange(500) * 2 + 1 if male else rng.randrange(1, 500) * 2
            key = int(head) * 1000 + seq
            if key not in self.used:
                self.used.add(key)
                check = idnumber.CHECK_CHARS[(area_sum + date_sum + self._seq_sums[seq]) % 11]
                return f"{head}{seq:03d}{check}"
        raise RuntimeError(f"出生日期 {birth} 的身份证顺序码已用尽")  # pragma: no cover


def _cumulative(weights: dict[str, float]) -> tuple[list[str], list[float]]:
    keys = list(weights)
    total, cum = 0.0, []
    for key in keys:
        total += weights[key]
        cum.append(total)
    return keys, cum


class PersonMaker:
    """Draws members for a unit's profile from one seeded Random, relative to the reference day `today`."""

    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        self.names = NameMaker(rng)
        self.ids = IdNumbers()
        self.latest_full_join = add_years(today, -1) - dt.timedelta(days=1)
        self._education = {key: _cumulative(p.education) for key, p in PROFILES.items()}
        self._occupation = {key: _cumulative(p.occupation) for key, p in PROFILES.items()}
        self._minorities = _cumulative(MINORITIES)
        self._statuses = _cumulative(dict(_OTHER_STATUSES))

    def _area(self, profile: Profile) -> str:
        roll = self.rng.random()
        if roll < profile.local_share:
            return places.COUNTY_CODE
        if roll < profile.local_share + (1 - profile.local_share) * 0.6:
            return self.rng.choice(places.AREA_PREFECTURE)
        return self.rng.choice(places.AREA_ELSEWHERE)

    def _choice(self, table: tuple[list[str], list[float]]) -> str:
        # random.choices(k=1) builds lists on every call; a bisect on the cumulative weights is 3× faster.
        keys, cum = table
        return keys[bisect(cum, self.rng.random() * cum[-1])]

    def make(self, profile_key: str, *, probationary: bool, tidy: bool = False) -> Person:
        rng, today = self.rng, self.today
        profile = PROFILES[profile_key]
        low, mode, high = profile.age
        if probationary:
            # 发展党员 mostly recruits the young (团员推优, 大学生); some older people join too.
            age = rng.triangular(max(low, 19), min(high, 58), max(low, 19) + 7)
        else:
            age = rng.triangular(max(low, 19), high, mode)
        birth = today - dt.timedelta(days=int(age * 365.2425) + rng.randrange(1, 30))
        male = rng.random() >= profile.female
        gender = "male" if male else "female"

        adult = add_years(birth, 18)
        if probationary:
            # Admitted within the last year, always after the 18th birthday (党章 第1条).
            joined = max(adult, today - dt.timedelta(days=rng.randrange(1, 365)))
            converted = None
            category = "probationary"
        else:
            span = (self.latest_full_join - adult).days
            # Most people joined young: skew the join date towards the 18th birthday.
            joined = adult + dt.timedelta(days=int(span * rng.random() ** 1.7))
            converted = add_years(joined, 1)  # 党章 第7条: one year of probation
            category = "full"

        status = "active"
        if not tidy:
            roll = rng.random()
            if probationary:
                status = "mobile" if roll < 0.03 else "active"
            elif age >= 65 and roll < 0.03:
                status = "deceased"
            elif age < 55 and roll < profile.mobile:
                status = "mobile"
            elif roll > 0.978:
                status = self._choice(self._statuses)

        ethnicity = self._choice(self._minorities) if rng.random() < MINORITY_SHARE else "01"
        education = self._choice(self._education[profile_key])
        if age >= 75 and education in ("21", "14", "11") and rng.random() < 0.7:
            education = "61"  # few of today's oldest members went to university
        if age >= 80 and rng.random() < 0.35:
            phone = ""
        else:
            phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
        occupation = self._choice(self._occupation[profile_key])
        if age >= 60 and occupation not in ("02", "05"):
            occupation = "08"  # retired, still a member of the branch where they worked or live
        area = self._area(profile)
        return Person(
            name=self.names.name(gender, birth.year),
            gender=gender,
            id_number=self.ids.make(rng, area, birth, male),
            birth_date=birth,
            ethnicity=ethnicity,
            education=education,
            category=category,
            joined_on=joined,
            converted_on=converted,
            status=status,
            phone=phone,
            native_place=places.AREA_NAMES[area],
            occupation=occupation,
            degree=_degree(education, rng),
        )


def _degree(education: str, rng: random.Random) -> str:
    # 学位 goes with university education; a few graduates (older ones above all) never took one.
    if education == "11":
        return "doctor"
    if education == "14":
        return "master" if rng.random() < 0.9 else "bachelor"
    if education == "21":
        return "bachelor" if rng.random() < 0.93 else "none"
    return ""
