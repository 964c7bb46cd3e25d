"""/api/v1/members: the contract of design/API.md, masking and reveal, and the access matrix for every role."""

import datetime as dt

import pytest

from dangjian.core import idnumber
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.members.services import records

from ..factories import make_member

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
CONTRACT = {
    "id",
    "name",
    "gender",
    "id_number",
    "birth_date",
    "ethnicity",
    "education",
    "org_id",
    "category",
    "joined_on",
    "converted_on",
    "status",
    "phone",
}
NUMBER = idnumber.build("341825", dt.date(1992, 8, 9), 402)


def _masked(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}"


def _ids(county):
    return {
        "root": county.root.pk,
        "town_a": county.town_a.pk,
        "a1": county.village_a1.pk,
        "b1": county.village_b1.pk,
        "own": county.own_member.pk,
        "group": county.group_a1.pk,
    }


def test_list_follows_the_contract_masked_in_stroke_order(client, api_for, county):
    records.name_keys_fill()
    body = client.get(f"/api/v1/members?within={county.village_a1.pk}", **api_for("admin")).json()
    assert body["count"] == 11
    item = next(i for i in body["items"] if i["name"] == "李华")
    assert set(item) >= CONTRACT
    assert item["id_number"] == _masked(county.own_member.id_number)
    assert item["phone"] == "138****5678"
    assert item["gender"] == "male" and item["category"] == "full" and item["status"] == "active"
    assert item["org_id"] == county.village_a1.pk and item["revealed"] is False and item["address"] is None
    keys = [Member.objects.get(pk=i["id"]).name_key for i in body["items"]]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("", 19),
        ("?status=all", 20),
        ("?status=deceased", 1),
        ("?category=probationary", 3),
        ("?q=%E6%9D%8E", 1),  # 李
        ("?within={town_a}", 14),
        ("?within={group}", 1),
        ("?gender=female", 0),
        ("?age_min=40&age_max=50", 20 - 1),
        ("?limit=5", 19),
    ],
)
def test_list_filters(client, api_for, county, query, count):
    make_member(county.village_b1, name="赵故", status="deceased")
    Member.objects.filter(pk=county.own_member.pk).update(party_group=county.group_a1)
    body = client.get("/api/v1/members" + query.format(**_ids(county)), **api_for("admin")).json()
    assert body["count"] == count, body
    assert len(body["items"]) == min(count, 5 if "limit" in query else 50)


def test_search_by_exact_id_number(client, api_for, county):
    number = county.own_member.id_number
    body = client.get(f"/api/v1/members?q={number}", **api_for("officer")).json()
    assert [i["name"] for i in body["items"]] == ["李华"]


def test_bad_filter_values_are_422_in_chinese(client, api_for, county):
    response = client.get("/api/v1/members?status=unknown&age_min=-1", **api_for("admin"))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("输入有误")


def test_detail_is_masked_by_default(client, api_for, county):
    body = client.get(f"/api/v1/members/{county.own_member.pk}", **api_for("secretary")).json()
    assert body["id_number"] == _masked(county.own_member.id_number) and body["revealed"] is False
    assert not AuditEntry.objects.filter(action="reveal").exists()


# API.md: ?reveal=true → full for the county admin and the member's own branch secretary, 403 for others.
REVEAL = [200, 403, 200, 404, 403, 403, 401]


@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_reveal_matrix_and_audit(client, api_for, county, personas, role_index):
    role = ROLES[role_index]
    member = county.own_member
    response = client.get(f"/api/v1/members/{member.pk}?reveal=true", **api_for(role))
    assert response.status_code == REVEAL[role_index], response.content
    reveals = AuditEntry.objects.filter(action="reveal", object_id=str(member.pk))
    if response.status_code == 200:
        body = response.json()
        assert body["id_number"] == member.id_number and body["phone"] == "13812345678"
        assert body["revealed"] is True
        entry = reveals.get()
        assert entry.actor == getattr(personas, role) and entry.org == county.village_a1
    else:
        assert response.json()["detail"]
        assert not reveals.exists()


def test_a_secretary_of_the_parent_branch_sees_a_group_member_in_full(client, api_for, county):
    """A 党小组's members are registered on the branch, so the branch secretary is their own secretary."""
    Member.objects.filter(pk=county.own_member.pk).update(party_group=county.group_a1)
    response = client.get(f"/api/v1/members/{county.own_member.pk}?reveal=true", **api_for("secretary"))
    assert response.status_code == 200


def test_create_answers_201_with_the_masked_record(client, api_for, county):
    payload = {
        "name": "欧阳娜娜",
        "id_number": NUMBER,
        "org_id": county.village_a1.pk,
        "category": "probationary",
        "joined_on": (dt.date.today() - dt.timedelta(days=40)).isoformat(),
        "phone": "13700001111",
        "party_group_id": county.group_a1.pk,
        "address": "安徽省宣城市旌德县旌阳镇某路1号",
    }
    response = client.post("/api/v1/members", payload, content_type="application/json", **api_for("officer"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number"] == _masked(NUMBER) and body["phone"] == "137****1111"
    assert body["gender"] == "female" and body["birth_date"] == "1992-08-09"
    assert body["party_group_id"] == county.group_a1.pk
    assert Member.objects.get(pk=body["id"]).address == payload["address"]


def test_create_with_a_wrong_check_digit_is_422_naming_the_field(client, api_for, county):
    payload = {
        "name": "某某",
        "id_number": NUMBER[:17] + ("1" if NUMBER[17] != "1" else "2"),
        "org_id": county.village_a1.pk,
        "category": "full",
        "joined_on": "2015-01-01",
    }
    response = client.post("/api/v1/members", payload, content_type="application/json", **api_for("admin"))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "id_number", "message": "公民身份号码校验码错误"}]


def test_create_into_an_organization_outside_scope_is_422_without_naming_it(client, api_for, county):
    payload = {
        "name": "某某",
        "id_number": NUMBER,
        "org_id": county.village_b1.pk,
        "category": "full",
        "joined_on": "2015-01-01",
    }
    response = client.post("/api/v1/members", payload, content_type="application/json", **api_for("officer"))
    assert response.status_code == 422
    assert "丙村" not in response.content.decode()


def test_patch_corrects_and_returns_the_record(client, api_for, county):
    member = county.own_member
    response = client.patch(
        f"/api/v1/members/{member.pk}",
        {"work_unit": "甲村村委会", "education": "31"},
        content_type="application/json",
        **api_for("secretary"),
    )
    assert response.status_code == 200, response.content
    assert response.json()["education"] == "31" and response.json()["education_name"] == "大学专科"


@pytest.mark.parametrize(
    ("payload", "procedure"),
    [
        ({"org_id": 1}, "组织关系转接"),
        ({"status": "left"}, "党籍异动"),
        ({"category": "probationary"}, "预备党员转正"),
    ],
)
def test_patch_of_org_status_or_category_says_which_procedure(client, api_for, county, payload, procedure):
    response = client.patch(
        f"/api/v1/members/{county.own_member.pk}",
        payload,
        content_type="application/json",
        **api_for("admin"),
    )
    assert response.status_code == 422
    assert procedure in response.json()["detail"]


def test_patch_of_a_deceased_member_is_409(client, api_for, county):
    gone = make_member(county.village_a1, name="王故", status="deceased")
    response = client.patch(
        f"/api/v1/members/{gone.pk}",
        {"work_unit": "某单位"},
        content_type="application/json",
        **api_for("admin"),
    )
    assert response.status_code == 409
    assert "去世" in response.json()["detail"]


def test_member_paths_do_not_swallow_the_import_endpoints(client, api_for, county):
    response = client.get("/api/v1/members/import-template", **api_for("admin"))
    assert response.status_code != 422


# --- access matrix: every endpoint × every role --------------------------------------------------------------

READS = {
    # endpoint → expected status per role (admin, officer, secretary, secretary_b, member, reviewer, anonymous)
    "list": ("/api/v1/members", [200, 200, 200, 200, 403, 403, 401]),
    "list within 甲镇": ("/api/v1/members?within={town_a}", [200, 200, 404, 404, 403, 403, 401]),
    "list within 丙村": ("/api/v1/members?within={b1}", [200, 404, 404, 200, 403, 403, 401]),
    "detail 李华": ("/api/v1/members/{own}", [200, 200, 200, 404, 403, 403, 401]),
    "detail missing": ("/api/v1/members/999999", [404, 404, 404, 404, 403, 403, 401]),
}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client, api_for, county, endpoint, role_index):
    url, expected = READS[endpoint]
    response = client.get(url.format(**_ids(county)), **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content
    if response.status_code >= 400:
        assert response.json()["detail"]


def test_lists_show_only_the_callers_subtree(client, api_for, county):
    names = {i["org_id"] for i in client.get("/api/v1/members", **api_for("secretary_b")).json()["items"]}
    assert names == {county.village_b1.pk}


WRITES = {
    # name → (method, url, payload, expected per role)
    "create in 甲村": (
        "post",
        "/api/v1/members",
        {
            "name": "新党员",
            "id_number": NUMBER,
            "org_id": "{a1}",
            "category": "full",
            "joined_on": "2016-05-01",
        },
        [201, 201, 201, 422, 403, 403, 401],
    ),
    "patch 李华": (
        "patch",
        "/api/v1/members/{own}",
        {"job_title": "村会计"},
        [200, 200, 200, 404, 403, 403, 401],
    ),
}


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{"):
        return ids[value.strip("{}")]
    return value


@pytest.mark.parametrize("name", list(WRITES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_write_access_matrix(client, api_for, county, name, role_index):
    method, url, payload, expected = WRITES[name]
    ids = _ids(county)
    body = {key: _fill(value, ids) for key, value in payload.items()}
    headers = api_for(ROLES[role_index])
    before = AuditEntry.objects.exclude(action__in=["login", "token"]).count()
    members_before = list(Member.objects.order_by("pk").values_list("pk", "job_title"))
    response = getattr(client, method)(url.format(**ids), body, content_type="application/json", **headers)
    assert response.status_code == expected[role_index], response.content
    written = AuditEntry.objects.exclude(action__in=["login", "token"]).count() - before
    if response.status_code in (200, 201):
        assert written == 1
    else:
        assert written == 0
        assert list(Member.objects.order_by("pk").values_list("pk", "job_title")) == members_before
