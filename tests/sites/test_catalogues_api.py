"""Catalogues through the API: a draft is filled and published; a published catalogue never changes — a
change is a new version, and new applications are scored on the latest published version."""

import pytest

from dangjian.core.errors import ValidationFailed
from dangjian.sites import services
from dangjian.sites.models import Catalogue

pytestmark = pytest.mark.django_db

MANUAL = {"code": "X01", "group": "特色", "title": "特色亮点", "max_score": 10, "method": "manual"}


def post(client, url, headers, body=None):
    return client.post(url, body or {}, content_type="application/json", **headers)


def test_draft_fill_publish_and_version(client, api_for, catalogues, campaign, county, personas):
    admin = api_for("admin")
    response = post(
        client,
        "/api/v1/sites/catalogues",
        admin,
        {"year": 2026, "domain": "rural", "title": "2026 农村（修订）"},
    )
    assert response.status_code == 201
    draft = response.json()
    assert (draft["state"], draft["version"], draft["criteria_count"]) == ("draft", 2, 0)
    url = f"/api/v1/sites/catalogues/{draft['id']}"
    assert post(client, f"{url}/publish", admin).status_code == 409  # nothing in it yet
    assert post(client, f"{url}/criteria", admin, MANUAL).status_code == 201
    auto = {**MANUAL, "code": "X02", "method": "auto", "metric": "site_area", "threshold": 120}
    assert post(client, f"{url}/criteria", admin, auto).status_code == 201
    for bad in (
        {**MANUAL, "code": "X03", "method": "auto"},  # no metric
        {**MANUAL, "code": "X03", "method": "auto", "metric": "no_such"},
        {**MANUAL},  # repeated code
        {**MANUAL, "code": "X03", "max_score": 0},
    ):
        assert post(client, f"{url}/criteria", admin, bad).status_code == 422, bad
    response = post(client, f"{url}/publish", admin)
    assert response.status_code == 200 and response.json()["state"] == "published"
    assert response.json()["total_score"] == 20.0
    assert post(client, f"{url}/criteria", admin, {**MANUAL, "code": "X09"}).status_code == 409
    criterion_id = response.json()["criteria"][0]["id"]
    assert client.delete(f"{url}/criteria/{criterion_id}", **admin).status_code == 409
    # New applications of the domain are scored on the latest published version.
    application = services.application_create(
        actor=personas.secretary, campaign=campaign, org=county.village_a1
    )
    assert application.catalogue_id == draft["id"]
    response = post(client, f"{url}/new-version", admin)
    assert response.status_code == 201
    copy = response.json()
    assert (copy["version"], copy["state"]) == (3, "draft")
    assert [c["code"] for c in copy["criteria"]] == ["X01", "X02"]
    copy_url = f"/api/v1/sites/catalogues/{copy['id']}"
    assert client.delete(f"{copy_url}/criteria/{copy['criteria'][0]['id']}", **admin).status_code == 204
    assert Catalogue.objects.get(pk=draft["id"]).criteria.count() == 2


def test_a_domain_without_its_own_catalogue_uses_the_general_one(catalogues, campaign, county, personas):
    application = services.application_create(actor=personas.admin, campaign=campaign, org=county.town_b)
    assert application.domain == "township" and application.catalogue == catalogues["all"]


def test_no_catalogue_for_the_year_means_no_application(campaign, county, personas):
    Catalogue.objects.all().delete()
    with pytest.raises(ValidationFailed, match="尚未发布"):
        services.application_create(actor=personas.secretary, campaign=campaign, org=county.village_a1)


def test_filters_and_the_metric_registry(client, api_for, catalogues):
    body = client.get("/api/v1/sites/catalogues?domain=organ", **api_for("secretary")).json()
    assert body["count"] == 1 and body["items"][0]["title"] == "机关党组织党建示范点创建标准"
    assert client.get("/api/v1/sites/catalogues?year=2025", **api_for("admin")).json()["count"] == 0
    detail = client.get(f"/api/v1/sites/catalogues/{catalogues['rural'].pk}", **api_for("reviewer")).json()
    assert detail["criteria"][0]["code"] == "A01" and detail["criteria"][0]["threshold"] == 120.0
    metrics = client.get("/api/v1/sites/metrics", **api_for("officer")).json()
    assert {"site_area", "satisfaction_rate", "orglife_compliance"} <= {m["key"] for m in metrics}
