"""Campaigns through the API: the seeds' defaults, validation, quotas, progress, closing."""

import datetime as dt

import pytest

from dangjian.sites import services
from dangjian.sites.models import Campaign, Quota

pytestmark = pytest.mark.django_db


def post(client, url, headers, body=None):
    return client.post(url, body or {}, content_type="application/json", **headers)


def test_a_campaign_opens_with_the_seeds_calendar_weights_and_forty_places(
    client, api_for, clock, catalogues
):
    response = post(client, "/api/v1/sites/campaigns", api_for("admin"), {"year": 2026})
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "2026 年度党建示范点创建工作" and body["org_name"] == "旌德县委"
    assert (body["mobilization_by"], body["plan_due"], body["implementation_by"], body["acceptance_by"]) == (
        "2026-03-31",
        "2026-03-31",
        "2026-06-10",
        "2026-07-10",
    )
    assert body["satisfaction_threshold"] == 90 and body["notice_working_days"] == 5
    quotas = {(q["domain"], q["tier"]): q["quota"] for q in body["quotas"]}
    assert quotas == {
        ("township", "county"): 3,
        ("rural", "county"): 15,
        ("community", "county"): 3,
        ("soe", "county"): 2,
        ("private", "county"): 3,
        ("organ", "county"): 10,
        ("institution", "county"): 4,
    }


def test_own_quotas_and_options(client, api_for, clock):
    body = post(
        client,
        "/api/v1/sites/campaigns",
        api_for("admin"),
        {
            "year": 2026,
            "title": "2026 年镇级示范点",
            "weight_self": 30,
            "weight_mass": 30,
            "weight_org": 40,
            "quotas": [{"domain": "rural", "tier": "township", "number": 5}],
        },
    ).json()
    assert body["weights"] == {"self": 30, "mass": 30, "org": 40}
    assert [(q["domain"], q["tier"], q["quota"]) for q in body["quotas"]] == [("rural", "township", 5)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": 2026, "implementation_by": "2026-03-01"}, "implementation_by"),
        ({"year": 2026, "acceptance_by": "2027-07-10"}, "acceptance_by"),
        ({"year": 2026, "weight_self": 50}, "weight_self"),
        ({"year": 2026, "quotas": [{"domain": "moon", "tier": "county", "number": 1}]}, "quotas.0.domain"),
        ({"year": 1999}, "year"),
    ],
)
def test_bad_campaigns_are_422_and_nothing_is_kept(client, api_for, clock, body, field):
    response = post(client, "/api/v1/sites/campaigns", api_for("admin"), body)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Campaign.objects.exists() and not Quota.objects.exists()


def test_one_campaign_per_year(client, api_for, campaign):
    response = post(client, "/api/v1/sites/campaigns", api_for("admin"), {"year": 2026})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "year"


def test_progress_counts_applications_by_state_within_the_callers_scope(
    client, api_for, walk, county, campaign
):
    walk("submitted")
    walk("draft", org=county.village_b1)
    admin = client.get(f"/api/v1/sites/campaigns/{campaign.pk}", **api_for("admin")).json()
    assert admin["progress"]["by_state"] == {"submitted": 1, "draft": 1}
    rural = next(q for q in admin["quotas"] if q["domain"] == "rural")
    assert rural == {
        "domain": "rural",
        "tier": "county",
        "quota": 15,
        "designated": 0,
        "left": 15,
        "by_state": {"submitted": 1, "draft": 1},
    }
    officer = client.get(f"/api/v1/sites/campaigns/{campaign.pk}", **api_for("officer")).json()
    assert officer["progress"]["by_state"] == {"submitted": 1}
    assert officer["progress"]["quota_total"] == 40


def test_overdue_drafts(client, api_for, walk, county, campaign, clock, personas):
    services.application_create(
        actor=personas.admin, campaign=campaign, org=county.village_b1, goals="只写了目标"
    )
    walk("draft")
    body = client.get(f"/api/v1/sites/campaigns/{campaign.pk}/overdue", **api_for("admin")).json()
    assert [(i["org_name"], i["reason"]) for i in body["items"]] == [
        ("丙村党支部", "超过创建计划报送日期仍未报送完整计划")
    ]
    clock.move_to(dt.date(2026, 6, 11))
    body = client.get(f"/api/v1/sites/campaigns/{campaign.pk}/overdue", **api_for("admin")).json()
    assert body["count"] == 2


def test_a_closed_campaign_takes_no_more_changes(client, api_for, campaign, county):
    admin = api_for("admin")
    assert post(client, f"/api/v1/sites/campaigns/{campaign.pk}/close", admin).json()["state"] == "closed"
    response = client.patch(
        f"/api/v1/sites/campaigns/{campaign.pk}", {"title": "改名"}, content_type="application/json", **admin
    )
    assert response.status_code == 409
    response = post(
        client,
        "/api/v1/sites/applications",
        api_for("secretary"),
        {"campaign_id": campaign.pk, "org_id": county.village_a1.pk},
    )
    assert response.status_code == 409
    assert post(client, f"/api/v1/sites/campaigns/{campaign.pk}/close", admin).status_code == 409
