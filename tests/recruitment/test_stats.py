"""Member-development statistics (年报 表13–15 shape): numbers against a small hand-made county, the
.xlsx opened back, the page and the API for every role."""

import datetime as dt
import io
import itertools

import openpyxl
import pytest

from dangjian.core import idnumber
from dangjian.core.crypto import lookup_hash
from dangjian.recruitment import rules, stats
from dangjian.recruitment.models import CaseStep, DevelopmentCase, DevelopmentPlan, PlanLine
from tests.factories import make_member

D = dt.date
YEAR = 2025
_seq = itertools.count(301)


def _case(org, *, name="张三", gender="male", birth=None, stage=rules.APPLICANT, member=None, **dates):
    birth = birth or D(2000, 3, 1)
    number = idnumber.build("341825", birth, next(_seq))
    if stage in (rules.PROBATIONARY, rules.FULL) and member is None:
        member = make_member(
            org,
            name=name,
            gender=gender,
            birth=birth,
            category="probationary",
            joined_on=dates["admitted_on"],
        )
    return DevelopmentCase.objects.create(
        person_name=name,
        gender=gender,
        id_number=number,
        id_hash=lookup_hash(number),
        birth_date=birth,
        org=org,
        org_path=org.path,
        stage=stage,
        member=member,
        **dates,
    )


def _admitted(org, admitted_on, **extra):
    return _case(
        org,
        stage=extra.pop("stage", rules.PROBATIONARY),
        applied_on=D(2022, 1, 5),
        activist_on=D(2022, 3, 1),
        candidate_on=D(2023, 4, 1),
        admitted_on=admitted_on,
        probation_ends_on=admitted_on.replace(year=admitted_on.year + 1),
        **extra,
    )


@pytest.fixture
def hand_made(county):
    """甲村: 2 applied in 2025 (one became activist), 2 admitted in 2025 (a woman of 24 with 本科 and a man of
    31 with 高中), one converted in 2025, one extended in 2025; 乙村: one cancelled in 2025, one admitted in
    2024 (not counted for 2025); 丙村: one applied in 2025 and withdrew. Plan 2025: 甲村 3, 乙村 1."""
    a1, a2, b1 = county.village_a1, county.village_a2, county.village_b1
    _case(a1, applied_on=D(2025, 2, 1))
    _case(a1, applied_on=D(2025, 3, 1), activist_on=D(2025, 6, 1), stage=rules.ACTIVIST)
    _admitted(
        a1, D(2025, 6, 10), name="王芳", gender="female", birth=D(2001, 1, 1), education="21", occupation="03"
    )
    _admitted(a1, D(2025, 7, 1), birth=D(1994, 1, 1), education="61", occupation="04")
    conv = _admitted(a1, D(2024, 3, 1), stage=rules.FULL, converted_on=D(2025, 3, 1))
    ext = _admitted(a1, D(2024, 2, 1), extended=True, extension_months=6)
    ext.probation_ends_on = D(2025, 8, 1)
    ext.save()
    CaseStep.objects.create(case=ext, step=24, date=D(2025, 2, 20), outcome=rules.EXTEND)
    _admitted(a2, D(2024, 1, 10), stage=rules.CANCELLED, closed_on=D(2025, 1, 20))
    _case(b1, applied_on=D(2025, 4, 1), stage=rules.WITHDRAWN, closed_on=D(2025, 9, 1))
    plan = DevelopmentPlan.objects.create(org=county.town_a, org_path=county.town_a.path, year=YEAR)
    PlanLine.objects.create(plan=plan, org=a1, quota=3)
    PlanLine.objects.create(plan=plan, org=a2, quota=1)
    return conv


def _figures(user, org, year=YEAR):
    return stats.development_stats(user=user, org=org, year=year, today=D(2026, 1, 5))


def test_county_rows_are_the_townships(county, personas, hand_made):
    figures = _figures(personas.admin, county.root)
    rows = {row.label: row.counts for row in figures.rows}
    assert list(rows) == ["甲镇党委", "丙镇党委", "合计"]
    town_a, town_b, total = rows["甲镇党委"], rows["丙镇党委"], rows["合计"]
    assert (town_a["applied"], town_a["activists"], town_a["admitted"], town_a["quota"]) == (2, 1, 2, 4)
    assert (town_a["converted"], town_a["extended"], town_a["cancelled"]) == (1, 1, 1)
    assert (town_b["applied"], town_b["withdrawn"], town_b["admitted"]) == (1, 1, 0)
    assert total["applied"] == 3 and total["admitted"] == 2 and total["withdrawn"] == 1


def test_township_rows_are_its_branches(county, personas, hand_made):
    figures = _figures(personas.officer, county.town_a)
    rows = {row.label: row.counts for row in figures.rows}
    assert list(rows) == ["甲村党支部", "乙村党支部", "合计"]
    assert rows["甲村党支部"]["admitted"] == 2 and rows["甲村党支部"]["quota"] == 3
    assert rows["乙村党支部"]["cancelled"] == 1 and rows["乙村党支部"]["admitted"] == 0
    assert figures.total.plan_share == "50%"


def test_new_members_make_up(county, personas, hand_made):
    figures = _figures(personas.admin, county.root)
    assert figures.gender == {"male": 1, "female": 1}
    # Age on the day of admission: 24 (born 2001-01-01, admitted 2025-06-10) and 31.
    assert figures.age_band["25岁及以下"] == 1 and figures.age_band["31至35岁"] == 1
    assert sum(figures.age_band.values()) == 2
    assert figures.education["大学本科"] == 1 and figures.education["高中、中技"] == 1
    assert sum(figures.occupation.values()) == 2


def test_another_year_and_the_trend(county, personas, hand_made):
    figures = _figures(personas.admin, county.root, year=2024)
    assert figures.total.counts["admitted"] == 3  # converted, extended and cancelled were admitted in 2024
    assert figures.total.counts["applied"] == 0
    trend = {item["year"]: item for item in _figures(personas.admin, county.root).trend}
    assert list(trend) == [2021, 2022, 2023, 2024, 2025]
    assert trend[2024]["admitted"] == 3 and trend[2025]["admitted"] == 2 and trend[2022]["applied"] == 5


def test_pipeline_counts_current_stages(county, personas, hand_made):
    pipeline = _figures(personas.admin, county.root).pipeline
    assert pipeline == {"applicant": 1, "activist": 1, "candidate": 0, "probationary": 3, "full": 1}


def test_secretary_sees_only_their_branch(county, personas, hand_made):
    figures = _figures(personas.secretary, county.village_a1)
    assert figures.total.counts["admitted"] == 2
    assert figures.rows[0].label == "本级" and len(figures.rows) == 2


@pytest.mark.parametrize(
    ("birth", "band"),
    [(D(2000, 6, 11), "25岁及以下"), (D(2000, 6, 10), "25岁及以下"), (D(1999, 6, 10), "26至30岁")],
)
def test_age_band_edges(birth, band):
    assert stats.age_band(birth, D(2025, 6, 10)) == band


def test_age_band_edges_55():
    assert stats.age_band(D(1971, 6, 11), D(2025, 6, 10)) == "51至54岁"
    assert stats.age_band(D(1970, 6, 10), D(2025, 6, 10)) == "55岁及以上"


def test_workbook_opens_back(client_for, county, personas, hand_made):
    response = client_for("officer").get(
        f"/recruitment/stats/export.xlsx?within={county.town_a.pk}&year=2025"
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["表13 预备党员转正情况", "表14 发展党员情况", "表15 发展党员的构成"]
    t14 = book["表14 发展党员情况"]
    head = [c.value for c in t14[3]]
    rows = {r[0]: r for r in t14.iter_rows(min_row=4, values_only=True)}
    assert rows["甲村党支部"][head.index("发展党员（预备党员）")] == 2
    assert rows["甲村党支部"][head.index("计划发展人数")] == 3
    assert rows["合计"][head.index("申请入党")] == 2
    t13 = {r[0]: r for r in book["表13 预备党员转正情况"].iter_rows(min_row=4, values_only=True)}
    assert t13["甲村党支部"][1:] == (1, 1, 0) and t13["乙村党支部"][1:] == (0, 0, 1)
    t15 = book["表15 发展党员的构成"]
    head15 = [c.value for c in t15[3]]
    total15 = {r[0]: r for r in t15.iter_rows(min_row=4, values_only=True)}["合计"]
    assert total15[head15.index("女")] == 1 and total15[head15.index("25岁及以下")] == 1


def test_page_shows_the_figures(client_for, county, personas, hand_made):
    response = client_for("admin").get("/recruitment/stats/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "旌德县委2025年发展党员统计" in html and "甲镇党委" in html
    assert 'data-figure="admitted">2<' in html
    assert "chart-data" in html and "echarts" in html


@pytest.mark.parametrize("year", ["abc", "1800", "", "2025.5", "<script>"])
def test_bad_year_is_this_year(client_for, county, personas, year):
    assert client_for("admin").get(f"/recruitment/stats/?year={year}").status_code == 200
    assert client_for("admin").get("/recruitment/stats/?within=abc").status_code == 404


def test_api_stats(client, api_for, county, personas, hand_made):
    response = client.get(
        f"/api/v1/development/stats?within={county.town_a.pk}&year=2025", **api_for("officer")
    )
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2025 and body["totals"]["admitted"] == 2 and body["totals"]["quota"] == 4
    assert [row["label"] for row in body["rows"]] == ["甲村党支部", "乙村党支部"]
    assert body["new_members"]["gender"] == {"male": 1, "female": 1}
    assert len(body["trend"]) == 5


ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
PAGES = {
    "page": ("/recruitment/stats/", [200, 200, 200, 200, 403, 403, 302]),
    "page_a": ("/recruitment/stats/?within={town_a}", [200, 200, 404, 404, 403, 403, 302]),
    "xlsx_a1": ("/recruitment/stats/export.xlsx?within={village_a1}", [200, 200, 200, 404, 403, 403, 302]),
}
APIS = {
    "api": ("/api/v1/development/stats", [200, 200, 200, 200, 403, 403, 401]),
    "api_b1": ("/api/v1/development/stats?within={village_b1}", [200, 404, 404, 200, 403, 403, 401]),
}


def _url(template, county):
    return template.format(
        town_a=county.town_a.pk, village_a1=county.village_a1.pk, village_b1=county.village_b1.pk
    )


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_page_access(client_for, county, personas, page, role_index):
    template, expected = PAGES[page]
    response = client_for(ROLES[role_index]).get(_url(template, county))
    assert response.status_code == expected[role_index]


@pytest.mark.parametrize("api", list(APIS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_api_access(client, api_for, county, personas, api, role_index):
    template, expected = APIS[api]
    response = client.get(_url(template, county), **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index]
