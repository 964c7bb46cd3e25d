"""/api/v1/disclosure: items for every role (reads and writes, one audit entry per success, nothing changed on
refusal), 409 for a change after it went live, 422 for bad input; the public board without a token."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.models import AuditEntry
from dangjian.disclosure.models import DisclosureItem

from .conftest import TODAY

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

READS = {
    "list": ("/api/v1/disclosure/items", [200, 200, 200, 200, 403, 403, 401]),
    "detail_a1": ("/api/v1/disclosure/items/{a1}", [200, 200, 200, 404, 403, 403, 401]),
    "detail_b1": ("/api/v1/disclosure/items/{b1}", [200, 404, 404, 200, 403, 403, 401]),
    "within_a1": ("/api/v1/disclosure/items?within={village_a1}", [200, 200, 200, 404, 403, 403, 401]),
    "board": ("/api/v1/disclosure/board", [200] * 7),
    "board_a0": ("/api/v1/disclosure/board?org=A0", [200] * 7),
}


@pytest.fixture
def ids(publish, county):
    a1 = publish(title="甲村待公开事项", publish_on=TODAY + dt.timedelta(days=2))
    b1 = publish(title="丙村决策事项", org=county.village_b1)
    return {"a1": a1.pk, "b1": b1.pk, "village_a1": county.village_a1.pk}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client, api_for, ids, endpoint, role_index):
    url, expected = READS[endpoint]
    response = client.get(url.format(**ids), **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content


def test_the_list_counts_and_filters_within_scope(client, api_for, ids, publish, county):
    publish(title="甲镇结果", category="result", org=county.town_a)
    admin = client.get("/api/v1/disclosure/items", **api_for("admin")).json()
    assert admin["count"] == 3
    officer = client.get("/api/v1/disclosure/items", **api_for("officer")).json()
    assert {i["title"] for i in officer["items"]} == {"甲村待公开事项", "甲镇结果"}
    scheduled = client.get("/api/v1/disclosure/items?state=scheduled", **api_for("admin")).json()
    assert [i["title"] for i in scheduled["items"]] == ["甲村待公开事项"] and scheduled["items"][0][
        "state"
    ] == "scheduled"
    results = client.get("/api/v1/disclosure/items?category=result&limit=1", **api_for("admin")).json()
    assert results["count"] == 1 and results["items"][0]["org_name"] == "甲镇党委"
    bad = client.get("/api/v1/disclosure/items?state=gone", **api_for("admin"))
    assert bad.status_code == 422


def _body(org, **changes):
    return {
        "org_id": org.pk,
        "category": "dues",
        "title": "2026 年一季度党费收缴",
        "body": "应交 12 人，实交 12 人，合计 1,860 元。",
        "publish_on": f"{TODAY:%Y-%m-%d}",
        "expires_on": f"{TODAY + dt.timedelta(days=30):%Y-%m-%d}",
        **changes,
    }


@pytest.mark.parametrize(
    ("role", "status"), list(zip(ROLES, [201, 201, 201, 422, 403, 403, 401], strict=True))
)
def test_create_access_matrix(client, api_for, county, clock, role, status):
    headers = api_for(role)
    audits = AuditEntry.objects.count()
    response = client.post(
        "/api/v1/disclosure/items", _body(county.village_a1), content_type="application/json", **headers
    )
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["state"] == "live" and response.json()["org_name"] == "甲村党支部"
        assert DisclosureItem.objects.count() == 1 and AuditEntry.objects.count() == audits + 1
    else:
        assert not DisclosureItem.objects.exists() and AuditEntry.objects.count() == audits
    if role == "secretary_b":
        assert response.json()["errors"][0]["field"] == "org_id"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"expires_on": f"{TODAY:%Y-%m-%d}"}, "expires_on"),
        ({"publish_on": f"{TODAY - dt.timedelta(days=1):%Y-%m-%d}"}, "publish_on"),
        ({"category": "gossip"}, "category"),
        ({"title": ""}, "title"),
        ({"expires_on": "2026-13-01"}, "expires_on"),
    ],
)
def test_bad_input_is_422_with_the_field_named(client, api_for, county, clock, changes, field):
    response = client.post(
        "/api/v1/disclosure/items",
        _body(county.village_a1, **changes),
        content_type="application/json",
        **api_for("admin"),
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == field
    assert not DisclosureItem.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), list(zip(ROLES, [200, 200, 200, 404, 403, 403, 401], strict=True))
)
def test_change_and_withdraw_access_matrix(client, api_for, ids, role, status):
    headers = api_for(role)
    audits = AuditEntry.objects.count()
    patched = client.patch(
        f"/api/v1/disclosure/items/{ids['a1']}",
        {"title": "甲村更正后的事项"},
        content_type="application/json",
        **headers,
    )
    assert patched.status_code == status
    withdrawn = client.post(
        f"/api/v1/disclosure/items/{ids['a1']}/withdraw",
        {"reason": "重复发布"},
        content_type="application/json",
        **headers,
    )
    assert withdrawn.status_code == status
    item = DisclosureItem.objects.get(pk=ids["a1"])
    if status == 200:
        assert withdrawn.json()["state"] == "withdrawn" and item.title == "甲村更正后的事项"
        assert AuditEntry.objects.count() == audits + 2
    else:
        assert item.title == "甲村待公开事项" and item.withdrawn_at is None
        assert AuditEntry.objects.count() == audits


def test_a_change_after_it_went_live_is_409_with_the_rule(client, api_for, ids, clock):
    clock.move_to(TODAY + dt.timedelta(days=2))
    response = client.patch(
        f"/api/v1/disclosure/items/{ids['a1']}",
        {"title": "公开后再改"},
        content_type="application/json",
        **api_for("admin"),
    )
    assert response.status_code == 409 and "第十五条" in response.json()["detail"]
    again = client.post(
        f"/api/v1/disclosure/items/{ids['a1']}/withdraw",
        {"reason": "撤回"},
        content_type="application/json",
        **api_for("admin"),
    )
    assert again.status_code == 200
    twice = client.post(
        f"/api/v1/disclosure/items/{ids['a1']}/withdraw",
        {"reason": "撤回"},
        content_type="application/json",
        **api_for("admin"),
    )
    assert twice.status_code == 409


def test_an_attachment_is_uploaded_before_the_item_goes_live(client, api_for, ids, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = f"/api/v1/disclosure/items/{ids['a1']}/attachment"
    fake = client.post(url, {"file": _file("明细.pdf", b"not a pdf")}, **api_for("secretary"))
    assert fake.status_code == 422 and fake.json()["errors"][0]["field"] == "attachment"
    done = client.post(url, {"file": _file("明细.pdf", PDF)}, **api_for("secretary"))
    assert done.status_code == 200 and done.json()["attachment_name"] == "明细.pdf"
    assert client.post(url, {"file": _file("明细.pdf", PDF)}, **api_for("secretary_b")).status_code == 404


def _file(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_public_board_answers_without_a_token_for_an_organization(
    client, ids, publish, county, candidate
):
    publish(title="甲镇结果", category="result", org=county.town_a)
    board = client.get("/api/v1/disclosure/board?org=A0").json()
    assert board["org"] == {"name": "甲镇党委", "code": "A0"} and board["date"] == "2026-04-15"
    assert [i["title"] for i in board["items"]] == ["甲镇结果"]  # the a1 item is not public yet
    assert board["candidate_notices"] == [
        {
            "person_name": "赵公示",
            "org_name": "甲村党支部",
            "starts_on": "2026-04-13",
            "ends_on": "2026-04-17",
        }
    ]
    county_board = client.get("/api/v1/disclosure/board").json()
    assert {i["title"] for i in county_board["items"]} == {"甲镇结果", "丙村决策事项"}
    assert client.get("/api/v1/disclosure/board?org=NOPE").status_code == 404


def test_the_public_board_lists_site_notices_with_the_objection_address(client, walk):
    application = walk("publicized")
    board = client.get("/api/v1/disclosure/board").json()
    [notice] = board["site_notices"]
    assert notice["items"][0]["org_name"] == "甲村党支部"
    assert notice["items"][0]["objection_url"] == f"/public/objections/{application.pk}/"
