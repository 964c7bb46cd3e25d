"""/api/v1/orgs: listing, subtree, structure, writes, error format, and the access matrix."""

import pytest

pytestmark = pytest.mark.django_db


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
