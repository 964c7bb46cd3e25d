"""/api/v1/mobile: outflows, inflows (masked), return, activities; the access matrix for every role."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, MobileActivity, MobileRecord
from dangjian.members.services import mobile as services
from dangjian.orgs.rules import add_months

from ..factories import make_member

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]


def post(client, url, payload, headers):
    return client.post(url, payload, content_type="application/json", **headers)


@pytest.fixture
def world(county, personas):
    """A member of A1 staying at B1 (host in the system) and one staying outside the system."""
    today = timezone.localdate()
    at_b1 = make_member(county.village_a1, name="刘洋", phone="13912345678")
    outside = make_member(county.village_a1, name="陈静")
    hosted = services.mobile_outflow_record(
        actor=personas.secretary,
        member=at_b1,
        left_on=today,
        destination="丙镇工业园",
        host_org=county.village_b1,
    )
    away = services.mobile_outflow_record(
        actor=personas.secretary,
        member=outside,
        left_on=today,
        destination="深圳",
        host_text="深圳某园区党委",
    )
    return SimpleNamespace(at_b1=at_b1, outside=outside, hosted=hosted, away=away)


def test_outflow_with_the_transfer_advice(client, api_for, county):
    member = make_member(county.village_a1, name="黄七")
    today = timezone.localdate()
    response = post(
        client,
        "/api/v1/mobile/outflows",
        {
            "member_id": member.pk,
            "left_on": today.isoformat(),
            "expected_return_on": add_months(today, 6).isoformat(),
            "destination": "上海",
            "card_no": "皖流2026-001",
            "host_org_id": county.village_b1.pk,
        },
        api_for("secretary"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "out" and body["host_org_name"] == "丙村党支部"
    assert body["needs_transfer"] is True and "教管条例 第25条" in body["advice"]
    assert Member.objects.get(pk=member.pk).status == "mobile"


def test_the_host_sees_basic_masked_data_only(client, api_for, county, world):
    inflows = client.get("/api/v1/mobile/inflows", **api_for("secretary_b")).json()
    assert inflows["count"] == 1
    item = inflows["items"][0]
    assert (
        item["member_name"] == "刘洋"
        and item["phone"] == "139****5678"
        and item["home_org_name"] == "甲村党支部"
    )
    assert "id_number" not in item and "member_id" not in item and "contact" not in item
    detail = client.get(f"/api/v1/mobile/{world.hosted.pk}", **api_for("secretary_b")).json()
    assert "contact" not in detail and detail["phone"] == "139****5678"
    home = client.get(f"/api/v1/mobile/{world.hosted.pk}", **api_for("secretary")).json()
    assert home["member_id"] == world.at_b1.pk and "advice" in home
    assert client.get("/api/v1/mobile/outflows", **api_for("secretary_b")).json()["count"] == 0
    assert client.get("/api/v1/mobile/outflows", **api_for("secretary")).json()["count"] == 2


def test_return_and_activity_flow(client, api_for, county, world):
    today = timezone.localdate().isoformat()
    url = f"/api/v1/mobile/{world.hosted.pk}"
    activity = post(
        client, f"{url}/activities", {"held_on": today, "activity": "主题党日"}, api_for("secretary_b")
    )
    assert activity.status_code == 201 and activity.json()["activity"] == "主题党日"
    assert [a["activity"] for a in client.get(f"{url}/activities", **api_for("secretary")).json()] == [
        "主题党日"
    ]
    returned = post(client, f"{url}/return", {"returned_on": today}, api_for("secretary"))
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert Member.objects.get(pk=world.at_b1.pk).status == "active"
    again = post(client, f"{url}/return", {"returned_on": today}, api_for("secretary"))
    assert again.status_code == 409 and "登记返回" in again.json()["detail"]
    late = post(client, f"{url}/activities", {"held_on": today, "activity": "x"}, api_for("secretary_b"))
    assert late.status_code == 409


def test_second_outflow_is_409_and_bad_input_422(client, api_for, county, world):
    today = timezone.localdate().isoformat()
    again = post(
        client,
        "/api/v1/mobile/outflows",
        {"member_id": world.at_b1.pk, "left_on": today, "destination": "x"},
        api_for("secretary"),
    )
    assert again.status_code == 409
    member = make_member(county.village_a1, name="新人")
    bad = post(
        client,
        "/api/v1/mobile/outflows",
        {"member_id": member.pk, "left_on": today, "destination": "x", "host_org_id": county.group_a1.pk},
        api_for("secretary"),
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "host_org_id"


READS = {
    "outflows": ("/api/v1/mobile/outflows", [200, 200, 200, 200, 403, 403, 401]),
    "inflows": ("/api/v1/mobile/inflows", [200, 200, 200, 200, 403, 403, 401]),
    "inflows within town_b": ("/api/v1/mobile/inflows?within={town_b}", [200, 404, 404, 404, 403, 403, 401]),
    "hosted at B1": ("/api/v1/mobile/{hosted}", [200, 200, 200, 200, 403, 403, 401]),
    "hosted outside": ("/api/v1/mobile/{away}", [200, 200, 200, 404, 403, 403, 401]),
    "activities": ("/api/v1/mobile/{hosted}/activities", [200, 200, 200, 200, 403, 403, 401]),
}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client, api_for, county, world, endpoint, role_index):
    url, expected = READS[endpoint]
    values = {"town_b": county.town_b.pk, "hosted": world.hosted.pk, "away": world.away.pk}
    response = client.get(url.format(**values), **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content


WRITES = {
    "outflow": (
        "/api/v1/mobile/outflows",
        lambda v: {
            "member_id": v["fresh"],
            "left_on": v["today"],
            "destination": "丙镇",
            "host_org_id": v["b1"],
        },
        [201, 201, 201, 422, 403, 403, 401],
    ),
    "return": (
        "/api/v1/mobile/{hosted}/return",
        lambda v: {"returned_on": v["today"]},
        [200, 200, 200, 403, 403, 403, 401],
    ),
    "return outside": (
        "/api/v1/mobile/{away}/return",
        lambda v: {"returned_on": v["today"]},
        [200, 200, 200, 404, 403, 403, 401],
    ),
    "activity": (
        "/api/v1/mobile/{hosted}/activities",
        lambda v: {"held_on": v["today"], "activity": "党课"},
        [201, 403, 403, 201, 403, 403, 401],
    ),
}


@pytest.mark.parametrize("action", list(WRITES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_write_access_matrix(client, api_for, county, world, action, role_index):
    url, payload, expected = WRITES[action]
    values = {
        "fresh": make_member(county.village_a1, name="外出").pk,
        "today": timezone.localdate().isoformat(),
        "b1": county.village_b1.pk,
        "hosted": world.hosted.pk,
        "away": world.away.pk,
    }
    headers = api_for(ROLES[role_index])
    before = AuditEntry.objects.exclude(action="token").count()
    counts = (MobileRecord.objects.filter(state="out").count(), MobileActivity.objects.count())
    response = post(client, url.format(**values), payload(values), headers)
    assert response.status_code == expected[role_index], response.content
    written = AuditEntry.objects.exclude(action="token").count() - before
    assert written == (1 if response.status_code in (200, 201) else 0)
    if response.status_code >= 400:
        assert (MobileRecord.objects.filter(state="out").count(), MobileActivity.objects.count()) == counts
