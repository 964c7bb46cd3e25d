"""/api/v1/orgs: the contract of design/API.md, the error format, and the access matrix for every role."""

import datetime as dt

import pytest

from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]


def test_token_then_list_subtree(client, personas, county):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "xiangzhen", "password": "dangjian2026"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    listing = client.get(f"/api/v1/orgs?within={county.town_a.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert listing.status_code == 200
    names = {item["name"] for item in listing.json()["items"]}
    assert names == {"甲镇党委", "甲村党支部", "甲村第一党小组", "乙村党支部"}
    assert listing.json()["count"] == 4


def test_wrong_password_gets_401_in_chinese(client, personas):
    response = client.post(
        "/api/v1/auth/token", {"username": "admin", "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert "密码错误" in response.json()["detail"]


def test_bad_or_expired_token_is_401(client, personas):
    response = client.get("/api/v1/orgs", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效，请先获取令牌", "errors": []}


def test_org_fields_follow_the_contract(client, api_for, county):
    body = client.get(f"/api/v1/orgs/{county.village_a1.pk}", **api_for("admin")).json()
    assert {"id", "name", "code", "kind", "domain", "parent_id", "children_count"} <= set(body)
    assert body["kind"] == "branch" and body["domain"] == "rural"
    assert body["parent_id"] == county.town_a.pk and body["children_count"] == 1


def test_structure_endpoint(client, api_for, county):
    body = client.get(f"/api/v1/orgs/{county.village_a1.pk}/structure", **api_for("secretary")).json()
    assert body["full_members"] == 9 and body["probationary_members"] == 2
    assert body["committee_required"] is True and body["committee_size"] == 0
    codes = {f["code"] for f in body["findings"]}
    assert "committee_missing" in codes
    assert all(f["message"] for f in body["findings"])


def test_filters_and_pagination(client, api_for, county):
    body = client.get("/api/v1/orgs?kind=branch&limit=2&offset=1", **api_for("admin")).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert client.get("/api/v1/orgs?q=甲村", **api_for("admin")).json()["count"] == 2
    assert client.get("/api/v1/orgs?q=B1", **api_for("admin")).json()["items"][0]["name"] == "丙村党支部"


# --- access matrix: every endpoint × every role -----------------------------------------------------------

READS = {
    # endpoint → expected status per role (admin, officer, secretary, secretary_b, member, reviewer, anonymous)
    "list": ("/api/v1/orgs", [200, 200, 200, 200, 403, 403, 401]),
    "within_town_a": ("/api/v1/orgs?within={town_a}", [200, 200, 404, 404, 403, 403, 401]),
    "detail_a1": ("/api/v1/orgs/{village_a1}", [200, 200, 200, 404, 403, 403, 401]),
    "detail_b1": ("/api/v1/orgs/{village_b1}", [200, 404, 404, 200, 403, 403, 401]),
    "structure_a1": ("/api/v1/orgs/{village_a1}/structure", [200, 200, 200, 404, 403, 403, 401]),
    "positions_a1": ("/api/v1/orgs/{village_a1}/positions", [200, 200, 200, 404, 403, 403, 401]),
    "detail_root": ("/api/v1/orgs/{root}", [200, 404, 404, 404, 403, 403, 401]),
}


def _ids(county):
    return {
        name: getattr(county, name).pk for name in ("root", "town_a", "village_a1", "village_b1", "group_a1")
    }


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client, api_for, county, endpoint, role_index):
    url, expected = READS[endpoint]
    response = client.get(url.format(**_ids(county)), **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content
    if response.status_code >= 400:
        assert response.json()["detail"]


def test_list_shows_only_the_callers_subtree(client, api_for, county):
    officer = {o["name"] for o in client.get("/api/v1/orgs", **api_for("officer")).json()["items"]}
    assert officer == {"甲镇党委", "甲村党支部", "甲村第一党小组", "乙村党支部"}
    secretary = {o["name"] for o in client.get("/api/v1/orgs", **api_for("secretary")).json()["items"]}
    assert secretary == {"甲村党支部", "甲村第一党小组"}


WRITES = {
    # name → (method, url, payload, expected per role)
    "create_group": (
        "post",
        "/api/v1/orgs",
        {
            "parent_id": "{village_a1}",
            "name": "新党小组",
            "code": "NG{n}",
            "kind": "group",
            "domain": "rural",
        },
        [201, 201, 201, 422, 403, 403, 401],
    ),
    "create_branch": (
        "post",
        "/api/v1/orgs",
        {"parent_id": "{town_a}", "name": "新支部", "code": "NB{n}", "kind": "branch", "domain": "rural"},
        [201, 201, 422, 422, 403, 403, 401],
    ),
    "rename_a1": (
        "patch",
        "/api/v1/orgs/{village_a1}",
        {"name": "甲村党委"},
        [200, 200, 403, 404, 403, 403, 401],
    ),
    "move_a2": (
        "post",
        "/api/v1/orgs/{village_a2}/move",
        {"parent_id": "{town_b}"},
        [200, 422, 404, 404, 403, 403, 401],
    ),
    "dissolve_group": (
        "post",
        "/api/v1/orgs/{group_a1}/dissolve",
        {"dissolved_on": "{today}", "reason": "合并"},
        [200, 200, 200, 404, 403, 403, 401],
    ),
    "appoint_a1": (
        "post",
        "/api/v1/orgs/{village_a1}/positions",
        {"post": "organization", "person_name": "王五", "started_on": "2025-01-01"},
        [201, 201, 201, 404, 403, 403, 401],
    ),
}


def _fill(value, ids, n):
    if isinstance(value, str):
        filled = value.format(**ids, n=n, today=dt.date.today().isoformat())
        return int(filled) if value.startswith("{") and value.endswith("}") and filled.isdigit() else filled
    return value


@pytest.mark.parametrize("action", list(WRITES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_write_access_matrix(client, api_for, county, action, role_index):
    method, url, payload, expected = WRITES[action]
    ids = {**_ids(county), "village_a2": county.village_a2.pk, "town_b": county.town_b.pk}
    body = {key: _fill(value, ids, role_index) for key, value in payload.items()}
    headers = api_for(ROLES[role_index])  # issuing the token is audited too: count after it
    before = AuditEntry.objects.exclude(action="token").count()
    response = getattr(client, method)(url.format(**ids), body, content_type="application/json", **headers)
    assert response.status_code == expected[role_index], response.content
    written = AuditEntry.objects.exclude(action="token").count() - before
    assert written == (1 if response.status_code in (200, 201) else 0)


# --- error format: 422 with Chinese messages, never 500 ------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "code": "y", "kind": "branch", "domain": "rural"}, "parent_id"),
        ({"parent_id": "abc", "name": "x", "code": "y", "kind": "branch", "domain": "rural"}, "parent_id"),
        ({"parent_id": 1, "name": "x", "code": "y", "kind": "palace", "domain": "rural"}, "kind"),
        (
            {
                "parent_id": 1,
                "name": "x",
                "code": "y",
                "kind": "branch",
                "domain": "rural",
                "established_on": "2026-13-01",
            },
            "established_on",
        ),
        ({"parent_id": 1, "name": "x" * 101, "code": "y", "kind": "branch", "domain": "rural"}, "name"),
    ],
)
def test_invalid_input_is_422_with_field_messages_in_chinese(client, api_for, county, payload, field):
    response = client.post("/api/v1/orgs", payload, content_type="application/json", **api_for("admin"))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("输入有误")
    assert any(error["field"] == field and error["message"] for error in body["errors"])


def test_malformed_json_is_422_not_500(client, api_for, county):
    response = client.post("/api/v1/orgs", "{not json", content_type="application/json", **api_for("admin"))
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


def test_service_validation_is_422_with_field(client, api_for, county):
    payload = {
        "parent_id": county.town_a.pk,
        "name": "新村",
        "code": "B1",
        "kind": "branch",
        "domain": "rural",
    }
    response = client.post("/api/v1/orgs", payload, content_type="application/json", **api_for("admin"))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "code", "message": "组织编码“B1”已被使用"}]
    assert not Organization.objects.filter(name="新村").exists()


def test_workflow_step_not_allowed_now_is_409_with_reason(client, api_for, county):
    url = f"/api/v1/orgs/{county.village_a2.pk}/dissolve"
    response = client.post(
        url,
        {"dissolved_on": dt.date.today().isoformat(), "reason": "合并"},
        content_type="application/json",
        **api_for("officer"),
    )
    assert response.status_code == 409
    assert "3 名党员" in response.json()["detail"]
    assert Organization.objects.get(pk=county.village_a2.pk).dissolved_on is None


def test_end_position_and_second_end_is_409(client, api_for, county):
    created = client.post(
        f"/api/v1/orgs/{county.village_a1.pk}/positions",
        {"post": "secretary", "person_name": "钱七", "started_on": "2024-01-01"},
        content_type="application/json",
        **api_for("officer"),
    ).json()
    url = f"/api/v1/orgs/{county.village_a1.pk}/positions/{created['id']}/end"
    first = client.post(
        url,
        {"ended_on": "2025-01-01", "reason": "换届"},
        content_type="application/json",
        **api_for("officer"),
    )
    assert first.status_code == 200 and first.json()["ended_on"] == "2025-01-01"
    second = client.post(
        url, {"ended_on": "2025-02-01"}, content_type="application/json", **api_for("officer")
    )
    assert second.status_code == 409


def test_openapi_and_docs_are_served_locally(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/orgs/{org_id}/structure" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn." not in html and "https://" not in html
