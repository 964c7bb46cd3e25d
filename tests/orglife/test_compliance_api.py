"""GET /api/v1/compliance, /compliance/summary, /compliance/ledger and /study-hours: shape per design/API.md,
filters, bad input, and the access matrix of every role."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine

from dangjian.core.models import AuditEntry

from ._compliance import YEAR, meeting, members_of, monthly, seat_committee

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]


@pytest.fixture(autouse=True)
def mid_may():
    with time_machine.travel(dt.datetime(YEAR, 5, 15, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def ids(county) -> dict:
    return {name: getattr(county, name).pk for name in vars(county) if name != "own_member"}


READS = {
    "compliance_a1": ("/api/v1/compliance?within={village_a1}", [200, 200, 200, 404, 403, 403, 401]),
    "compliance_b1": ("/api/v1/compliance?within={village_b1}", [200, 404, 404, 200, 403, 403, 401]),
    "compliance_scope": ("/api/v1/compliance", [200, 200, 200, 200, 403, 403, 401]),
    "compliance_org": (
        "/api/v1/compliance?within={town_a}&org_id={village_a2}",
        [200, 200, 404, 404, 403, 403, 401],
    ),
    "summary_a": ("/api/v1/compliance/summary?within={town_a}", [200, 200, 404, 404, 403, 403, 401]),
    "ledger_a1": ("/api/v1/compliance/ledger?org_id={village_a1}", [200, 200, 200, 404, 403, 403, 401]),
    "ledger_b1": ("/api/v1/compliance/ledger?org_id={village_b1}", [200, 404, 404, 200, 403, 403, 401]),
    "hours_a1": ("/api/v1/study-hours?within={village_a1}", [200, 200, 200, 404, 403, 403, 401]),
    "hours_root": ("/api/v1/study-hours?within={root}", [200, 404, 404, 404, 403, 403, 401]),
}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client, api_for, county, endpoint, role_index):
    url, expected = READS[endpoint]
    headers = api_for(ROLES[role_index])
    before = AuditEntry.objects.count()
    response = client.get(url.format(**ids(county)), **headers)
    assert response.status_code == expected[role_index], response.content
    # Reading writes nothing, but the ledger names members: handing it out is one export entry.
    exported = endpoint.startswith("ledger") and response.status_code == 200
    assert AuditEntry.objects.count() == before + exported
    if exported:
        entry = AuditEntry.objects.latest("id")
        assert entry.action == "export" and entry.actor.username == response.wsgi_request.user.username
    if response.status_code >= 400:
        assert response.json()["detail"]


def test_an_org_outside_within_is_404_even_when_in_scope(client, api_for, county):
    url = f"/api/v1/compliance?within={county.town_a.pk}&org_id={county.village_b1.pk}"
    assert client.get(url, **api_for("admin")).status_code == 404


# --- shape -----------------------------------------------------------------------------------------------------


def test_items_follow_the_api_contract(client, api_for, county):
    seat_committee(county.village_a1)
    monthly(county.village_a1, "committee", [1, 2, 3, 4])
    monthly(county.village_a1, "assembly", [3])
    response = client.get(f"/api/v1/compliance?within={county.town_a.pk}&year={YEAR}", **api_for("officer"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"]) and body["year"] == YEAR and body["within"] == county.town_a.pk
    for item in body["items"]:
        assert {"org_id", "kind", "period", "required", "held"} <= set(item)
        assert item["kind"] in {"assembly", "committee", "group", "lecture", "themed_day", "life_meeting"} | {
            "appraisal",
            "talk",
        }
        assert item["state"] in {"met", "open", "missed"}
    keys = [(i["org_id"], i["kind"], i["period"]) for i in body["items"]]
    assert len(keys) == len(set(keys))  # one item per organization, meeting kind and period
    mine = {(i["kind"], i["period"]): i for i in body["items"] if i["org_id"] == county.village_a1.pk}
    assert mine[("committee", "2026-03")] == {
        "org_id": county.village_a1.pk,
        "org_name": "甲村党支部",
        "kind": "committee",
        "period": "2026-03",
        "required": 1,
        "held": 1,
        "state": "met",
        "due_on": "2026-03-31",
        "source": mine[("committee", "2026-03")]["source"],
    }
    assert mine[("assembly", "2026-Q1")]["state"] == "met"
    assert mine[("assembly", "2026-Q2")]["state"] == "open"
    assert mine[("life_meeting", "2026")]["state"] == "open"
    assert ("committee", "2026-06") not in mine  # a month that has not begun is not listed
    talk = mine[("talk", "2026")]
    assert (talk["required"], talk["held"]) == (11, 0)  # members who should have a talk; none had one
    # the county committee above is not grassroots and owes nothing; nothing of another township appears
    assert {i["org_id"] for i in body["items"]} <= {
        county.town_a.pk,
        county.village_a1.pk,
        county.village_a2.pk,
    }


def test_organizations_that_owe_nothing_have_no_items(client, api_for, county):
    body = client.get(f"/api/v1/compliance?within={county.root.pk}", **api_for("admin")).json()
    org_ids = {i["org_id"] for i in body["items"]}
    assert county.root.pk not in org_ids  # not grassroots
    assert county.group_a1.pk not in org_ids  # no member assigned to the group
    assert not any(i["org_id"] == county.village_a2.pk and i["kind"] == "committee" for i in body["items"])


def test_filters_by_org_kind_state_and_domain(client, api_for, county):
    monthly(county.village_a2, "themed_day", [1, 2])
    headers = api_for("admin")
    one = client.get(f"/api/v1/compliance?org_id={county.village_a2.pk}&kind=themed_day", **headers).json()
    assert [i["period"] for i in one["items"]] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    missed = client.get(
        f"/api/v1/compliance?org_id={county.village_a2.pk}&kind=themed_day&state=missed", **headers
    ).json()
    assert [i["period"] for i in missed["items"]] == ["2026-03", "2026-04"]
    organ = client.get(f"/api/v1/compliance?within={county.root.pk}&domain=organ", **headers).json()
    assert organ["items"] == []
    rural = client.get(f"/api/v1/compliance?org_id={county.village_a2.pk}&domain=organ", **headers).json()
    assert rural["items"] == []


def test_a_past_year_lists_all_its_periods(client, api_for, county):
    body = client.get(
        f"/api/v1/compliance?org_id={county.village_a2.pk}&year={YEAR - 1}&kind=themed_day",
        **api_for("admin"),
    ).json()
    assert [i["period"] for i in body["items"]] == [f"{YEAR - 1}-{m:02d}" for m in range(1, 13)]
    assert {i["state"] for i in body["items"]} == {"missed"}


@pytest.mark.parametrize(
    "query",
    ["year=1999", "year=2101", "year=abc", "kind=party", "state=late", "within=abc", "domain=moon"],
)
def test_bad_input_is_422_in_chinese(client, api_for, county, query):
    response = client.get(f"/api/v1/compliance?{query}", **api_for("admin"))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"].startswith("输入有误") and body["errors"]


def test_the_ledger_needs_an_organization(client, api_for, county):
    response = client.get("/api/v1/compliance/ledger", **api_for("admin"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "org_id"


def test_summary_adds_up_the_items(client, api_for, county):
    monthly(county.village_a2, "themed_day", [1, 2, 3, 4])
    headers = api_for("admin")
    summary = client.get(f"/api/v1/compliance/summary?within={county.root.pk}", **headers).json()
    items = client.get(f"/api/v1/compliance?within={county.root.pk}", **headers).json()["items"]
    assert summary["met"] == sum(1 for i in items if i["state"] == "met")
    assert summary["missed"] == sum(1 for i in items if i["state"] == "missed")
    assert summary["open"] == sum(1 for i in items if i["state"] == "open")
    assert summary["counted"] == summary["met"] + summary["missed"]
    assert summary["rate"] == round(100 * summary["met"] / summary["counted"], 1)
    a2 = next(o for o in summary["items"] if o["org_id"] == county.village_a2.pk)
    assert a2["met"] == 4 and a2["missed"] > 0 and a2["fully_compliant"] is False
    assert summary["organizations"] == len(summary["items"])


# --- ledger and study hours --------------------------------------------------------------------------------------


def test_the_ledger_downloads_as_a_workbook_with_three_sheets(client, api_for, county):
    meeting(county.village_a1, "assembly", dt.date(YEAR, 2, 5), present=members_of(county.village_a1)[:6])
    response = client.get(
        f"/api/v1/compliance/ledger?org_id={county.village_a1.pk}&year={YEAR}", **api_for("secretary")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["会议活动", "合规情况", "党员学时"]
    assert book["会议活动"]["E4"].value == f"assembly {YEAR}-02-05"


def test_study_hours_lists_members_with_the_contract_fields(client, api_for, county):
    people = members_of(county.village_a1)
    # people[0] is on the committee (56 hours required), people[3] is not (32)
    meeting(county.village_a1, "lecture", dt.date(YEAR, 3, 1), present=[people[0], people[3]], hours=40)
    seat_committee(county.village_a1)
    response = client.get(f"/api/v1/study-hours?within={county.village_a1.pk}", **api_for("secretary"))
    body = response.json()
    assert body["count"] == 11 and body["year"] == YEAR and body["below"] == 10
    first = next(i for i in body["items"] if i["member_id"] == people[0].pk)
    assert first == {
        "member_id": people[0].pk,
        "name": people[0].name,
        "org_id": county.village_a1.pk,
        "org_name": "甲村党支部",
        "hours": 40.0,
        "required": 56,
        "is_cadre": True,
        "short": 16.0,
    }
    below = client.get(
        f"/api/v1/study-hours?within={county.village_a1.pk}&below=true", **api_for("secretary")
    ).json()
    assert below["count"] == 10 and people[3].pk not in {i["member_id"] for i in below["items"]}
    assert people[0].pk in {i["member_id"] for i in below["items"]}
    cadres = client.get(
        f"/api/v1/study-hours?within={county.village_a1.pk}&cadre=true&limit=2", **api_for("secretary")
    ).json()
    assert cadres["count"] == 3 and len(cadres["items"]) == 2
    assert all(i["is_cadre"] for i in cadres["items"])


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "offset=-1", "below=maybe", "year=20266"])
def test_bad_study_hour_filters_are_422(client, api_for, county, query):
    response = client.get(f"/api/v1/study-hours?{query}", **api_for("admin"))
    assert response.status_code == 422, response.content
