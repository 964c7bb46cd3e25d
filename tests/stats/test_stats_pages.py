"""The statistics page, its .xlsx export and GET /api/v1/stats/members: shape, numbers and access matrix."""

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from dangjian.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]


def _ids(county):
    return {
        "root": county.root.pk,
        "town_a": county.town_a.pk,
        "a1": county.village_a1.pk,
        "b1": county.village_b1.pk,
    }


# --- API -----------------------------------------------------------------------------------------------------


def test_api_has_exactly_the_contract_shape(client, api_for, county):
    body = client.get(f"/api/v1/stats/members?within={county.town_a.pk}", **api_for("officer")).json()
    assert body["total"] == 14
    assert body["gender"] == {"male": 14, "female": 0}
    assert set(body["ethnicity"]) >= {"han", "minority"} and body["ethnicity"]["han"] == 14
    assert body["category"] == {"full": 12, "probationary": 2}
    assert set(body["status"]) == {"active", "mobile", "lost_contact", "suspended"}
    for key in ("gender", "ethnicity", "category", "status", "age_band", "education", "join_year_band"):
        assert sum(body[key].values()) == body["total"], key
    assert list(body["age_band"]) == [
        "30岁及以下",
        "31至35岁",
        "36至40岁",
        "41至45岁",
        "46至50岁",
        "51至55岁",
        "56至60岁",
        "61至70岁",
        "71岁及以上",
    ]
    assert body["within"] == county.town_a.pk and body["within_name"] == "甲镇党委"


def test_api_defaults_to_the_callers_scope(client, api_for, county):
    assert client.get("/api/v1/stats/members", **api_for("secretary_b")).json()["total"] == 5
    assert client.get("/api/v1/stats/members", **api_for("admin")).json()["total"] == 19


READS = {
    "default": ("/api/v1/stats/members", [200, 200, 200, 200, 403, 403, 401]),
    "root": ("/api/v1/stats/members?within={root}", [200, 404, 404, 404, 403, 403, 401]),
    "甲镇": ("/api/v1/stats/members?within={town_a}", [200, 200, 404, 404, 403, 403, 401]),
    "丙村": ("/api/v1/stats/members?within={b1}", [200, 404, 404, 200, 403, 403, 401]),
    "bad id": ("/api/v1/stats/members?within=abc", [422, 422, 422, 422, 422, 422, 401]),
}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_api_access_matrix(client, api_for, county, endpoint, role_index):
    url, expected = READS[endpoint]
    response = client.get(url.format(**_ids(county)), **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content
    if response.status_code >= 400:
        assert response.json()["detail"]


# --- page and export -----------------------------------------------------------------------------------------

PERSONAS = ("admin", "officer", "secretary", "secretary_b", "member", "reviewer", None)
PAGES = {
    "page": (lambda c: reverse("stats:members"), [200, 200, 200, 200, 403, 403, 302]),
    "page 甲镇": (
        lambda c: reverse("stats:members") + f"?within={c.town_a.pk}",
        [200, 200, 404, 404, 403, 403, 302],
    ),
    "page 丙村": (
        lambda c: reverse("stats:members") + f"?within={c.village_b1.pk}",
        [200, 404, 404, 200, 403, 403, 302],
    ),
    "page bad id": (lambda c: reverse("stats:members") + "?within=x", [404, 404, 404, 404, 403, 403, 302]),
    "export": (lambda c: reverse("stats:export"), [200, 200, 200, 200, 403, 403, 302]),
    "export 甲镇": (
        lambda c: reverse("stats:export") + f"?within={c.town_a.pk}",
        [200, 200, 404, 404, 403, 403, 302],
    ),
}
MATRIX = [(page, index) for page in PAGES for index in range(len(PERSONAS))]


@pytest.mark.parametrize(
    ("page", "index"), MATRIX, ids=[f"{p}-{PERSONAS[i] or 'anonymous'}" for p, i in MATRIX]
)
def test_page_access_matrix(county, client_for, page, index):
    url, expected = PAGES[page]
    before = AuditEntry.objects.exclude(action="login").count()
    response = client_for(PERSONAS[index]).get(url(county))
    assert response.status_code == expected[index]
    assert AuditEntry.objects.exclude(action="login").count() == before  # reading statistics writes nothing


def test_page_shows_cards_charts_with_their_numbers_and_drill_down(county, client_for):
    response = client_for("admin").get(reverse("stats:members"))
    body = response.content.decode()
    assert "旌德县委党员统计" in body
    charts = json.loads(body.split('id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert set(charts) >= {
        "gender",
        "ethnicity",
        "category",
        "status",
        "age_band",
        "join_year_band",
        "education",
        "domain",
    }
    assert sum(charts["category"]["values"]) == 19
    assert "vendor/echarts/echarts.min.js" in body and "js/charts.js" in body
    # Every chart prints its numbers in a table too.
    assert body.count('class="table table-sm chart-table"') == len(charts)
    # The children table links one level down, and to the roster.
    assert f"{reverse('stats:members')}?within={county.town_a.pk}" in body
    assert f"{reverse('members:roster')}?within={county.town_b.pk}" in body
    assert "http://" not in body and "https://" not in body


def test_export_opens_with_the_annual_tables(county, client_for):
    response = client_for("officer").get(reverse("stats:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "党员基本情况", "党员入党时间情况"]
    basic = book["党员基本情况"]
    assert basic["A1"].value == "党员基本情况"
    heads = [cell.value for cell in basic[3]]
    assert heads[:5] == ["单位", "党员总数", "女", "少数民族", "预备党员"]
    rows = {row[0]: row[1:] for row in basic.iter_rows(min_row=4, values_only=True)}
    assert rows["甲村党支部"][0] == 11 and rows["乙村党支部"][0] == 3 and rows["合计"][0] == 14
    assert rows["甲村党支部"][3] == 2  # 预备党员
    summary = {
        row[0]: row[1] for row in book["汇总"].iter_rows(min_row=4, values_only=True) if row[1] is not None
    }
    assert summary["党员总数（不含出党、去世、已转出）"] == 14
    joined = book["党员入党时间情况"]
    assert [cell.value for cell in joined[3]][1] == "党员总数"
