"""/api/v1/members/{id}/status-changes and /api/v1/status-changes: contract, 409 with the rule, access matrix."""

import pytest
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, StatusChange
from dangjian.members.services import status as services

from ..factories import make_member

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]


def post(client, url, payload, headers):
    return client.post(url, payload, content_type="application/json", **headers)


def change(kind="lost_contact", **extra):
    return {"kind": kind, "effective_on": timezone.localdate().isoformat(), "reason": "长期联系不上", **extra}


def test_record_and_read_back(client, api_for, county):
    member = make_member(county.village_a1, name="王五")
    url = f"/api/v1/members/{member.pk}/status-changes"
    response = post(
        client, url, change(approved_by="甲村党支部", decision_ref="甲支〔2026〕1号"), api_for("secretary")
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["kind"] == "lost_contact"
        and body["from_status"] == "active"
        and body["to_status"] == "lost_contact"
    )
    assert body["kind_label"] == "失去联系" and body["exit_kind"] is None
    listing = client.get(url, **api_for("officer")).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]
    assert Member.objects.get(pk=member.pk).status == "lost_contact"


def test_leave_needs_its_kind_and_records_it(client, api_for, county):
    member = make_member(county.village_a1, name="赵六", category="probationary")
    url = f"/api/v1/members/{member.pk}/status-changes"
    missing = post(client, url, change("leave"), api_for("secretary"))
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "exit_kind"
    body = post(client, url, change("leave", exit_kind="probation_cancelled"), api_for("secretary")).json()
    assert body["to_status"] == "left" and body["exit_kind"] == "probation_cancelled"
    assert Member.objects.get(pk=member.pk).category == "probationary"


def test_refused_transition_is_409_with_the_rule_and_changes_nothing(client, api_for, county):
    member = make_member(county.village_a1, name="钱七", category="probationary")
    response = post(
        client, f"/api/v1/members/{member.pk}/status-changes", change("suspend"), api_for("admin")
    )
    assert response.status_code == 409
    assert "取消预备党员资格" in response.json()["detail"]
    assert not StatusChange.objects.exists() and Member.objects.get(pk=member.pk).status == "active"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (change("explode"), "kind"),
        (change(effective_on="2026-02-30"), "effective_on"),
        ({"kind": "death", "effective_on": "2026-01-01"}, "reason"),
        (change(reason="x" * 301), "reason"),
    ],
)
def test_bad_input_is_422_in_chinese(client, api_for, county, payload, field):
    member = make_member(county.village_a1, name="孙八")
    response = post(client, f"/api/v1/members/{member.pk}/status-changes", payload, api_for("admin"))
    assert response.status_code == 422
    assert any(e["field"] == field and e["message"] for e in response.json()["errors"])


def test_subtree_list(client, api_for, county, personas):
    a1 = make_member(county.village_a1, name="甲一")
    b1 = make_member(county.village_b1, name="丙一")
    for actor, member in ((personas.secretary, a1), (personas.secretary_b, b1)):
        services.status_change_record(
            actor=actor, member=member, kind="death", effective_on=timezone.localdate(), reason="病故"
        )

    def names(url, who):
        return [item["member_name"] for item in client.get(url, **api_for(who)).json()["items"]]

    assert sorted(names("/api/v1/status-changes", "admin")) == ["丙一", "甲一"]
    assert names("/api/v1/status-changes", "officer") == ["甲一"]
    assert names(f"/api/v1/status-changes?within={county.town_b.pk}", "admin") == ["丙一"]
    assert names("/api/v1/status-changes?kind=death&q=丙", "secretary_b") == ["丙一"]


READS = {
    "member A1 history": ("/api/v1/members/{a1_member}/status-changes", [200, 200, 200, 404, 403, 403, 401]),
    "member B1 history": ("/api/v1/members/{b1_member}/status-changes", [200, 404, 404, 200, 403, 403, 401]),
    "subtree list": ("/api/v1/status-changes", [200, 200, 200, 200, 403, 403, 401]),
    "within town A": ("/api/v1/status-changes?within={town_a}", [200, 200, 404, 404, 403, 403, 401]),
}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client, api_for, county, endpoint, role_index):
    url, expected = READS[endpoint]
    values = {
        "a1_member": make_member(county.village_a1, name="甲").pk,
        "b1_member": make_member(county.village_b1, name="丙").pk,
        "town_a": county.town_a.pk,
    }
    response = client.get(url.format(**values), **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content


@pytest.mark.parametrize(
    ("where", "expected"),
    [("a1", [201, 201, 201, 404, 403, 403, 401]), ("b1", [201, 404, 404, 201, 403, 403, 401])],
)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_write_access_matrix(client, api_for, county, where, expected, role_index):
    org = county.village_a1 if where == "a1" else county.village_b1
    member = make_member(org, name="异动")
    headers = api_for(ROLES[role_index])
    before = AuditEntry.objects.exclude(action="token").count()
    response = post(client, f"/api/v1/members/{member.pk}/status-changes", change(), headers)
    assert response.status_code == expected[role_index], response.content
    written = AuditEntry.objects.exclude(action="token").count() - before
    assert written == (1 if response.status_code == 201 else 0)
    assert Member.objects.get(pk=member.pk).status == (
        "lost_contact" if response.status_code == 201 else "active"
    )
