"""/api/v1/development: shapes, status codes (201/200/409/422/404/403/401) and the access matrix."""

import datetime as dt

import pytest

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.recruitment.models import CaseStep, DevelopmentCase

from ._flow import TIMETABLE, id_for

pytestmark = pytest.mark.django_db
D = dt.date
ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
BASE = "/api/v1/development"


def post(client, url, payload, headers):
    return client.post(url, payload, content_type="application/json", **headers)


def audits() -> int:
    return AuditEntry.objects.exclude(action="token").count()


@pytest.fixture
def cases(flow, county):
    """A case in 甲村 (township A) and one in 丙村 (township B), both applicants."""
    a1 = flow.new_case(person_name="甲申请")
    b1 = flow.new_case(person_name="丙申请", org=county.village_b1, birth=D(1999, 1, 1))
    return {"a1": a1, "b1": b1}


def ids(county, cases):
    return {
        "case_a1": cases["a1"].pk,
        "case_b1": cases["b1"].pk,
        "village_a1": county.village_a1.pk,
        "town_a": county.town_a.pk,
    }


# --- shapes -------------------------------------------------------------------------------------------------------


def test_create_answers_201_with_the_case_masked(client, api_for, county, traveller):
    payload = {
        "org_id": county.village_a1.pk,
        "person_name": "周末",
        "id_number": id_for(D(2001, 3, 3), 31),
        "applied_on": "2024-01-08",
        "phone": "13900001111",
        "education": "21",
    }
    response = post(client, f"{BASE}/cases", payload, api_for("secretary"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "applicant" and body["stage_label"] == "入党申请人"
    assert body["id_number"] == payload["id_number"][:6] + "********" + payload["id_number"][-4:]
    assert body["phone"] == "139****1111" and body["revealed"] is False
    assert body["birth_date"] == "2001-03-03" and body["gender"] == "male"
    assert [s["step"] for s in body["steps"]] == [1] and body["steps"][0]["title"] == "递交入党申请书"
    assert body["allowed_steps"] == [2]
    assert body["due"][0]["code"] == "talk" and body["due"][0]["due_on"] == "2024-02-08"
    for key in ("org_id", "applied_on", "activist_on", "candidate_on", "admitted_on", "probation_ends_on"):
        assert key in body
    assert {"converted_on", "member_id"} <= set(body)


def test_list_filters_by_stage_year_name_and_exact_id_number(client, api_for, cases, flow):
    flow.step(cases["a1"], 2)
    flow.step(DevelopmentCase.objects.get(pk=cases["a1"].pk), 3)
    headers = api_for("admin")

    def names(query):
        response = client.get(f"{BASE}/cases{query}", **headers)
        assert response.status_code == 200, response.content
        return sorted(item["person_name"] for item in response.json()["items"])

    assert names("") == ["丙申请", "甲申请"]
    assert names("?stage=activist") == ["甲申请"]
    assert names("?year=2024") == ["丙申请", "甲申请"] and names("?year=2023") == []
    assert names("?q=丙") == ["丙申请"]
    assert names(f"?q={cases['b1'].id_number}") == ["丙申请"]
    assert names(f"?within={flow.county.town_b.pk}") == ["丙申请"]
    item = client.get(f"{BASE}/cases?stage=activist", **headers).json()["items"][0]
    assert item["activist_on"] == "2024-03-01" and "*" in item["id_number"]


def test_a_step_answers_200_with_the_updated_case(client, api_for, cases, flow):
    flow.at(D(2024, 1, 20))
    response = post(
        client,
        f"{BASE}/cases/{cases['a1'].pk}/steps",
        {"step": 2, "date": "2024-01-20", "talker_name": "王书记"},
        api_for("secretary"),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    talk = body["steps"][-1]
    assert (talk["step"], talk["date"], talk["people"]) == (
        2,
        "2024-01-20",
        [{"role": "talker", "member_id": None, "name": "王书记"}],
    )
    assert body["allowed_steps"] == [3] and body["due"] == []


def test_a_step_not_allowed_now_is_409_with_the_rule(client, api_for, cases, flow):
    flow.at(D(2024, 2, 1))
    before = audits()
    response = post(
        client,
        f"{BASE}/cases/{cases['a1'].pk}/steps",
        {"step": 3, "date": "2024-02-01"},
        api_for("secretary"),
    )
    assert response.status_code == 409
    body = response.json()
    assert "请先完成第2步" in body["detail"] and "细则 第7条" in body["detail"]
    assert body["errors"][0]["message"] == body["detail"]
    assert audits() == before and CaseStep.objects.filter(case=cases["a1"]).count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"step": 26, "date": "2024-01-20"}, "step"),
        ({"step": 2, "date": "2024-02-30"}, "date"),
        ({"step": 2}, "date"),
        ({"step": 2, "date": "2024-01-20"}, "talker_name"),
        ({"step": 2, "date": "2024-01-20", "talker_name": "王", "mentor_ids": "a full member"}, "mentors"),
        ({"step": 5, "date": "2024-01-20", "mentor_ids": [999999]}, "mentor_ids"),
        ({"step": 15, "date": "2024-01-20", "meeting_id": 999999}, "meeting_id"),
        ({"step": 2, "date": "2099-01-01", "talker_name": "王"}, "date"),
    ],
)
def test_bad_step_input_is_422_in_chinese_and_changes_nothing(client, api_for, cases, flow, payload, field):
    flow.at(D(2024, 1, 20))
    if payload.get("mentor_ids") == "a full member":
        payload = {**payload, "mentor_ids": [flow.voters()[0].pk]}
    before = audits()
    response = post(client, f"{BASE}/cases/{cases['a1'].pk}/steps", payload, api_for("secretary"))
    assert response.status_code == 422, response.content
    assert any(e["field"] == field and e["message"] for e in response.json()["errors"]), response.json()
    assert audits() == before and CaseStep.objects.filter(case=cases["a1"]).count() == 1


def test_the_admission_vote_and_approval_through_the_api(client, flow, api_for, county):
    case = flow.to(flow.new_case(), 14)
    meeting = flow.assembly(TIMETABLE[15], present=6)
    url = f"{BASE}/cases/{case.pk}/steps"
    failed = post(
        client,
        url,
        {"step": 15, "date": "2025-05-20", "meeting_id": meeting.pk, "yes": 4},
        api_for("secretary"),
    )
    assert failed.status_code == 409 and "未通过" in failed.json()["detail"]
    passed = post(
        client,
        url,
        {"step": 15, "date": "2025-05-20", "meeting_id": meeting.pk, "yes": 4, "written_yes": 1},
        api_for("secretary"),
    )
    assert passed.status_code == 200, passed.content
    vote = passed.json()["steps"][-1]["vote"]
    assert (vote["should_attend"], vote["present"], vote["yes"], vote["written_yes"], vote["passed"]) == (
        9,
        6,
        4,
        1,
        True,
    )
    flow.at(TIMETABLE[16])
    talk = {"step": 16, "date": "2025-06-01", "submitted_on": "2025-05-23", "interviewer_name": "组织员"}
    assert post(client, url, talk, api_for("secretary")).status_code == 403
    assert post(client, url, talk, api_for("officer")).status_code == 200
    flow.at(TIMETABLE[17])
    refused = post(
        client, url, {"step": 17, "date": "2025-06-15", "decided_by_id": county.root.pk}, api_for("admin")
    )
    assert refused.status_code == 409 and "乡镇党委" in refused.json()["detail"]
    approved = post(client, url, {"step": 17, "date": "2025-06-15"}, api_for("officer"))
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["stage"] == "probationary" and body["admitted_on"] == "2025-05-20"
    assert body["probation_ends_on"] == "2026-05-20"
    member = Member.objects.get(pk=body["member_id"])
    assert (member.category, member.joined_on) == ("probationary", D(2025, 5, 20))
    member_view = client.get(f"/api/v1/members/{member.pk}", **api_for("secretary")).json()
    assert member_view["category"] == "probationary"


def test_reveal_returns_the_full_number_and_is_audited(client, api_for, cases):
    response = client.get(f"{BASE}/cases/{cases['a1'].pk}?reveal=true", **api_for("secretary"))
    assert response.status_code == 200
    assert response.json()["id_number"] == cases["a1"].id_number and response.json()["revealed"] is True
    assert AuditEntry.objects.filter(action="reveal", object_id=str(cases["a1"].pk)).count() == 1


def test_withdraw(client, api_for, cases, flow):
    flow.at(D(2024, 1, 10))
    url = f"{BASE}/cases/{cases['a1'].pk}/withdraw"
    assert post(client, url, {"date": "2024-01-10"}, api_for("secretary")).status_code == 422
    response = post(client, url, {"date": "2024-01-10", "reason": "本人撤回"}, api_for("secretary"))
    assert response.status_code == 200 and response.json()["stage"] == "withdrawn"
    assert response.json()["allowed_steps"] == []
    assert (
        post(client, url, {"date": "2024-01-10", "reason": "再次"}, api_for("secretary")).status_code == 409
    )


def test_the_due_list(client, api_for, cases, flow):
    flow.at(D(2024, 2, 5))
    body = client.get(f"{BASE}/due", **api_for("admin")).json()
    assert body["today"] == "2024-02-05" and body["count"] == 2
    item = body["items"][0]
    assert item["code"] == "talk" and item["due_on"] == "2024-02-08" and item["days_left"] == 3
    assert item["overdue"] is False and item["source"] == "细则 第7条"
    assert client.get(f"{BASE}/due?days=2", **api_for("admin")).json()["count"] == 0
    flow.at(D(2024, 2, 9))
    overdue = client.get(f"{BASE}/due?overdue=true", **api_for("officer")).json()
    assert [i["person_name"] for i in overdue["items"]] == ["甲申请"] and overdue["items"][0]["overdue"]
    assert client.get(f"{BASE}/due?days=400", **api_for("admin")).status_code == 422


def test_the_step_definitions(client, api_for, traveller):
    body = client.get(f"{BASE}/steps", **api_for("secretary")).json()
    assert [s["number"] for s in body] == list(range(1, 26))
    assert body[16]["title"] == "上级党委审批" and body[16]["decider"] == "committee"
    assert body[16]["source"] == "细则 第24条" and body[16]["requires"] == [16]


def test_counts_per_branch_and_year(client, api_for, cases, flow):
    flow.step(cases["a1"], 2)
    flow.step(DevelopmentCase.objects.get(pk=cases["a1"].pk), 3)
    body = client.get(f"{BASE}/counts?year=2024", **api_for("admin")).json()
    rows = {row["org_name"]: row for row in body["items"]}
    assert rows["甲村党支部"]["applied"] == 1 and rows["甲村党支部"]["activists"] == 1
    assert rows["甲村党支部"]["now"]["activist"] == 1 and rows["丙村党支部"]["now"]["applicant"] == 1
    assert client.get(f"{BASE}/counts", **api_for("admin")).status_code == 422


def test_plans(client, api_for, county, flow):
    payload = {
        "org_id": county.town_a.pk,
        "year": 2025,
        "note": "年度计划",
        "lines": [{"org_id": county.village_a1.pk, "quota": 2}, {"org_id": county.village_a2.pk, "quota": 1}],
    }
    created = post(client, f"{BASE}/plans", payload, api_for("officer"))
    assert created.status_code == 201, created.content
    plan = created.json()
    assert (plan["total"], plan["admitted"]) == (3, 0)
    assert post(client, f"{BASE}/plans", payload, api_for("officer")).status_code == 409
    wrong = {**payload, "year": 2026, "lines": [{"org_id": county.village_b1.pk, "quota": 1}]}
    assert post(client, f"{BASE}/plans", wrong, api_for("admin")).status_code == 422
    flow.to(flow.new_case(), 17)
    assert (
        client.get(f"{BASE}/plans/{plan['id']}", **api_for("secretary")).status_code == 404
    )  # township data
    shown = client.get(f"{BASE}/plans/{plan['id']}", **api_for("officer")).json()
    assert shown["admitted"] == 1 and shown["lines"][0] == {
        "org_id": county.village_a1.pk,
        "org_name": "甲村党支部",
        "quota": 2,
        "admitted": 1,
    }
    updated = client.put(
        f"{BASE}/plans/{plan['id']}",
        {"lines": [{"org_id": county.village_a1.pk, "quota": 5}]},
        content_type="application/json",
        **api_for("officer"),
    )
    assert updated.status_code == 200 and updated.json()["total"] == 5
    listed = client.get(f"{BASE}/plans?year=2025", **api_for("admin")).json()
    assert listed["count"] == 1
    assert client.get(f"{BASE}/plans", **api_for("secretary_b")).json()["count"] == 0


# --- the access matrix -------------------------------------------------------------------------------------------

READS = {
    "list": ("/cases", [200, 200, 200, 200, 403, 403, 401]),
    "case A1": ("/cases/{case_a1}", [200, 200, 200, 404, 403, 403, 401]),
    "case B1": ("/cases/{case_b1}", [200, 404, 404, 200, 403, 403, 401]),
    "reveal A1": ("/cases/{case_a1}?reveal=true", [200, 403, 200, 404, 403, 403, 401]),
    "due": ("/due", [200, 200, 200, 200, 403, 403, 401]),
    "due within A1": ("/due?within={village_a1}", [200, 200, 200, 404, 403, 403, 401]),
    "list within town A": ("/cases?within={town_a}", [200, 200, 404, 404, 403, 403, 401]),
    "counts": ("/counts?year=2024", [200, 200, 200, 200, 403, 403, 401]),
    "plans": ("/plans", [200, 200, 200, 200, 403, 403, 401]),
    "steps": ("/steps", [200, 200, 200, 200, 200, 200, 401]),
    "missing case": ("/cases/999999", [404, 404, 404, 404, 403, 403, 401]),
}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client, api_for, county, cases, endpoint, role_index):
    url, expected = READS[endpoint]
    response = client.get(BASE + url.format(**ids(county, cases)), **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content


WRITES = {
    "step 2 on A1": ("/cases/{case_a1}/steps", {"step": 2, "date": "2024-01-08", "talker_name": "王"}, 200),
    "withdraw A1": ("/cases/{case_a1}/withdraw", {"date": "2024-01-08", "reason": "本人撤回"}, 200),
}
WRITE_EXPECTED = [200, 200, 200, 404, 403, 403, 401]


@pytest.mark.parametrize("endpoint", list(WRITES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_write_access_matrix(client, api_for, county, cases, endpoint, role_index):
    url, payload, _ok = WRITES[endpoint]
    headers = api_for(ROLES[role_index])
    before = audits()
    steps_before = CaseStep.objects.count()
    response = post(client, BASE + url.format(**ids(county, cases)), payload, headers)
    expected = WRITE_EXPECTED[role_index]
    assert response.status_code == expected, response.content
    assert audits() - before == (1 if expected == 200 else 0)
    case = DevelopmentCase.objects.get(pk=cases["a1"].pk)
    if expected != 200:
        assert case.stage == "applicant" and CaseStep.objects.count() == steps_before


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        ("village_a1", [201, 201, 201, 422, 403, 403, 401]),
        ("village_b1", [201, 422, 422, 201, 403, 403, 401]),
    ],
)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_create_access_matrix(client, api_for, county, traveller, org, expected, role_index):
    payload = {
        "org_id": getattr(county, org).pk,
        "person_name": "新申请",
        "id_number": id_for(D(2002, 2, 2), 41),
        "applied_on": "2024-01-08",
    }
    before = audits()
    response = post(client, f"{BASE}/cases", payload, api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content
    assert audits() - before == (1 if response.status_code == 201 else 0)
    assert DevelopmentCase.objects.count() == (1 if response.status_code == 201 else 0)


@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_plan_create_access_matrix(client, api_for, county, traveller, role_index):
    payload = {
        "org_id": county.town_a.pk,
        "year": 2025,
        "lines": [{"org_id": county.village_a1.pk, "quota": 1}],
    }
    expected = [201, 201, 403, 403, 403, 403, 401][role_index]
    before = audits()
    response = post(client, f"{BASE}/plans", payload, api_for(ROLES[role_index]))
    assert response.status_code == expected, response.content
    assert audits() - before == (1 if expected == 201 else 0)


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/cases", "/cases/{case_id}", "/cases/{case_id}/steps", "/cases/{case_id}/withdraw", "/due"):
        assert f"{BASE}{path}" in paths
