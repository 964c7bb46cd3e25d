"""Member statistics: every breakdown counts the right members and sums to the total, at the band edges."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.members import rules
from dangjian.members.models import Member
from dangjian.members.selectors.records import latest_birth_for_age
from dangjian.orgs.models import Organization
from dangjian.stats import selectors

from ..factories import make_member, make_org

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)


def band_by_cutoffs(birth: dt.date, today: dt.date) -> str:
    """The band the database assigns: the first whose cumulative condition (born after a cutoff) holds."""
    for _low, high, label in rules.AGE_BANDS[:-1]:
        if birth > latest_birth_for_age(high + 1, today):
            return label
    return rules.AGE_BANDS[-1][2]


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    today=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2040, 12, 31)),
)
def test_age_cutoffs_agree_with_the_rule_for_any_day(birth, today):
    assert band_by_cutoffs(birth, today) == rules.age_band(birth, today)


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    today=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2040, 12, 31)),
    age=st.integers(min_value=0, max_value=120),
)
def test_latest_birth_for_age_is_the_exact_edge(birth, today, age):
    assert (rules.age_on(birth, today) >= age) == (birth <= latest_birth_for_age(age, today))


def test_counts_of_the_plain_county(county):
    stats = selectors.member_stats(org=county.root, today=TODAY)
    assert stats.total == 19
    assert stats.gender == {"male": 19, "female": 0}
    assert stats.ethnicity == {"han": 19, "minority": 0, "other": 0}
    assert stats.category == {"full": 16, "probationary": 3}
    assert stats.status == {"active": 19, "mobile": 0, "lost_contact": 0, "suspended": 0}
    assert stats.age_band["41至45岁"] == 19  # born 1980-05-17, 45 on 2026-03-01
    assert stats.join_year_band["2002年11月至2012年10月"] == 19
    assert stats.education["未填写"] == 19
    assert stats.domain["rural"] == 19


@pytest.fixture
def varied(county):
    """Members chosen to sit on the edges of every breakdown, in 甲村 (rural) and a new community branch."""
    community = make_org(name="城东社区党支部", kind="branch", domain="community", parent=county.town_a)
    a1 = county.village_a1
    make_member(a1, name="女", gender="female", birth=dt.date(1995, 3, 2), ethnicity="03", education="21")
    make_member(a1, name="满三十一", birth=dt.date(1995, 3, 1), ethnicity="97", occupation="02")  # 31 today
    make_member(a1, name="差一天", birth=dt.date(1995, 3, 2), education="14")  # still 30
    make_member(community, name="老党员", birth=dt.date(1920, 5, 1), joined_on=dt.date(1937, 7, 6))
    make_member(
        community, name="抗战", birth=dt.date(1920, 5, 1), joined_on=dt.date(1937, 7, 7), status="mobile"
    )
    make_member(
        community, name="失联", status="lost_contact", category="probationary", joined_on=dt.date(2025, 1, 1)
    )
    make_member(community, name="停止", status="suspended")
    for status in ("left", "deceased", "transferred_out"):
        make_member(community, name=status, status=status)
    return county


def test_edges_of_every_breakdown(varied):
    stats = selectors.member_stats(org=varied.town_a, today=TODAY)
    # 甲镇: 11 + 3 plain, 3 in 甲村 and 4 counted in the community (3 gone).
    assert stats.total == 21
    assert stats.gender == {"male": 20, "female": 1}
    assert stats.ethnicity == {"han": 19, "minority": 1, "other": 1}
    assert stats.ethnic_groups == {"汉族": 19, "回族": 1, "其他": 1}
    assert stats.status == {"active": 18, "mobile": 1, "lost_contact": 1, "suspended": 1}
    assert stats.gone == {"left": 1, "deceased": 1, "transferred_out": 1}
    assert stats.category == {"full": 18, "probationary": 3}
    assert stats.age_band["30岁及以下"] == 2 and stats.age_band["31至35岁"] == 1
    assert stats.age_band["71岁及以上"] == 2
    assert stats.join_year_band["1937年7月6日及以前"] == 1
    assert stats.join_year_band["1937年7月7日至1945年9月2日"] == 1
    assert stats.join_year_band["2022年11月以后"] == 1
    assert stats.education["大学本科"] == 1 and stats.education["硕士研究生"] == 1
    assert stats.occupation["农牧渔民"] == 1
    assert stats.domain == {
        "township": 0,
        "rural": 17,
        "community": 4,
        "organ": 0,
        "institution": 0,
        "soe": 0,
        "private": 0,
        "social": 0,
    }
    assert stats.higher_education == 2 and stats.young == 3


def test_every_breakdown_sums_to_the_total(varied):
    api = selectors.member_stats(org=varied.root, today=TODAY).as_api()
    for key in ("gender", "ethnicity", "category", "status", "age_band", "education", "join_year_band"):
        assert sum(api[key].values()) == api["total"], key
    assert sum(api["occupation"].values()) == sum(api["domain"].values()) == api["total"]
    assert sum(api["ethnic_groups"].values()) == api["total"]


def test_the_bands_match_the_rules_member_by_member(varied):
    counted = Member.objects.counted().filter(org_path__startswith=varied.root.path)
    expected_age, expected_join = {}, {}
    for member in counted:
        label = rules.age_band(member.birth_date, TODAY)
        expected_age[label] = expected_age.get(label, 0) + 1
        label = rules.join_period(member.joined_on)
        expected_join[label] = expected_join.get(label, 0) + 1
    stats = selectors.member_stats(org=varied.root, today=TODAY)
    assert {k: v for k, v in stats.age_band.items() if v} == expected_age
    assert {k: v for k, v in stats.join_year_band.items() if v} == expected_join


def test_a_party_group_counts_the_members_assigned_to_it(county):
    Member.objects.filter(pk=county.own_member.pk).update(party_group=county.group_a1)
    assert selectors.member_stats(org=county.group_a1, today=TODAY).total == 1


def test_statistics_take_three_queries(county, django_assert_num_queries):
    with django_assert_num_queries(3):
        selectors.member_stats(org=county.root, today=TODAY)


def test_children_rows_split_the_subtree(varied, personas):
    rows, own = selectors.children_rows(user=personas.admin, org=varied.town_a)
    totals = {row.org.name: (row.full, row.probationary) for row in rows}
    assert totals == {"甲村党支部": (12, 2), "乙村党支部": (3, 0), "城东社区党支部": (3, 1)}
    assert own is None


def test_annual_table_rows_add_up(varied, personas):
    rows = selectors.children_table(user=personas.admin, org=varied.town_a, today=TODAY)
    total = rows[-1]
    assert total.org is None and total.counts["total"] == 21
    assert sum(row.counts["total"] for row in rows[:-1]) == 21
    assert sum(total.age_band.values()) == sum(total.join_band.values()) == 21
    assert total.counts["female"] == 1 and total.counts["minority"] == 1
    assert total.education[0] == 1  # 研究生: the 硕士


def test_children_rows_stay_inside_the_scope(county, personas):
    rows, _own = selectors.children_rows(user=personas.officer, org=county.town_a)
    assert {row.org.name for row in rows} == {"甲村党支部", "乙村党支部"}
    assert Organization.objects.filter(parent=county.town_a).count() == 2
