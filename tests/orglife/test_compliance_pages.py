"""The compliance pages: heat map (with its table and .xlsx), a branch's checklist, study hours, a member's own
hours — access for every role, content, htmx, bad input."""

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from dangjian.orglife import views_compliance

from ._compliance import YEAR, meeting, members_of, monthly, seat_committee

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]


@pytest.fixture(autouse=True)
def mid_may():
    with time_machine.travel(dt.datetime(YEAR, 5, 15, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def ids(county) -> dict:
    return {name: getattr(county, name).pk for name in vars(county) if name != "own_member"}


LOGIN = 302  # anonymous: sent to the login page
PAGES = {
    "map_a1": ("/orglife/compliance/?within={village_a1}", [200, 200, 200, 404, 403, 403, LOGIN]),
    "map_b1": ("/orglife/compliance/?within={village_b1}", [200, 404, 404, 200, 403, 403, LOGIN]),
    "map_default": ("/orglife/compliance/", [200, 200, 302, 302, 403, 403, LOGIN]),
    "export_a": ("/orglife/compliance/export/?within={town_a}", [200, 200, 404, 404, 403, 403, LOGIN]),
    "checklist_a1": (
        "/orglife/compliance/checklist/?org={village_a1}",
        [200, 200, 200, 404, 403, 403, LOGIN],
    ),
    "checklist_b1": (
        "/orglife/compliance/checklist/?org={village_b1}",
        [200, 404, 404, 200, 403, 403, LOGIN],
    ),
    "checklist_own": ("/orglife/compliance/checklist/", [200, 200, 200, 200, 403, 403, LOGIN]),
    "ledger_a1": ("/orglife/compliance/ledger/?org={village_a1}", [200, 200, 200, 404, 403, 403, LOGIN]),
    "ledger_b1": ("/orglife/compliance/ledger/?org={village_b1}", [200, 404, 404, 200, 403, 403, LOGIN]),
    "hours_a1": ("/orglife/compliance/hours/?within={village_a1}", [200, 200, 200, 404, 403, 403, LOGIN]),
    "my_hours": ("/orglife/compliance/my-hours/", [403, 403, 403, 403, 200, 403, LOGIN]),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_page_access_matrix(client_for, county, page, role_index):
    url, expected = PAGES[page]
    response = client_for(ROLES[role_index]).get(url.format(**ids(county)))
    assert response.status_code == expected[role_index], (url, ROLES[role_index])
    if response.status_code == 302 and ROLES[role_index] is None:
        assert "/accounts/login" in response["Location"]


def test_a_branch_secretary_starts_from_the_own_checklist(client_for, county):
    response = client_for("secretary").get("/orglife/compliance/")
    assert response["Location"] == reverse("orglife:compliance:checklist")
    heat_map = client_for("secretary").get(f"/orglife/compliance/?within={county.village_a1.pk}")
    assert heat_map.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/orglife/compliance/?within=abc",
        "/orglife/compliance/?within=999999",
        "/orglife/compliance/checklist/?org=abc",
        "/orglife/compliance/ledger/?org=999999",
        "/orglife/compliance/hours/?within=x1",
        "/orglife/compliance/export/?within=-1",
    ],
)
def test_a_bad_organization_is_404_never_500(client_for, county, url):
    assert client_for("admin").get(url).status_code == 404


@pytest.mark.parametrize("year", ["abc", "1800", "99999", "", "2030"])
def test_a_bad_year_falls_back_to_this_year(client_for, county, year):
    response = client_for("admin").get(f"/orglife/compliance/?within={county.town_a.pk}&year={year}")
    assert response.status_code == 200
    assert response.context["year"] == YEAR


def test_a_bad_domain_shows_every_domain(client_for, county):
    response = client_for("admin").get(f"/orglife/compliance/?within={county.town_a.pk}&domain=moon")
    assert response.status_code == 200
    assert "甲村党支部" in response.content.decode()


# --- heat map -----------------------------------------------------------------------------------------------------


def test_the_heat_map_shows_cards_a_chart_and_its_numbers(client_for, county):
    monthly(county.village_a2, "themed_day", [1, 2, 3, 4])
    monthly(county.village_a2, "assembly", [2])
    response = client_for("officer").get(f"/orglife/compliance/?within={county.town_a.pk}")
    page = response.content.decode()
    assert "甲镇党委组织生活落实情况" in page
    for card in ("落实率", "全部落实的组织", "未开事项", "进行中"):
        assert card in page
    report = response.context["report"]
    assert f'id="card-missed">{report.missed}<' in page
    chart = json.loads(
        re.search(r'<script id="compliance-chart" type="application/json">(.*?)</script>', page).group(1)
    )
    assert chart["x"][0] == "1月" and chart["x"][-1] == "全年"
    assert chart["y"] == ["甲镇党委", "甲村党支部", "乙村党支部"]  # tree order; the empty group owes nothing
    a2 = chart["y"].index("乙村党支部")
    cells = {(c[0], c[1]): c for c in chart["cells"]}
    assert cells[(0, a2)][2] == 100.0 and cells[(0, a2)][3] == "1/1"
    assert cells[(2, a2)][3] == "2/3"  # March: 主题党日 met, Q1 党员大会 met, Q1 党课 missed
    assert cells[(4, a2)][2] == -1  # May is running
    # The same numbers as a table, with icons and words, never colour alone
    assert "2/3" in page and "50%至80%" in page  # March: 66.7 %
    assert 'class="visually-hidden"> 进行中' in page


def test_the_heat_map_sums_up_children_when_rows_are_too_many(client_for, county, monkeypatch):
    monkeypatch.setattr(views_compliance, "HEAT_ROWS_LIMIT", 2)
    response = client_for("admin").get(f"/orglife/compliance/?within={county.root.pk}")
    page = response.content.decode()
    assert response.context["summarized"] is True
    assert "按下级组织汇总" in page
    assert [row["row"].name for row in response.context["rows"]] == ["甲镇党委", "丙镇党委"]
    assert f"?within={county.town_a.pk}&amp;year={YEAR}" in page  # drill down


def test_the_heat_map_filters_by_domain_and_says_when_nothing_is_owed(client_for, county):
    response = client_for("admin").get(f"/orglife/compliance/?within={county.root.pk}&domain=organ")
    page = response.content.decode()
    assert response.context["rows"] == []
    assert "没有须按期召开会议的组织" in page


def test_htmx_refreshes_only_the_results_and_keeps_the_filters_in_the_url(client_for, county):
    response = client_for("admin").get(
        f"/orglife/compliance/?within={county.town_a.pk}&year={YEAR - 1}&domain=rural",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="compliance-results",
    )
    page = response.content.decode()
    assert "<html" not in page and "落实率" in page
    assert (
        response["HX-Push-Url"]
        == f"/orglife/compliance/?within={county.town_a.pk}&year={YEAR - 1}&domain=rural"
    )


def test_the_heat_map_export_opens_with_a_row_per_organization(client_for, county):
    monthly(county.village_a2, "themed_day", [1, 2])
    response = client_for("admin").get(f"/orglife/compliance/export/?within={county.town_a.pk}&year={YEAR}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["按组织"]
    assert sheet["A1"].value == f"甲镇党委组织生活落实情况（{YEAR}年）"
    heads = [cell.value for cell in sheet[3]]
    assert heads[:3] == ["组织", "类别", "1月"] and "全年" in heads and heads[-1] == "落实率"
    rows = {row[0].strip(): row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {"甲镇党委", "甲村党支部", "乙村党支部"}
    a2 = rows["乙村党支部"]
    assert a2[2:5] == (
        "1/1",
        "1/1",
        "0/3",
    )  # January, February, March (主题党日, 党员大会 and 党课 all missed)
    counted, met = a2[heads.index("应开")], a2[heads.index("已开")]
    assert met == 2 and a2[heads.index("落实率")] == pytest.approx(met / counted)


# --- checklist ----------------------------------------------------------------------------------------------------


def _record_url():
    try:
        return reverse("orglife:meeting_create")
    except NoReverseMatch:
        return None


def test_the_checklist_lists_this_month_quarter_and_year_with_due_dates(client_for, county):
    seat_committee(county.village_a1)
    meeting(county.village_a1, "committee", dt.date(YEAR, 5, 6))
    meeting(county.village_a1, "assembly", dt.date(YEAR, 2, 6))
    response = client_for("secretary").get("/orglife/compliance/checklist/")
    page = response.content.decode()
    assert "甲村党支部组织生活落实清单" in page
    assert "本月（2026-05）" in page and "本季度（2026-Q2）" in page and "本年度（2026年）" in page
    month = dict(response.context["sections"])["本月（2026-05）"]
    kinds = {item["status"].meeting_kind: item for item in month}
    assert kinds["committee"]["status"].state == "met"
    assert kinds["themed_day"]["status"].state == "open"
    assert "2026-05-31" in page and "2026-06-30" in page and "2026-12-31" in page
    assert "已落实" in page and "待召开" in page and "未召开" in page
    record = _record_url()
    if record:
        assert kinds["themed_day"]["record_url"].startswith(record)
        assert kinds["committee"]["record_url"] is None  # met: nothing to record
    else:
        assert kinds["themed_day"]["record_url"] is None
    missed = {(i["status"].meeting_kind, i["status"].period.label) for i in response.context["missed"]}
    assert ("themed_day", "2026-04") in missed and ("assembly", "2026-Q1") not in missed
    assert 'href="/orglife/compliance/ledger/?org=' in page


def test_the_checklist_includes_the_groups_of_the_branch(client_for, county):
    people = members_of(county.village_a1)[:3]
    for person in people:
        person.party_group = county.group_a1
        person.save(update_fields=["party_group"])
    response = client_for("secretary").get("/orglife/compliance/checklist/")
    page = response.content.decode()
    assert "党小组本月" in page and "甲村第一党小组" in page


def test_the_year_grid_lays_quarters_and_the_year_over_the_months(client_for, county):
    response = client_for("admin").get(
        f"/orglife/compliance/checklist/?org={county.village_a2.pk}&year={YEAR - 1}"
    )
    grid = {row["kind_label"]: row["cells"] for row in response.context["grid"]}
    assert [cell["span"] for cell in grid["党员大会"]] == [3, 3, 3, 3]
    assert [cell["span"] for cell in grid["组织生活会"]] == [12]
    assert sum(cell["span"] for cell in grid["主题党日"]) == 12
    assert response.context["sections"] == []  # a past year: no "this month"


def test_a_committee_has_only_its_secretarys_lecture_and_the_county_nothing(client_for, county):
    town = client_for("admin").get(f"/orglife/compliance/checklist/?org={county.town_a.pk}")
    assert [s.meeting_kind for s in town.context["own"].statuses] == ["lecture"]
    county_page = client_for("admin").get(f"/orglife/compliance/checklist/?org={county.root.pk}")
    assert "没有须按期召开的会议" in county_page.content.decode()


# --- study hours ------------------------------------------------------------------------------------------------


def test_the_study_hours_page_lists_members_below_the_requirement(client_for, county):
    people = members_of(county.village_a1)
    meeting(county.village_a1, "lecture", dt.date(YEAR, 3, 1), present=people[:1], hours=32)
    response = client_for("secretary").get(
        f"/orglife/compliance/hours/?within={county.village_a1.pk}&below=1"
    )
    page = response.content.decode()
    assert response.context["total"] == 11 and response.context["below_count"] == 10
    assert people[0].pk not in [p.member_id for p in response.context["page"].object_list]
    assert 'id="card-below">10<' in page and "未达标" in page
    everyone = client_for("secretary").get(f"/orglife/compliance/hours/?within={county.village_a1.pk}")
    assert any(p.member_id == people[0].pk and not p.below for p in everyone.context["page"].object_list)


def test_the_study_hours_page_pages_and_refreshes_with_htmx(client_for, county, monkeypatch):
    monkeypatch.setattr(views_compliance, "HOURS_PAGE_SIZE", 4)
    url = f"/orglife/compliance/hours/?within={county.village_a1.pk}&page=2"
    response = client_for("admin").get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="hours-results")
    page = response.content.decode()
    assert "<html" not in page and page.count('class="hit-name"') == 4
    assert "第 2 / 3 页" in page
    assert response["HX-Push-Url"] == f"/orglife/compliance/hours/?within={county.village_a1.pk}&year={YEAR}"


def test_a_member_sees_the_own_hours_and_the_sessions_counted(client_for, county):
    me = county.own_member
    meeting(county.village_a1, "lecture", dt.date(YEAR, 3, 1), present=[me], hours=4, topic="学习党章")
    meeting(county.village_a1, "lecture", dt.date(YEAR, 4, 1), absent=[me], hours=4, topic="缺席的党课")
    meeting(county.town_a, "training", dt.date(YEAR, 1, 5), present=[me], hours=16, topic="集中轮训")
    response = client_for("member").get("/orglife/compliance/my-hours/")
    page = response.content.decode()
    assert 'id="my-hours">20.0<' in page
    assert "学习党章" in page and "集中轮训" in page and "缺席的党课" not in page
    assert "尚差 12.0 学时" in page


def test_a_member_account_without_a_record_is_told_so(client_for, personas, county):
    personas.member.member = None
    personas.member.save(update_fields=["member"])
    response = client_for("member").get("/orglife/compliance/my-hours/")
    assert response.status_code == 200 and "尚未关联" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "compliance", "my_hours"),
    [
        ("admin", True, False),
        ("officer", True, False),
        ("secretary", True, False),
        ("member", False, True),
        ("reviewer", False, False),
    ],
)
def test_the_navigation_offers_each_role_its_entry(client_for, county, role, compliance, my_hours):
    page = client_for(role).get(reverse("core:home")).content.decode()
    assert (reverse("orglife:compliance:index") + '"' in page) is compliance
    assert ("组织生活合规" in page) is compliance
    assert (reverse("orglife:compliance:my_hours") in page) is my_hours
